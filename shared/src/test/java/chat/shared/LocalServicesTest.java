package chat.shared;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import chat.shared.launch.ChatMetrics;
import chat.shared.metrics.DomainMetrics;
import io.micrometer.core.instrument.Counter;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@link ServiceBus#handOver} to a service served with hand-over replies: called directly (same
 * thread, same objects, counted in {@link DomainMetrics#SERVICE_HANDOVERS}, not seen by the bus)
 * when the caller runs on the service's own context, over the bus from anywhere else; and a direct
 * call answers exactly what the bus answers: the same errors, the same timeout, and no call to a
 * handler whose verticle was undeployed.
 */
class LocalServicesTest {

  private static final String ADDRESS = "svc.test.direct";

  private Vertx vertx;
  /** Bodies of requests to {@link #ADDRESS} that went over the event bus. */
  private final List<Object> overTheBus = new CopyOnWriteArrayList<>();

  @BeforeEach
  void vertx() {
    ChatMetrics.registry(); // counters count into it (without a registry they count into nothing)
    vertx = Vertx.vertx();
    vertx.eventBus().addInboundInterceptor(ctx -> {
      if (ADDRESS.equals(ctx.message().address())) {
        overTheBus.add(ctx.body());
      }
      ctx.next();
    });
  }

  @AfterEach
  void close() throws Exception {
    vertx.close().await(10, TimeUnit.SECONDS);
  }

  @Test
  void aCallerOnTheServicesContextHandsOverDirectlyOnItsThread() throws Exception {
    JsonObject reply = new JsonObject().put("id", 1L);
    Service service = deploy(body -> Future.succeededFuture(reply));
    ServiceBus services = new ServiceBus(vertx.eventBus());
    JsonObject request = new JsonObject().put("content", "direct");
    double before = handOvers();

    Answer direct = service.call(() -> services.handOver(ADDRESS, request));

    assertSame(reply, direct.value);
    assertSame(request, service.bodies.get(0));
    assertSame(direct.callerThread, service.threads.get(0), "the handler ran on the caller's thread");
    assertEquals(before + 1, handOvers());
    // A caller elsewhere goes over the bus (the marker: what the bus saw is that one, not the first).
    JsonObject marker = new JsonObject().put("content", "over the bus");
    assertSame(reply, services.handOver(ADDRESS, marker).await(10, TimeUnit.SECONDS));
    assertEquals(List.of(marker), overTheBus);
    assertEquals(before + 1, handOvers());
  }

  @Test
  void aDirectCallAnswersTheErrorsTheBusAnswers() throws Exception {
    ServiceError invalid = new ServiceError(ErrorCode.VALIDATION, "Invalid content: too long",
      new JsonObject().put("content", "too long"));
    ServiceError limited = ServiceError.rateLimited("Too many messages", 7);
    List<Function<JsonObject, Future<JsonObject>>> failing = List.of(
      body -> Future.failedFuture(invalid),
      body -> Future.failedFuture(limited),
      body -> {
        throw invalid;
      },
      body -> Future.failedFuture(new IllegalStateException("a bug")),
      body -> {
        throw new IllegalArgumentException("a thrown bug");
      },
      body -> null);
    ServiceBus services = new ServiceBus(vertx.eventBus());
    for (Function<JsonObject, Future<JsonObject>> handler : failing) {
      Service service = deploy(handler);
      double before = failures("RECIPIENT_FAILURE");
      Answer direct = service.call(() -> services.handOver(ADDRESS, new JsonObject()));
      assertEquals(before + 1, failures("RECIPIENT_FAILURE"));
      Answer overBus = Answer.of(services.handOver(ADDRESS, new JsonObject()));
      ServiceError directError = (ServiceError) direct.failure;
      ServiceError busError = (ServiceError) overBus.failure;
      assertEquals(busError.toErrorBody(), directError.toErrorBody());
      assertEquals(busError.retryAfterSeconds(), directError.retryAfterSeconds());
      // The verticle lives on: it still answers.
      assertEquals(2, service.bodies.size());
      undeploy(service);
    }
    assertEquals(6, overTheBus.size(), "each handler answered once over the bus, once directly");
  }

  @Test
  void aNeverCompletingCallFailsWithTheBussTimeoutAndALateAnswerIsDropped() throws Exception {
    List<Promise<JsonObject>> answers = new CopyOnWriteArrayList<>();
    Service service = deploy(body -> {
      Promise<JsonObject> answer = Promise.promise();
      answers.add(answer);
      return answer.future();
    });
    ServiceBus services = new ServiceBus(vertx.eventBus(), 200);
    double before = failures("TIMEOUT");

    // Three outstanding calls; the middle one is answered, the others time out.
    List<Future<JsonObject>> calls = new CopyOnWriteArrayList<>();
    service.call(() -> {
      for (int i = 0; i < 3; i++) {
        calls.add(services.handOver(ADDRESS, new JsonObject().put("i", i)));
      }
      answers.get(1).complete(new JsonObject().put("answered", 1));
      return Future.succeededFuture();
    });
    Answer first = Answer.of(calls.get(0));
    Answer middle = Answer.of(calls.get(1));
    Answer last = Answer.of(calls.get(2));
    Answer overBus = Answer.of(services.handOver(ADDRESS, new JsonObject().put("i", "bus")));

    assertEquals(new JsonObject().put("answered", 1), middle.value);
    ServiceError busTimeout = (ServiceError) overBus.failure;
    assertEquals(ErrorCode.TIMEOUT, busTimeout.code());
    assertEquals(busTimeout.toErrorBody(), ((ServiceError) first.failure).toErrorBody());
    assertEquals(busTimeout.toErrorBody(), ((ServiceError) last.failure).toErrorBody());
    assertEquals(before + 2, failures("TIMEOUT"));
    // Late answers are dropped (not counted, nothing thrown) and later calls are answered as ever.
    double recipientFailures = failures("RECIPIENT_FAILURE");
    Answer next = service.call(() -> {
      answers.get(0).complete(new JsonObject());
      answers.get(2).fail(new IllegalStateException("late"));
      Future<JsonObject> call = services.handOver(ADDRESS, new JsonObject().put("i", "next"));
      answers.get(answers.size() - 1).complete(new JsonObject().put("answered", "next"));
      return call;
    });
    assertEquals(new JsonObject().put("answered", "next"), next.value);
    assertEquals(recipientFailures, failures("RECIPIENT_FAILURE"));
    assertEquals(before + 2, failures("TIMEOUT"));
    assertTrue(calls.get(0).failed() && calls.get(2).failed());

    // A caller with a shorter timeout than one already waiting times out first, on its own.
    ServiceBus patient = new ServiceBus(vertx.eventBus(), 60_000);
    List<Future<JsonObject>> mixed = new CopyOnWriteArrayList<>();
    service.call(() -> {
      mixed.add(patient.handOver(ADDRESS, new JsonObject().put("i", "patient")));
      mixed.add(services.handOver(ADDRESS, new JsonObject().put("i", "hasty")));
      return Future.succeededFuture();
    });
    assertEquals(busTimeout.toErrorBody(), ((ServiceError) Answer.of(mixed.get(1)).failure).toErrorBody());
    assertTrue(!mixed.get(0).isComplete(), "the patient caller still waits");
  }

  @Test
  void anAnswerCompletedOnAnotherThreadReachesTheCallerOnItsLoop() throws Exception {
    Service service = deploy(body -> {
      Promise<JsonObject> answer = Promise.promise();
      new Thread(() -> answer.complete(new JsonObject().put("from", "another thread")), "not-a-loop").start();
      return answer.future();
    });
    ServiceBus services = new ServiceBus(vertx.eventBus());
    CompletableFuture<Thread> answeredOn = new CompletableFuture<>();
    Answer direct = service.call(() -> services.handOver(ADDRESS, new JsonObject())
      .onComplete(ar -> answeredOn.complete(Thread.currentThread())));
    assertEquals(new JsonObject().put("from", "another thread"), direct.value);
    assertSame(direct.callerThread, answeredOn.get(10, TimeUnit.SECONDS));
    assertTrue(overTheBus.isEmpty(), overTheBus.toString());
  }

  @Test
  void afterTheServiceIsUndeployedAHandOverDoesNotReachItsHandler() throws Exception {
    Service service = deploy(body -> Future.succeededFuture(new JsonObject()));
    ServiceBus services = new ServiceBus(vertx.eventBus());
    service.call(() -> services.handOver(ADDRESS, new JsonObject()));
    assertEquals(1, service.bodies.size());
    undeploy(service);

    // From the very context the service ran on: nothing serves the address any more.
    Answer afterwards = service.call(() -> services.handOver(ADDRESS, new JsonObject()));
    assertEquals(ErrorCode.UNAVAILABLE, ((ServiceError) afterwards.failure).code());
    assertEquals(1, service.bodies.size(), "the stale handler was not called");
  }

  @Test
  void anUnregisteredConsumerIsNotCalledEvenBeforeItsBindingIsDropped() throws Exception {
    Service service = deploy(body -> Future.succeededFuture(new JsonObject()));
    ServiceBus services = new ServiceBus(vertx.eventBus());
    // Unregistered and called in the same task: the eager unbinding has not run yet.
    Answer afterwards = service.call(() -> {
      service.consumer.unregister();
      return services.handOver(ADDRESS, new JsonObject());
    });
    assertEquals(ErrorCode.UNAVAILABLE, ((ServiceError) afterwards.failure).code());
    assertTrue(service.bodies.isEmpty(), service.bodies.toString());
  }

  @Test
  void plainServesAndOtherContextsStayOnTheBus() throws Exception {
    // A service served without hand-over replies is never called directly.
    Service plain = new Service(body -> Future.succeededFuture(new JsonObject()), false);
    vertx.deployVerticle(plain).await(10, TimeUnit.SECONDS);
    ServiceBus services = new ServiceBus(vertx.eventBus());
    JsonObject body = new JsonObject().put("plain", true);
    plain.call(() -> services.handOver(ADDRESS, body));
    assertEquals(List.of(body), overTheBus);
    assertEquals(1, plain.bodies.size());
    undeploy(plain);

    // A service with hand-over replies, called from another context: over the bus.
    Service service = deploy(b -> Future.succeededFuture(new JsonObject()));
    Context other = vertx.getOrCreateContext();
    CompletableFuture<JsonObject> answered = new CompletableFuture<>();
    JsonObject fromElsewhere = new JsonObject().put("from", "another context");
    other.runOnContext(v -> services.handOver(ADDRESS, fromElsewhere)
      .onComplete(ar -> answered.complete(ar.result())));
    answered.get(10, TimeUnit.SECONDS);
    assertEquals(List.of(body, fromElsewhere), overTheBus);
    assertEquals(1, service.bodies.size());
  }

  private Service deploy(Function<JsonObject, Future<JsonObject>> handler) throws Exception {
    Service service = new Service(handler, true);
    vertx.deployVerticle(service).await(10, TimeUnit.SECONDS);
    return service;
  }

  private void undeploy(Service service) throws Exception {
    vertx.undeploy(service.deploymentID()).await(10, TimeUnit.SECONDS);
  }

  private static double handOvers() {
    Counter counter = ChatMetrics.registry().find(DomainMetrics.SERVICE_HANDOVERS)
      .tag(DomainMetrics.ADDRESS, ADDRESS).counter();
    return counter == null ? 0 : counter.count();
  }

  private static double failures(String failure) {
    Counter counter = ChatMetrics.registry().find(DomainMetrics.SERVICE_HANDOVER_FAILURES)
      .tag(DomainMetrics.ADDRESS, ADDRESS).tag(DomainMetrics.FAILURE, failure).counter();
    return counter == null ? 0 : counter.count();
  }

  /** A verticle serving {@link #ADDRESS}, recording the bodies it got and the threads it ran on. */
  private static final class Service extends VerticleBase {
    private final Function<JsonObject, Future<JsonObject>> handler;
    private final boolean handOverReplies;
    final List<JsonObject> bodies = new CopyOnWriteArrayList<>();
    final List<Thread> threads = new CopyOnWriteArrayList<>();
    volatile io.vertx.core.eventbus.MessageConsumer<Object> consumer;

    Service(Function<JsonObject, Future<JsonObject>> handler, boolean handOverReplies) {
      this.handler = handler;
      this.handOverReplies = handOverReplies;
    }

    @Override
    public Future<?> start() {
      consumer = ServiceBus.serve(vertx.eventBus(), ADDRESS, body -> {
        bodies.add(body);
        threads.add(Thread.currentThread());
        return handler.apply(body);
      }, handOverReplies);
      return consumer.completion();
    }

    /** Runs {@code call} on this verticle's context and waits for its answer. */
    Answer call(Supplier<Future<JsonObject>> call) throws Exception {
      CompletableFuture<Answer> done = new CompletableFuture<>();
      context.runOnContext(v -> {
        Thread caller = Thread.currentThread();
        call.get().onComplete(ar -> done.complete(new Answer(ar.result(), ar.cause(), caller)));
      });
      return done.get(10, TimeUnit.SECONDS);
    }
  }

  /** What a call answered, and the thread it was made on. */
  private static final class Answer {
    final JsonObject value;
    final Throwable failure;
    final Thread callerThread;

    Answer(JsonObject value, Throwable failure, Thread callerThread) {
      this.value = value;
      this.failure = failure;
      this.callerThread = callerThread;
    }

    static Answer of(Future<JsonObject> future) throws Exception {
      CompletableFuture<Answer> done = new CompletableFuture<>();
      future.onComplete(ar -> done.complete(new Answer(ar.result(), ar.cause(), null)));
      return done.get(10, TimeUnit.SECONDS);
    }
  }
}
