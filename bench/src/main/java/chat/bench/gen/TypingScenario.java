package chat.bench.gen;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.json.JsonObject;
import io.vertx.core.Vertx;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * S10 typing cost: {@link #receivers} users with one bridge socket each, all registered on one
 * chat; {@link #typers} of them each send a typing notice ({@code {}} to
 * {@code chat.{id}.typing}, no reply address) every {@link #intervalMs} ms (just above the
 * system's one per user per chat per second, so each is passed on) for {@link #seconds}. Each
 * notice should reach the chat's other N-1 sockets as a {@code typing} event. Measured: notices
 * sent/s, typing events read by the receivers per second and their ratio to what was expected,
 * the server's CPU beyond an idle window of the same sockets (pings only) per notice and per
 * delivered event, and the delay from send to delivery. The event carries no timestamp, so the
 * delay is measured from the send time of that typer's latest notice: exact while deliveries
 * take less than the interval. Only the system has typing.
 */
public final class TypingScenario extends Scenario {

  private static final Logger LOG = LoggerFactory.getLogger(TypingScenario.class);
  private static final long MAX_MICROS = 60_000_000L;

  public int receivers = 200;
  public int typers = 20;
  public int seconds = 30;
  public int idleSeconds = 10;
  /** Time between one typer's notices: the system passes on one per user per chat per 1000 ms. */
  public long intervalMs = 1_050;
  public long capSeconds = 300;

  /** The window whose typing events are being counted; null between windows. */
  private volatile Window window;
  private final Map<Long, Integer> indexOfUser = new HashMap<>();

  public TypingScenario(GenConfig cfg, Vertx vertx) {
    super(cfg, vertx);
  }

  @Override
  public String id() {
    return "s10";
  }

  @Override
  public long capSeconds() {
    return capSeconds;
  }

  @Override
  public boolean supports(Target t) {
    return !t.isSocketIo() && !t.isFloor();
  }

  /** Counts of one window: deliveries, per (receiver, typer) pair, the typers' latest send times, delays. */
  private static final class Window {
    final LongAdder delivered = new LongAdder();
    final LongAdder self = new LongAdder();
    final LongAdder foreign = new LongAdder();
    final AtomicIntegerArray pairs;
    final AtomicLongArray lastSent;
    final Recorder delay = new Recorder(MAX_MICROS, 3);

    Window(int receivers, int typers) {
      pairs = new AtomicIntegerArray(receivers * typers);
      lastSent = new AtomicLongArray(typers);
    }
  }

  private void onTyping(BridgeSocket socket, long typerId, long now) {
    Window w = window;
    if (w == null) {
      return;
    }
    Integer typer = indexOfUser.get(typerId);
    if (typer == null || typer >= w.lastSent.length()) {
      w.foreign.increment();
      return;
    }
    if (typer == socket.user.index) {
      w.self.increment();
      return;
    }
    w.delivered.increment();
    w.pairs.incrementAndGet(socket.user.index * w.lastSent.length() + typer);
    long sentAt = w.lastSent.get(typer);
    if (sentAt > 0) {
      w.delay.recordValue(Math.min(Math.max(0, (now - sentAt) / 1000), MAX_MICROS));
    }
  }

  @Override
  public void run(Target target, ScenarioResult result) throws Exception {
    Deadline d = new Deadline("S10 against " + target.name, capSeconds);
    String scen = "S10 typing";
    int n = Math.max(2, receivers);
    int t = Math.max(1, Math.min(typers, n));
    try (Session s = new Session(vertx, target, null)) {
      List<BenchUser> users = users(target, "", n);
      signUpAndLogin(s, users, d);
      indexOfUser.clear();
      for (BenchUser u : users) {
        indexOfUser.put(u.id, u.index);
      }
      long chatId = await(s.rest.createChat(users.get(0), "bench typing", users.subList(1, n), 50,
        cfg.setupConcurrency, vertx), d);
      List<BridgeSocket> sockets = openSockets(s, users, false, d);
      for (BridgeSocket sock : sockets) {
        sock.onTyping(this::onTyping);
        sock.register(chatId);
      }
      probe(sockets, n, chatId, d);
      LOG.info("S10 {}: {} sockets registered on chat {}", target.name, n, chatId);

      awaitQuiet(target, d);
      Usage i0 = Usage.now(target.pid);
      sleep(idleSeconds * 1000L);
      Usage i1 = Usage.now(target.pid);
      double idleCpuPerSecond = i1.serverCpuMicros(i0) / i1.seconds(i0);
      LOG.info(String.format(Locale.ROOT, "S10 %s idle: server %.1f%% cpu over %d s", target.name,
        i1.serverCpuPct(i0), idleSeconds));

      JsonObject w = typing(sockets, n, t, chatId, target, idleCpuPerSecond, d);
      result.steps.add(w);
      double sendSeconds = w.getDouble("send_seconds");
      String note = String.format(Locale.ROOT, "%d sockets on one chat, %d typers every %d ms, %d s; idle %.1f%% cpu",
        n, t, intervalMs, seconds, i1.serverCpuPct(i0)) + Notes.contention(w);
      String misses = w.getLong("self") + w.getLong("foreign") > 0 ? String.format(Locale.ROOT,
        "%d to the typer's own socket, %d of unknown typers", w.getLong("self"), w.getLong("foreign")) : "";
      result.add("s10.sent", scen, "typing notices sent/s", "notices/s", w.getLong("sent") / sendSeconds,
        Metric.Better.NONE, note);
      result.add("s10.delivered", scen, "typing events delivered/s (at the receivers)", "events/s",
        w.getLong("delivered") / sendSeconds, Metric.Better.HIGHER, misses);
      result.add("s10.ratio", scen, "typing events delivered / expected (each notice to N-1 sockets)", "ratio",
        w.getDouble("delivered_ratio"), Metric.Better.HIGHER, w.getLong("delivered") + " of " + w.getLong("expected"));
      result.add("s10.cpu.notice", scen, "server CPU per typing notice beyond idle", "us",
        num(w.getDouble("server_cpu_us_per_notice")), Metric.Better.LOWER, "");
      result.add("s10.cpu.event", scen, "server CPU per delivered typing event beyond idle", "us",
        num(w.getDouble("server_cpu_us_per_event")), Metric.Better.LOWER, "");
      JsonObject delay = w.getJsonObject("delay");
      String delayNote = "from the send of the typer's latest notice";
      result.add("s10.p50", scen, "typing delay send -> delivery p50", "ms", num(delay.getDouble("p50_ms")),
        Metric.Better.LOWER, delayNote);
      result.add("s10.p99", scen, "typing delay send -> delivery p99", "ms", num(delay.getDouble("p99_ms")),
        Metric.Better.LOWER, delayNote);
      result.info.put("s10.chat_id", chatId);
      result.info.put("s10.counters", new JsonObject(new HashMap<>(s.counters())));
    } catch (Deadline.CapReached e) {
      result.error = e.getMessage();
      LOG.warn("{}", e.getMessage());
    } finally {
      window = null;
    }
  }

  /**
   * The bridge does not acknowledge a {@code register}: users 0 and 1 each send a notice until
   * every other socket read both (together they prove every socket's registration), with a
   * pause above the limit between attempts.
   */
  private void probe(List<BridgeSocket> sockets, int n, long chatId, Deadline d) {
    int missing = -1;
    for (int attempt = 0; attempt < 10; attempt++) {
      d.check();
      Window w = new Window(n, 2);
      window = w;
      sockets.get(0).sendTyping(chatId);
      sockets.get(1).sendTyping(chatId);
      long end = System.nanoTime() + 3_000_000_000L;
      while (System.nanoTime() < end && (missing = missingPairs(w, n)) > 0) {
        sleep(20);
      }
      window = null;
      sleep(intervalMs + 100); // the probes' limit is over before the next notices
      if (missing == 0) {
        return;
      }
    }
    throw new Deadline.CapReached("S10 registrations not in place: " + missing + " socket/typer pairs without a typing event");
  }

  private static int missingPairs(Window w, int n) {
    int typers = w.lastSent.length();
    int missing = 0;
    for (int r = 0; r < n; r++) {
      for (int t = 0; t < typers; t++) {
        if (r != t && w.pairs.get(r * typers + t) == 0) {
          missing++;
        }
      }
    }
    return missing;
  }

  /** The measured window: paced notices for {@link #seconds}, then a drain until every event arrived. */
  private JsonObject typing(List<BridgeSocket> sockets, int n, int t, long chatId, Target target,
                            double idleCpuPerSecond, Deadline d) throws InterruptedException {
    Window w = new Window(n, t);
    window = w;
    Usage u0 = Usage.now(target.pid);
    long[] sent = {0};
    long sendEnd = await(paced(w, sockets, t, chatId, sent), d);
    long drainEnd = System.nanoTime() + cfg.drainMs * 1_000_000L;
    long expected = sent[0] * (n - 1);
    while (System.nanoTime() < drainEnd && w.delivered.sum() < expected) {
      Thread.sleep(20);
    }
    Usage u1 = Usage.now(target.pid);
    window = null;
    Histogram delay = w.delay.getIntervalHistogram();
    long delivered = w.delivered.sum();
    double sendSeconds = (sendEnd - u0.nanos) / 1e9;
    double extraCpu = u1.serverCpuMicros(u0) - idleCpuPerSecond * u1.seconds(u0);
    JsonObject out = new JsonObject().put("receivers", n).put("typers", t).put("interval_ms", intervalMs)
      .put("send_seconds", sendSeconds).put("seconds", u1.seconds(u0)).put("sent", sent[0])
      .put("expected", expected).put("delivered", delivered).put("self", w.self.sum()).put("foreign", w.foreign.sum())
      .put("delivered_ratio", expected == 0 ? 0.0 : delivered / (double) expected)
      .put("delay", percentiles(delay))
      .put("server_cpu_us_beyond_idle", nan(extraCpu))
      .put("server_cpu_us_per_notice", nan(extraCpu / Math.max(1, sent[0])))
      .put("server_cpu_us_per_event", nan(extraCpu / Math.max(1, delivered)))
      .put("server_cpu_pct", nan(u1.serverCpuPct(u0))).put("gen_cpu_pct", nan(u1.genCpuPct(u0)))
      .put("other_cpu_pct", nan(u1.otherCpuPct(u0))).put("server_rss_mb", nan(u1.serverRssMb()));
    LOG.info(String.format(Locale.ROOT, "S10 %s: %d notices in %.1f s, %d of %d events delivered (%.4f),"
        + " delay p50 %s p99 %s ms, server %.1f%% cpu, %.1f us/notice %.2f us/event beyond idle", target.name,
      sent[0], sendSeconds, delivered, expected, out.getDouble("delivered_ratio"),
      FanoutScenario.fmt(Phase.Outcome.ms(delay, 50)), FanoutScenario.fmt(Phase.Outcome.ms(delay, 99)),
      u1.serverCpuPct(u0), extraCpu / Math.max(1, sent[0]), extraCpu / Math.max(1, delivered)));
    return out;
  }

  /**
   * Typer i sends at start + i * interval / t + k * interval (spread over the interval) on a
   * 5 ms timer until {@link #seconds} are over; completes with the time the sending ended.
   */
  private Future<Long> paced(Window w, List<BridgeSocket> sockets, int t, long chatId, long[] sent) {
    Promise<Long> done = Promise.promise();
    long start = System.nanoTime();
    long end = start + seconds * 1_000_000_000L;
    long interval = intervalMs * 1_000_000L;
    long[] next = new long[t];
    for (int i = 0; i < t; i++) {
      next[i] = start + i * interval / t;
    }
    vertx.setPeriodic(5, id -> {
      long now = System.nanoTime();
      for (int i = 0; i < t; i++) {
        if (next[i] <= now && next[i] < end) {
          w.lastSent.set(i, now);
          sockets.get(i).sendTyping(chatId);
          sent[0]++;
          next[i] += interval;
        }
      }
      if (now >= end) {
        vertx.cancelTimer(id);
        done.tryComplete(now);
      }
    });
    return done.future();
  }

  private static double num(Double v) {
    return v == null ? Double.NaN : v;
  }
}
