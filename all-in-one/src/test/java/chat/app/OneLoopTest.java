package chat.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import chat.shared.Addresses;
import chat.testing.TestStack;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link OneLoop}: the verticles it deploys run on one thread, start in order, stop in reverse
 * order, and a failed start stops those already started; and the all-in-one system really runs
 * the chat service's and the gateway's handlers on that one thread (seen by thread identity).
 */
class OneLoopTest {

  private Vertx vertx;

  @BeforeEach
  void vertx() {
    // Several loops, so that verticles deployed apart land on different ones.
    vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(4));
  }

  @AfterEach
  void close() throws Exception {
    vertx.close().await(30, TimeUnit.SECONDS);
  }

  @Test
  void verticlesStartInOrderOnOneThreadAndStopInReverse() throws Exception {
    List<String> log = new CopyOnWriteArrayList<>();
    Probe first = new Probe("first", log, false);
    Probe second = new Probe("second", log, false);
    String id = vertx.deployVerticle(new OneLoop(List.of(first, second)), new DeploymentOptions())
      .await(10, TimeUnit.SECONDS);
    assertEquals(List.of("start first", "start second"), log);
    assertSame(first.thread, second.thread);
    assertTrue(first.thread.getName().startsWith("vert.x-eventloop-thread-"), first.thread.getName());
    // Their timers too (each verticle's later work, not only its start).
    assertSame(first.thread, first.timerThread());
    assertSame(first.thread, second.timerThread());

    vertx.undeploy(id).await(10, TimeUnit.SECONDS);
    assertEquals(List.of("start first", "start second", "stop second", "stop first"), log);
  }

  @Test
  void aFailedStartStopsTheVerticlesAlreadyStarted() {
    List<String> log = new CopyOnWriteArrayList<>();
    OneLoop loop = new OneLoop(List.of(new Probe("first", log, false), new Probe("second", log, true),
      new Probe("third", log, false)));
    Throwable failed = assertThrows(Throwable.class,
      () -> vertx.deployVerticle(loop, new DeploymentOptions()).await(10, TimeUnit.SECONDS));
    assertEquals("second cannot start", failed.getMessage());
    assertEquals(List.of("start first", "start second", "stop first"), log);
    assertTrue(vertx.deploymentIDs().isEmpty(), vertx.deploymentIDs().toString());
  }

  @Test
  void chatServiceAndGatewayHandleOnOneThread(@TempDir Path dataDir) throws Exception {
    try (TestStack stack = TestStack.deploy(vertx, dataDir, new JsonObject())) {
      List<Thread> threads = consumerThreadsOfUserEvents(stack);
      assertSame(threads.get(0), threads.get(1), threads.toString());
    }
  }

  @Test
  void withoutTheSharedLoopTheyHandleOnTwoThreads(@TempDir Path dataDir) throws Exception {
    try (TestStack stack = TestStack.deploy(vertx, dataDir, new JsonObject().put("CHAT_SHARED_EVENT_LOOP", false))) {
      List<Thread> threads = consumerThreadsOfUserEvents(stack);
      assertNotEquals(threads.get(0), threads.get(1), threads.toString());
    }
  }

  /**
   * The threads the event bus delivers a notice on {@code svc.auth.events.user} on: its two
   * consumers are the chat service's and the gateway's (both ignore a notice of unknown type).
   * Inbound interceptors run on the receiving consumer's thread.
   */
  private static List<Thread> consumerThreadsOfUserEvents(TestStack stack) throws InterruptedException {
    String marker = "loop-probe";
    List<Thread> threads = new CopyOnWriteArrayList<>();
    CountDownLatch delivered = new CountDownLatch(2);
    stack.vertx.eventBus().addInboundInterceptor(ctx -> {
      Object body = ctx.body();
      if (Addresses.AUTH_USER_EVENTS.equals(ctx.message().address()) && body instanceof JsonObject
        && marker.equals(((JsonObject) body).getString("type"))) {
        threads.add(Thread.currentThread());
        delivered.countDown();
      }
      ctx.next();
    });
    stack.vertx.eventBus().publish(Addresses.AUTH_USER_EVENTS, new JsonObject().put("type", marker));
    assertTrue(delivered.await(10, TimeUnit.SECONDS), "both consumers got the notice");
    assertEquals(2, threads.size(), threads.toString());
    for (Thread thread : threads) {
      assertTrue(thread.getName().startsWith("vert.x-eventloop-thread-"), thread.getName());
    }
    return threads;
  }

  /** Records its start and stop (and fails to start when told to), and the thread it started on. */
  private static final class Probe extends VerticleBase {
    private final String name;
    private final List<String> log;
    private final boolean failStart;
    private final ConcurrentHashMap<String, Thread> seen = new ConcurrentHashMap<>();
    volatile Thread thread;

    Probe(String name, List<String> log, boolean failStart) {
      this.name = name;
      this.log = log;
      this.failStart = failStart;
    }

    @Override
    public Future<?> start() {
      log.add("start " + name);
      thread = Thread.currentThread();
      return failStart ? Future.failedFuture(name + " cannot start") : Future.succeededFuture();
    }

    @Override
    public Future<?> stop() {
      log.add("stop " + name);
      return Future.succeededFuture();
    }

    Thread timerThread() throws InterruptedException {
      CountDownLatch fired = new CountDownLatch(1);
      context.runOnContext(v -> vertx.setTimer(1, id -> {
        seen.put("timer", Thread.currentThread());
        fired.countDown();
      }));
      assertTrue(fired.await(10, TimeUnit.SECONDS));
      return seen.get("timer");
    }
  }
}
