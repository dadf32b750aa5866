package chat.shared;

import io.vertx.core.Future;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.internal.ContextInternal;
import io.vertx.core.json.JsonObject;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one way services talk over the event bus: {@link #request} on the calling side,
 * {@link #serve} on the providing side. Bodies are JSON objects; failures are
 * {@link ServiceError}s in both directions.
 */
public final class ServiceBus {

  private static final Logger LOG = LoggerFactory.getLogger(ServiceBus.class);

  /** Default time a caller waits for a service. */
  public static final long DEFAULT_TIMEOUT_MS = 10_000;

  private final EventBus eventBus;
  private final DeliveryOptions options;
  private final DeliveryOptions handOverOptions;
  private final long handOverTimeoutMs;
  private volatile LocalServices localServices;

  public ServiceBus(EventBus eventBus) {
    this(eventBus, DEFAULT_TIMEOUT_MS);
  }

  public ServiceBus(EventBus eventBus, long timeoutMs) {
    this.eventBus = eventBus;
    this.options = new DeliveryOptions().setSendTimeout(timeoutMs);
    this.handOverOptions = ReadOnlyJsonCodec.options().setSendTimeout(timeoutMs);
    this.handOverTimeoutMs = timeoutMs;
    ReadOnlyJsonCodec.register(eventBus);
  }

  /** Sends a request; the future fails with a {@link ServiceError} whatever went wrong. */
  public Future<JsonObject> request(String address, JsonObject body) {
    return eventBus.<JsonObject>request(address, body, options)
      .map(Message::body)
      .recover(err -> Future.failedFuture(ServiceError.from(err)));
  }

  /**
   * Same as {@link #request} for a body the caller built for this request and never touches again,
   * to a service that only reads it ({@link ReadOnlyJsonCodec}: within one JVM, not copied). A
   * service served with {@code handOverReplies} on the caller's own context (the all-in-one jar's
   * one event loop) is called directly, not over the bus ({@link LocalServices}), with the same
   * answers, errors and timeout.
   */
  public Future<JsonObject> handOver(String address, JsonObject body) {
    ContextInternal current = ContextInternal.current();
    LocalServices.Binding direct = direct(address, current);
    if (direct != null) {
      return direct.call(current, body, handOverTimeoutMs);
    }
    // One step instead of map and recover: this is every message send's path.
    return eventBus.<JsonObject>request(address, body, handOverOptions)
      .transform(ar -> ar.succeeded() ? Future.succeededFuture(ar.result().body())
        : Future.failedFuture(ServiceError.from(ar.cause())));
  }

  /**
   * Whether {@link #handOver} of this address, from the caller's context, calls a service of this
   * JVM directly: then the hand-overs reach that one service in the order they were made. Else
   * they travel the bus, which may hand consecutive ones to different instances of the service.
   */
  public boolean handsOverDirectly(String address) {
    return direct(address, ContextInternal.current()) != null;
  }

  /** The service a hand-over from {@code current} calls directly, or null: it goes over the bus. */
  private LocalServices.Binding direct(String address, ContextInternal current) {
    if (current == null) {
      return null;
    }
    LocalServices services = localServices(current);
    return services == null ? null : services.find(address, current);
  }

  /** The registry of this bus's Vert.x instance, once a call ran on one of its contexts; else null. */
  private LocalServices localServices(ContextInternal current) {
    LocalServices services = localServices;
    if (services == null && current.owner().eventBus() == eventBus) {
      services = LocalServices.of(current.owner());
      localServices = services;
    }
    return services;
  }

  /** Same as {@link #request} with a specific timeout (health checks). */
  public Future<JsonObject> request(String address, JsonObject body, long timeoutMs) {
    return eventBus.<JsonObject>request(address, body, new DeliveryOptions().setSendTimeout(timeoutMs))
      .map(Message::body)
      .recover(err -> Future.failedFuture(ServiceError.from(err)));
  }

  /**
   * A request whose body or answer may be bytes (a {@code Buffer}: attachment chunks), with
   * headers; the same failures as {@link #request}. Streams use it one bounded chunk at a time.
   */
  public <T> Future<T> requestAny(String address, Object body, DeliveryOptions delivery) {
    DeliveryOptions withTimeout = new DeliveryOptions(delivery);
    if (delivery.getSendTimeout() == DeliveryOptions.DEFAULT_TIMEOUT) {
      withTimeout.setSendTimeout(options.getSendTimeout());
    }
    return eventBus.<T>request(address, body, withTimeout)
      .map(Message::body)
      .recover(err -> Future.failedFuture(ServiceError.from(err)));
  }

  /**
   * Like {@link #serve} for an operation that takes or answers bytes: the handler gets the whole
   * message (body of any type, headers) and its result (a JsonObject or a Buffer) is the reply;
   * failures are replied exactly as {@link #serve} replies them.
   */
  public static MessageConsumer<Object> serveAny(EventBus eventBus, String address,
                                                 Function<Message<Object>, Future<?>> handler) {
    return eventBus.<Object>consumer(address, msg -> answer(address, msg, handler));
  }

  /** Answers one message of {@link #serveAny} (also for consumers registered otherwise: per-upload addresses). */
  public static void answer(String address, Message<Object> msg, Function<Message<Object>, Future<?>> handler) {
    Future<?> result;
    try {
      result = handler.apply(msg);
    } catch (RuntimeException e) {
      result = Future.failedFuture(e);
    }
    result.onComplete(ar -> {
      if (ar.succeeded()) {
        msg.reply(ar.result());
      } else {
        ServiceError error = replyError(address, ar.cause());
        msg.fail(error.code().code(), error.encodeForReply());
      }
    });
  }

  /**
   * Registers a service operation. The handler's result is the reply; a {@link ServiceError}
   * is replied as such; any other failure or exception is logged and replied as INTERNAL, so a
   * bug never leaves the caller waiting and never kills the verticle.
   */
  public static MessageConsumer<Object> serve(EventBus eventBus, String address,
                                                  Function<JsonObject, Future<JsonObject>> handler) {
    return serve(eventBus, address, handler, false);
  }

  /**
   * Same as {@link #serve(EventBus, String, Function)}; with {@code handOverReplies} the handler's
   * every result is a fresh object it never touches again, replied without a copy
   * ({@link ReadOnlyJsonCodec}).
   */
  public static MessageConsumer<Object> serve(EventBus eventBus, String address,
                                              Function<JsonObject, Future<JsonObject>> handler,
                                              boolean handOverReplies) {
    DeliveryOptions replyOptions = handOverReplies ? ReadOnlyJsonCodec.options() : new DeliveryOptions();
    if (handOverReplies) {
      ReadOnlyJsonCodec.register(eventBus);
    }
    MessageConsumer<Object> consumer = eventBus.<Object>consumer(address, msg -> {
      Object raw = msg.body();
      Future<JsonObject> result = raw != null && !(raw instanceof JsonObject)
        ? Future.failedFuture(new ServiceError(ErrorCode.VALIDATION, "Request body must be a JSON object"))
        : apply(handler, (JsonObject) raw);
      result.onComplete(ar -> {
        if (ar.succeeded()) {
          msg.reply(ar.result(), replyOptions);
        } else {
          ServiceError error = replyError(address, ar.cause());
          msg.fail(error.code().code(), error.encodeForReply());
        }
      });
    });
    if (handOverReplies) {
      LocalServices.bind(eventBus, address, consumer, handler);
    }
    return consumer;
  }

  /**
   * The handler's answer to {@code body} (an empty object when null); a thrown exception (or no
   * future at all) is a failed answer, so it never escapes into the bus or a direct caller.
   */
  static Future<JsonObject> apply(Function<JsonObject, Future<JsonObject>> handler, JsonObject body) {
    try {
      Future<JsonObject> result = handler.apply(body == null ? new JsonObject() : body);
      return result == null ? Future.failedFuture(new IllegalStateException("No answer from the handler")) : result;
    } catch (RuntimeException e) {
      return Future.failedFuture(e);
    }
  }

  /**
   * The error a failed service call is answered with: a {@link ServiceError} as it is, anything
   * else logged and answered as INTERNAL (its text may hold internals).
   */
  static ServiceError replyError(String address, Throwable cause) {
    if (cause instanceof ServiceError) {
      return (ServiceError) cause;
    }
    LOG.error("Unexpected failure serving {}", address, cause);
    return new ServiceError(ErrorCode.INTERNAL, "Internal error");
  }
}
