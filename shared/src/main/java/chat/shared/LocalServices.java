package chat.shared;

import chat.shared.metrics.DomainMetrics;
import io.micrometer.core.instrument.Counter;
import io.vertx.core.AsyncResult;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.internal.ContextInternal;
import io.vertx.core.json.JsonObject;
import io.vertx.core.shareddata.LocalMap;
import io.vertx.core.shareddata.Shareable;
import java.util.Arrays;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * The services of one Vert.x instance that take hand-overs ({@link ServiceBus#serve} with
 * {@code handOverReplies}), by address, so that {@link ServiceBus#handOver} from the service's own
 * event loop calls the handler directly instead of over the event bus (issue 12: in the all-in-one
 * jar the gateway and the chat service share one event loop, {@code OneLoop}). A caller anywhere
 * else (another context, another thread, another JVM) goes over the bus as before.
 *
 * <p>A direct call answers what the bus would: the handler's reply object itself, its
 * {@link ServiceError}, INTERNAL for anything else (logged, as {@link ServiceBus#serve} does), and
 * the bus's TIMEOUT error when it does not complete within the caller's timeout (a late answer is
 * then dropped, as the bus drops a late reply). Timeouts: the outstanding calls of a service are
 * one list ordered by deadline (start order, the timeout being the caller's constant) and one timer
 * is armed at a time, for the first deadline; a call that completes leaves the list at once. So no
 * timer is scheduled and cancelled per call (the bus does both), and each call times out on time.
 *
 * <p>Kept per Vert.x instance (in its local shared data, not in a static: tests run several
 * stacks in one JVM). A binding is dropped when its consumer is unregistered (the verticle stops
 * or undeploys); a call never reaches a handler whose consumer is no longer registered.
 */
final class LocalServices implements Shareable {

  private static final String MAP = "chat.shared.local-services";
  private static final String KEY = "services";

  private final ConcurrentHashMap<String, Binding[]> byAddress = new ConcurrentHashMap<>();

  private LocalServices() {
  }

  /** The registry of this Vert.x instance. */
  static LocalServices of(Vertx vertx) {
    LocalMap<String, LocalServices> map = vertx.sharedData().getLocalMap(MAP);
    LocalServices services = map.get(KEY);
    if (services == null) {
      LocalServices created = new LocalServices();
      services = map.putIfAbsent(KEY, created);
      if (services == null) {
        services = created;
      }
    }
    return services;
  }

  /**
   * Binds {@code handler} to {@code address} for direct calls from the current context, the one
   * {@code consumer} was registered on. Nothing is bound off an event-loop context (no caller can
   * be on its loop then) or for another Vert.x instance's bus.
   */
  static void bind(EventBus eventBus, String address, MessageConsumer<?> consumer,
                   Function<JsonObject, Future<JsonObject>> handler) {
    ContextInternal context = ContextInternal.current();
    if (context == null || !context.isEventLoopContext() || context.owner().eventBus() != eventBus) {
      return;
    }
    LocalServices services = of(context.owner());
    Binding binding = new Binding(services, address, context.unwrap(), consumer, handler);
    services.byAddress.compute(address, (a, bound) -> {
      Binding[] more = bound == null ? new Binding[1] : Arrays.copyOf(bound, bound.length + 1);
      more[more.length - 1] = binding;
      return more;
    });
    // Eagerly forgets the binding once the consumer is unregistered; find checks it anyway.
    consumer.endHandler(v -> binding.unbind());
  }

  /**
   * The binding of {@code address} that {@code current} (the caller's context) may call directly:
   * one registered on the same context, the caller running on its event-loop thread; else null.
   */
  Binding find(String address, ContextInternal current) {
    Binding[] bound = byAddress.get(address);
    if (bound == null) {
      return null;
    }
    ContextInternal root = current.unwrap();
    for (Binding binding : bound) {
      if (binding.context == root && root.inThread()) {
        if (binding.consumer.isRegistered()) {
          return binding;
        }
        binding.unbind();
      }
    }
    return null;
  }

  private void remove(Binding binding) {
    byAddress.computeIfPresent(binding.address, (a, bound) -> {
      Binding[] kept = Arrays.stream(bound).filter(b -> b != binding).toArray(Binding[]::new);
      return kept.length == 0 ? null : kept;
    });
  }

  /** One service's handler on one context, with its outstanding calls (touched on that context's thread only). */
  static final class Binding {
    private final LocalServices services;
    private final String address;
    private final ContextInternal context;
    private final MessageConsumer<?> consumer;
    private final Function<JsonObject, Future<JsonObject>> handler;
    /** Built on the first call (a series shows once something counted in it, as DomainMetrics' others do). */
    private Counter handOvers;
    private Counter recipientFailures;
    private Counter timeouts;
    /** Outstanding calls, earliest deadline first. */
    private Call head;
    private Call tail;
    /** The timer armed for the earliest deadline ({@code armedFor}), or -1. */
    private long timerId = -1;
    private long armedFor;

    private Binding(LocalServices services, String address, ContextInternal context, MessageConsumer<?> consumer,
                    Function<JsonObject, Future<JsonObject>> handler) {
      this.services = services;
      this.address = address;
      this.context = context;
      this.consumer = consumer;
      this.handler = handler;
    }

    private void unbind() {
      services.remove(this);
    }

    /** Calls the handler with {@code body}; answers as the bus would within {@code timeoutMs}. */
    Future<JsonObject> call(ContextInternal caller, JsonObject body, long timeoutMs) {
      if (handOvers == null) {
        handOvers = DomainMetrics.serviceHandOvers(address);
      }
      handOvers.increment();
      Future<JsonObject> result = ServiceBus.apply(handler, body);
      if (result.isComplete()) {
        return result.succeeded() ? result : Future.failedFuture(failure(result.cause()));
      }
      Promise<JsonObject> answer = caller.promise();
      Call call = new Call(answer, System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs));
      enqueue(call);
      result.onComplete(ar -> {
        if (context.inThread()) {
          settle(call, ar);
        } else {
          // Completed on another thread (a worker): the list is this loop's, as a reply would be.
          context.execute(() -> settle(call, ar));
        }
      });
      return answer.future();
    }

    private void settle(Call call, AsyncResult<JsonObject> ar) {
      if (call.promise == null) {
        // Timed out: dropped, as the bus drops a late reply (an unexpected failure still logged, as serve logs it).
        if (ar.failed()) {
          ServiceBus.replyError(address, ar.cause());
        }
        return;
      }
      Promise<JsonObject> promise = call.promise;
      dequeue(call);
      if (ar.succeeded()) {
        promise.complete(ar.result());
      } else {
        promise.fail(failure(ar.cause()));
      }
    }

    private ServiceError failure(Throwable cause) {
      if (recipientFailures == null) {
        recipientFailures = DomainMetrics.serviceHandOverFailures(address, ReplyFailure.RECIPIENT_FAILURE.name());
      }
      recipientFailures.increment();
      return ServiceBus.replyError(address, cause);
    }

    private void enqueue(Call call) {
      Call after = tail;
      while (after != null && after.deadline - call.deadline > 0) {
        after = after.prev;
      }
      call.prev = after;
      call.next = after == null ? head : after.next;
      if (call.next == null) {
        tail = call;
      } else {
        call.next.prev = call;
      }
      if (after == null) {
        head = call;
      } else {
        after.next = call;
      }
      if (timerId < 0) {
        armTimer(System.nanoTime());
      } else if (call == head && call.deadline - armedFor < 0) {
        // A caller with a shorter timeout than those waiting: the timer moves up to its deadline.
        context.owner().cancelTimer(timerId);
        armTimer(System.nanoTime());
      }
    }

    private void dequeue(Call call) {
      if (call.prev == null) {
        head = call.next;
      } else {
        call.prev.next = call.next;
      }
      if (call.next == null) {
        tail = call.prev;
      } else {
        call.next.prev = call.prev;
      }
      call.prev = null;
      call.next = null;
      call.promise = null;
    }

    /** Arms the one timer for the earliest deadline (a call that completed before it leaves nothing to do). */
    private void armTimer(long now) {
      long delayMs = Math.max(1, TimeUnit.NANOSECONDS.toMillis(head.deadline - now + 999_999));
      armedFor = head.deadline;
      timerId = context.setTimer(delayMs, id -> expire());
    }

    private void expire() {
      timerId = -1;
      long now = System.nanoTime();
      while (head != null && head.deadline - now <= 0) {
        Call due = head;
        Promise<JsonObject> promise = due.promise;
        dequeue(due);
        if (timeouts == null) {
          timeouts = DomainMetrics.serviceHandOverFailures(address, ReplyFailure.TIMEOUT.name());
        }
        timeouts.increment();
        promise.fail(ServiceError.from(new ReplyException(ReplyFailure.TIMEOUT,
          "Timed out waiting for a reply. address: " + address)));
      }
      if (head != null) {
        armTimer(now);
      }
    }
  }

  /** One outstanding call; {@code promise} is null once it left the list (answered or timed out). */
  private static final class Call {
    private Promise<JsonObject> promise;
    private final long deadline;
    private Call prev;
    private Call next;

    private Call(Promise<JsonObject> promise, long deadline) {
      this.promise = promise;
      this.deadline = deadline;
    }
  }
}
