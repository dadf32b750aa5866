package chat.bench.gen;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * S8 unread counts: the cost of {@code GET /api/chats} for a user in {@link #chats} chats that
 * each hold unread messages, so every chat object of the answer carries a computed
 * {@code unread_count}. Setup: a writer creates the chats with the reader in them and sends
 * {@link #messagesPerChat} messages to each over REST; the reader marks every other chat read up
 * to its second message ({@code PUT /api/chats/{id}/read}), so the markers differ. The answer is
 * checked against those expected counts before anything is measured. Then, for each level of
 * {@link #concurrency}, the reader keeps that many list requests in flight (a closed loop) for
 * {@link #seconds}, {@link #repeats} times; the figures are the medians over the runs. The floor
 * and socket.io have no chats, so only the system runs it.
 */
public final class UnreadListScenario extends Scenario {

  private static final Logger LOG = LoggerFactory.getLogger(UnreadListScenario.class);

  public int chats = 200;
  public int messagesPerChat = 5;
  public int seconds = 5;
  public int warmupSeconds = 3;
  public int repeats = 3;
  public List<Integer> concurrency = List.of(1, 8);
  /** Requests per run at most (a traffic cap besides the time cap). */
  public long maxRequests = 200_000;
  public long capSeconds = 120;

  public UnreadListScenario(GenConfig cfg, Vertx vertx) {
    super(cfg, vertx);
  }

  @Override
  public String id() {
    return "s8";
  }

  @Override
  public long capSeconds() {
    return capSeconds;
  }

  @Override
  public boolean supports(Target t) {
    return !t.isSocketIo() && !t.isFloor();
  }

  @Override
  public void run(Target target, ScenarioResult result) throws Exception {
    Deadline d = new Deadline("S8 against " + target.name, capSeconds);
    String scen = "S8 unread list";
    try (Session s = new Session(vertx, target, null)) {
      List<BenchUser> users = users(target, "", 2);
      BenchUser reader = users.get(0);
      BenchUser writer = users.get(1);
      signUpAndLogin(s, users, d);
      long t0 = System.nanoTime();
      long[] chatIds = new long[chats];
      List<Integer> indexes = new ArrayList<>();
      for (int i = 0; i < chats; i++) {
        indexes.add(i);
      }
      await(Limited.forEach(vertx, indexes, cfg.setupConcurrency, i -> s.rest.createChat(writer, "bench unread " + i,
        List.of(reader), 1, 1, vertx).onSuccess(id -> chatIds[i] = id)), d);
      long[][] messageIds = new long[chats][messagesPerChat];
      List<int[]> sends = new ArrayList<>();
      for (int k = 0; k < messagesPerChat; k++) {
        for (int i = 0; i < chats; i++) {
          sends.add(new int[] {i, k});
        }
      }
      await(Limited.forEach(vertx, sends, cfg.setupConcurrency, p -> s.rest.postMessage(writer, chatIds[p[0]],
        "bench unread " + "x".repeat(Math.max(0, cfg.contentSize - 13)), null).onSuccess(id -> messageIds[p[0]][p[1]] = id)), d);
      // Every other chat read up to its second message: those keep messagesPerChat - 2 unread.
      long[] expected = new long[chats];
      List<Integer> marked = new ArrayList<>();
      for (int i = 0; i < chats; i++) {
        boolean read = i % 2 == 0 && messagesPerChat >= 2;
        expected[i] = read ? messagesPerChat - 2 : messagesPerChat;
        if (read) {
          marked.add(i);
        }
      }
      await(Limited.forEach(vertx, marked, cfg.setupConcurrency, i -> {
        long[] ids = messageIds[i].clone();
        Arrays.sort(ids);
        return s.rest.expect(reader, HttpMethod.PUT, "/api/chats/" + chatIds[i] + "/read",
          new JsonObject().put("message_id", ids[1]), 200);
      }), d);
      LOG.info("S8 {}: {} chats with {} messages each set up in {} ms", target.name, chats, messagesPerChat,
        (System.nanoTime() - t0) / 1_000_000);
      String check = verify(s, reader, chatIds, expected, d);
      result.info.put("s8.check", check);

      run(s, reader, warmupSeconds, concurrency.get(concurrency.size() - 1), null, d);
      awaitQuiet(target, d);
      for (int level : concurrency) {
        List<JsonObject> runs = new ArrayList<>();
        for (int r = 0; r < repeats; r++) {
          runs.add(run(s, reader, seconds, level, target, d));
        }
        JsonObject step = new JsonObject().put("concurrency", level).put("runs", new JsonArray(runs))
          .put("requests_per_s", median(runs, "requests_per_s")).put("p50_ms", median(runs, "p50_ms"))
          .put("p99_ms", median(runs, "p99_ms")).put("server_cpu_us_per_request", median(runs, "server_cpu_us_per_request"));
        result.steps.add(step);
        String note = String.format(Locale.ROOT, "%d chats x %d messages, median of %d x %d s; %s", chats,
          messagesPerChat, repeats, seconds, check) + Notes.contention(runs.get(runs.size() / 2));
        String what = level + " in flight";
        result.add("s8.rps.c" + level, scen, "GET /api/chats req/s (" + what + ")", "req/s",
          num(step.getDouble("requests_per_s")), Metric.Better.HIGHER, note);
        result.add("s8.p50.c" + level, scen, "ms per request p50 (" + what + ")", "ms", num(step.getDouble("p50_ms")),
          Metric.Better.LOWER, "");
        result.add("s8.p99.c" + level, scen, "ms per request p99 (" + what + ")", "ms", num(step.getDouble("p99_ms")),
          Metric.Better.LOWER, "");
        result.add("s8.cpu.c" + level, scen, "server CPU per request (" + what + ")", "us",
          num(step.getDouble("server_cpu_us_per_request")), Metric.Better.LOWER, "");
      }
    } catch (Deadline.CapReached e) {
      result.error = e.getMessage();
      LOG.warn("{}", e.getMessage());
    }
  }

  /** The reader's list holds every chat with the expected counts; otherwise the figures would measure the wrong thing. */
  private String verify(Session s, BenchUser reader, long[] chatIds, long[] expected, Deadline d) {
    JsonObject list = await(s.rest.expect(reader, HttpMethod.GET, "/api/chats", null, 200), d);
    JsonArray listed = list.getJsonArray("chats", new JsonArray());
    java.util.Map<Long, Long> unread = new java.util.HashMap<>();
    listed.forEach(c -> {
      JsonObject chat = (JsonObject) c;
      unread.put(chat.getLong("id"), chat.getLong("unread_count"));
    });
    int wrong = 0;
    long total = 0;
    for (int i = 0; i < chatIds.length; i++) {
      Long got = unread.get(chatIds[i]);
      if (got == null || got != expected[i]) {
        wrong++;
      }
      total += expected[i];
    }
    if (wrong > 0 || listed.size() != chatIds.length) {
      throw new Deadline.CapReached("the reader's list is not what was set up: " + listed.size() + " chats listed, "
        + wrong + " of " + chatIds.length + " with a wrong or missing unread_count");
    }
    return "counts checked (" + total + " unread in " + chatIds.length + " chats)";
  }

  /** One closed-loop run: {@code inFlight} list requests outstanding for {@code runSeconds}. */
  private JsonObject run(Session s, BenchUser reader, int runSeconds, int inFlight, Target target, Deadline d)
      throws InterruptedException {
    long pid = target == null ? -1 : target.pid;
    Recorder latencies = new Recorder(3);
    AtomicLong done = new AtomicLong();
    AtomicLong failed = new AtomicLong();
    AtomicLong bytes = new AtomicLong();
    AtomicBoolean running = new AtomicBoolean(true);
    AtomicInteger active = new AtomicInteger(inFlight);
    Promise<Void> stopped = Promise.promise();
    Usage u0 = Usage.now(pid);
    Runnable[] next = new Runnable[1];
    next[0] = () -> {
      if (!running.get() || done.get() + failed.get() >= maxRequests) {
        if (active.decrementAndGet() == 0) {
          stopped.tryComplete();
        }
        return;
      }
      long start = System.nanoTime();
      s.rest.call(reader, HttpMethod.GET, "/api/chats", null).onComplete(ar -> {
        if (ar.succeeded() && ar.result().statusCode() == 200) {
          latencies.recordValue(Math.max(1, (System.nanoTime() - start) / 1000));
          done.incrementAndGet();
          bytes.addAndGet(ar.result().body() == null ? 0 : ar.result().body().length());
        } else {
          failed.incrementAndGet();
        }
        next[0].run();
      });
    };
    vertx.runOnContext(v -> {
      for (int i = 0; i < inFlight; i++) {
        next[0].run();
      }
    });
    long end = System.nanoTime() + runSeconds * 1_000_000_000L;
    while (System.nanoTime() < end && done.get() + failed.get() < maxRequests) {
      d.check();
      Thread.sleep(10);
    }
    double elapsed = (System.nanoTime() - u0.nanos) / 1e9;
    Usage u1 = Usage.now(pid);
    long answered = done.get();
    running.set(false);
    await(stopped.future().map(v -> (Void) null).recover(e -> Future.succeededFuture()), d);
    Histogram h = latencies.getIntervalHistogram();
    double perS = answered / elapsed;
    JsonObject run = new JsonObject().put("concurrency", inFlight).put("seconds", elapsed).put("requests", answered)
      .put("failed", failed.get()).put("requests_per_s", perS)
      .put("p50_ms", nan(Phase.Outcome.ms(h, 50))).put("p99_ms", nan(Phase.Outcome.ms(h, 99)))
      .put("bytes_per_response", answered == 0 ? null : bytes.get() / (double) answered)
      .put("server_cpu_us_per_request", nan(u1.serverCpuMicros(u0) / Math.max(1, answered)))
      .put("server_cpu_pct", nan(u1.serverCpuPct(u0))).put("gen_cpu_pct", nan(u1.genCpuPct(u0)))
      .put("other_cpu_pct", nan(u1.otherCpuPct(u0)));
    if (target != null) {
      LOG.info(String.format(Locale.ROOT, "S8 %s, %d in flight: %,.0f req/s, p50 %s ms, p99 %s ms, %d failed,"
          + " %.0f bytes per answer, server %.0f%% cpu", target.name, inFlight, perS,
        FanoutScenario.fmt(Phase.Outcome.ms(h, 50)), FanoutScenario.fmt(Phase.Outcome.ms(h, 99)), failed.get(),
        answered == 0 ? 0.0 : bytes.get() / (double) answered, u1.serverCpuPct(u0)));
    }
    if (failed.get() > 0 && target != null) {
      throw new Deadline.CapReached("S8: " + failed.get() + " list requests failed at " + inFlight + " in flight");
    }
    return run;
  }

  private static double num(Double v) {
    return v == null ? Double.NaN : v;
  }

  private static Double median(List<JsonObject> runs, String key) {
    List<Double> values = new ArrayList<>();
    for (JsonObject r : runs) {
      Double v = r.getDouble(key);
      if (v != null) {
        values.add(v);
      }
    }
    if (values.isEmpty()) {
      return null;
    }
    values.sort(Double::compare);
    return values.get(values.size() / 2);
  }
}
