package chat.bench.gen;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * S1 room fan-out: N receivers registered on one chat (a room for the socket.io peer), one
 * sender (not registered) sending at a rising ladder of target deliveries/s (sends/s x N). Each
 * step runs {@link #repeats} times a few seconds, each run then drains; the step's figures are
 * the medians of its runs. The ladder stops at the first step with loss in any run, or where
 * most runs had a failed or missing ack, p99 over the limit, or a sender that could not keep
 * the pace. Reports the highest sustainable rate, the latency and CPU at fixed rates, server
 * CPU per delivery and RSS. The same code drives every peer (system, floor, socket.io).
 */
public final class FanoutScenario extends Scenario {

  private static final Logger LOG = LoggerFactory.getLogger(FanoutScenario.class);

  public List<Integer> sizes = List.of(200, 1000);
  public List<Integer> rates = List.of(1_000, 2_000, 5_000, 10_000, 20_000, 50_000, 100_000, 200_000);
  public List<Integer> fixedRates = List.of(10_000);
  public int stepSeconds = 5;
  public int warmupSeconds = 5;
  public int warmupRate = 10_000;
  /** Runs of each ladder step; the step's figures are their medians. */
  public int repeats = 3;
  /** Deliveries one step may cause at most (traffic cap). */
  public long maxDeliveriesPerStep = 3_000_000;
  public long capSeconds = 600;

  public FanoutScenario(GenConfig cfg, Vertx vertx) {
    super(cfg, vertx);
  }

  @Override
  public String id() {
    return "s1";
  }

  @Override
  public long capSeconds() {
    return capSeconds;
  }

  @Override
  public boolean supports(Target t) {
    return true;
  }

  @Override
  public void run(Target target, ScenarioResult result) throws Exception {
    for (int n : sizes) {
      Deadline d = new Deadline("S1 N=" + n + " against " + target.name, capSeconds);
      String scen = "S1 N=" + n;
      try (Session s = new Session(vertx, target, null)) {
        runSize(s, target, n, scen, result, d);
      } catch (Deadline.CapReached e) {
        result.error = (result.error == null ? "" : result.error + "; ") + e.getMessage();
        LOG.warn("{}", e.getMessage());
      }
    }
  }

  private void runSize(Session s, Target target, int n, String scen, ScenarioResult result, Deadline d)
    throws InterruptedException {
    List<BenchUser> users = users(target, "n" + n, n + 1);
    BenchUser senderUser = users.get(n);
    List<BenchUser> receiversUsers = users.subList(0, n);
    long chatId;
    if (target.isSocketIo()) {
      // No accounts, no chats: a room is just a name; the sender does not join it.
      chatId = 1_000_000L + n;
    } else {
      signUpAndLogin(s, users, d);
      chatId = await(s.rest.createChat(senderUser, "bench fan-out " + n, receiversUsers, 50,
        cfg.setupConcurrency, vertx), d);
    }
    List<BenchSocket> receivers = openPeers(s, receiversUsers, true, d);
    BenchSocket sender = await(s.openPeer(senderUser, -1), d);
    for (BenchSocket r : receivers) {
      r.register(chatId);
    }
    int[][] groups = {range(n)};
    probe(s, new BenchSocket[] {sender}, new long[] {chatId}, groups, n, d);
    LOG.info("{} {}: {} receivers ready on chat {}", scen, target.name, n, chatId);

    // Warm-up (not reported): JIT on both sides, connection buffers.
    step(s, target, sender, chatId, groups, n, warmupRate, warmupSeconds, 0, d);
    sleep(500);

    JsonObject best = null;
    String stopped = "ladder top reached";
    List<JsonObject> steps = new ArrayList<>();
    double maxRss = Double.NaN;
    for (int rate : rates) {
      d.check();
      // Each step runs `repeats` times and its figures are the medians: one GC pause or a
      // neighbour's burst should not decide the result. Loss in any run fails the step; the
      // other conditions fail it when most runs fail them.
      List<JsonObject> runs = new ArrayList<>();
      int failedRuns = 0;
      for (int i = 1; i <= repeats; i++) {
        JsonObject run = step(s, target, sender, chatId, groups, n, rate, stepSeconds, i, d);
        runs.add(run);
        maxRss = max(maxRss, run.getDouble("server_rss_mb"));
        sleep(500);
        if (!run.getBoolean("sustainable")) {
          failedRuns++;
        }
        if (run.getLong("lost") > 0 || failedRuns * 2 > repeats) {
          break; // the verdict is decided
        }
      }
      JsonObject st = median(target, n, rate, runs, failedRuns).put("scenario", scen);
      steps.add(st);
      result.steps.add(st);
      LOG.info(String.format(Locale.ROOT,
        "S1 N=%d %s %,d/s MEDIAN of %d: delivered %,.0f/s p50 %s p99 %s p999 %s ms, cpu %.2f us/del, %s",
        n, target.name, rate, runs.size(), st.getDouble("delivered_per_s"), fmt(num(st.getJsonObject("e2e").getDouble("p50_ms"))),
        fmt(num(st.getJsonObject("e2e").getDouble("p99_ms"))), fmt(num(st.getJsonObject("e2e").getDouble("p999_ms"))),
        num(st.getDouble("server_cpu_us_per_delivery")), st.getBoolean("sustainable") ? "ok" : "FAIL: " + st.getString("reason")));
      if (st.getBoolean("sustainable")) {
        best = st;
      } else {
        stopped = "stopped at " + rate + "/s: " + st.getString("reason") + Notes.contention(st);
        break;
      }
    }

    String key = "s1.n" + n;
    String bestNote = best == null ? stopped : "at target " + best.getInteger("target_rate") + "/s"
      + Notes.contention(best) + "; " + stopped;
    result.add(key + ".max", scen, "max sustainable deliveries/s (no loss, median p99<=" + fmt(cfg.p99LimitMs)
      + " ms, median of " + repeats + ")", "msg/s", best == null ? 0 : best.getDouble("delivered_per_s"),
      Metric.Better.HIGHER, bestNote);
    for (int fixed : fixedRates) {
      JsonObject at = steps.stream().filter(x -> x.getInteger("target_rate") == fixed).findFirst().orElse(null);
      String note = at == null ? "rate not reached" : (at.getBoolean("sustainable") ? "" : "not sustainable: "
        + at.getString("reason"));
      JsonObject lat = at == null ? new JsonObject() : at.getJsonObject("e2e");
      result.add(key + ".p50@" + fixed, scen, "e2e p50 @ " + fixed + " deliveries/s", "ms",
        num(lat.getDouble("p50_ms")), Metric.Better.LOWER, note);
      result.add(key + ".p99@" + fixed, scen, "e2e p99 @ " + fixed + " deliveries/s", "ms",
        num(lat.getDouble("p99_ms")), Metric.Better.LOWER, note);
      result.add(key + ".p999@" + fixed, scen, "e2e p99.9 @ " + fixed + " deliveries/s", "ms",
        num(lat.getDouble("p999_ms")), Metric.Better.LOWER, note);
      result.add(key + ".cpu@" + fixed, scen, "server CPU per delivery @ " + fixed + " deliveries/s", "us",
        at == null ? Double.NaN : num(at.getDouble("server_cpu_us_per_delivery")), Metric.Better.LOWER, note);
    }
    if (best != null) {
      JsonObject lat = best.getJsonObject("e2e");
      result.add(key + ".p99@max", scen, "e2e p99 @ max sustainable", "ms", num(lat.getDouble("p99_ms")),
        Metric.Better.LOWER, "at " + best.getInteger("target_rate") + "/s");
    }
    result.add(key + ".cpu", scen, "server CPU per delivery @ max sustainable", "us",
      best == null ? Double.NaN : num(best.getDouble("server_cpu_us_per_delivery")), Metric.Better.LOWER,
      best == null ? "no sustainable step" : "at " + best.getInteger("target_rate") + "/s, server at "
        + Math.round(best.getDouble("server_cpu_pct", 0.0)) + "% of a core");
    result.add(key + ".rss", scen, "server RSS (max over ladder)", "MB", maxRss, Metric.Better.LOWER, "");
    result.info.put(key + ".chat_id", chatId);
    result.info.put(key + ".counters", new JsonObject(new java.util.HashMap<>(s.counters())));
  }

  /** The median of a step's runs: every figure is the median over the runs, the verdict the majority's. */
  private JsonObject median(Target target, int n, int rate, List<JsonObject> runs, int failedRuns) {
    long lost = 0;
    for (JsonObject r : runs) {
      lost += r.getLong("lost");
    }
    boolean sustainable = lost == 0 && failedRuns * 2 < runs.size() && runs.size() * 2 > repeats;
    String reason = "";
    if (!sustainable) {
      List<String> why = new ArrayList<>();
      for (JsonObject r : runs) {
        if (!r.getBoolean("sustainable")) {
          why.add(r.getString("reason"));
        }
      }
      reason = failedRuns + " of " + runs.size() + " runs failed: " + String.join("; ", why);
    }
    JsonObject e2e = new JsonObject();
    JsonObject ack = new JsonObject();
    for (String q : new String[] {"p50_ms", "p99_ms", "p999_ms", "max_ms"}) {
      e2e.put(q, nan(med(runs, r -> r.getJsonObject("e2e").getDouble(q))));
      ack.put(q, nan(med(runs, r -> r.getJsonObject("ack").getDouble(q))));
    }
    JsonArray values = new JsonArray();
    for (JsonObject r : runs) {
      values.add(new JsonObject().put("delivered_per_s", r.getDouble("delivered_per_s"))
        .put("p99_ms", r.getJsonObject("e2e").getDouble("p99_ms"))
        .put("server_cpu_us_per_delivery", r.getDouble("server_cpu_us_per_delivery"))
        .put("lost", r.getLong("lost")).put("sustainable", r.getBoolean("sustainable")));
    }
    double maxRss = Double.NaN;
    for (JsonObject r : runs) {
      maxRss = max(maxRss, r.getDouble("server_rss_mb"));
    }
    return new JsonObject().put("target", target.name).put("receivers", n).put("target_rate", rate)
      .put("runs_done", runs.size()).put("runs_failed", failedRuns).put("lost", lost)
      .put("delivered_per_s", nan(med(runs, r -> r.getDouble("delivered_per_s"))))
      .put("e2e", e2e).put("ack", ack)
      .put("server_cpu_us_per_delivery", nan(med(runs, r -> r.getDouble("server_cpu_us_per_delivery"))))
      .put("server_cpu_pct", nan(med(runs, r -> r.getDouble("server_cpu_pct"))))
      .put("gen_cpu_pct", nan(med(runs, r -> r.getDouble("gen_cpu_pct"))))
      .put("other_cpu_pct", nan(med(runs, r -> r.getDouble("other_cpu_pct"))))
      .put("server_rss_mb", nan(maxRss))
      .put("values", values).put("runs", new JsonArray(new ArrayList<>(runs)))
      .put("sustainable", sustainable).put("reason", reason);
  }

  /** Median of the finite values (mean of the middle two for an even count); NaN without any. */
  static double med(List<JsonObject> runs, java.util.function.Function<JsonObject, Double> f) {
    List<Double> v = new ArrayList<>();
    for (JsonObject r : runs) {
      Double x = f.apply(r);
      if (x != null && Double.isFinite(x)) {
        v.add(x);
      }
    }
    if (v.isEmpty()) {
      return Double.NaN;
    }
    java.util.Collections.sort(v);
    int m = v.size() / 2;
    return v.size() % 2 == 1 ? v.get(m) : (v.get(m - 1) + v.get(m)) / 2;
  }

  /** One ladder step: pace sends for {@code seconds}, drain, measure. */
  private JsonObject step(Session s, Target target, BenchSocket sender, long chatId, int[][] groups, int n,
                          int deliveriesPerSecond, int seconds, int run, Deadline d)
    throws InterruptedException {
    double sendsPerSecond = deliveriesPerSecond / (double) n;
    int planned = (int) Math.max(1, Math.min(Math.ceil(sendsPerSecond * seconds), maxDeliveriesPerStep / n));
    double nominalSeconds = planned / sendsPerSecond;
    double quietWait = awaitQuiet(target, d);
    Phase p = new Phase(newTag(), planned, groups, n);
    s.phase(p);
    Usage u0 = Usage.now(target.pid);
    long t0 = System.nanoTime();
    long sendEnd = await(paced(p, sender, chatId, sendsPerSecond, planned, nominalSeconds), d);
    boolean settled = drain(p, cfg.drainMs);
    Usage u1 = Usage.now(target.pid);
    Phase.Outcome o = p.outcome();
    double sendSeconds = (sendEnd - t0) / 1e9;
    double deliveredPerS = o.delivered / Math.max(nominalSeconds, sendSeconds);
    double p99 = Phase.Outcome.ms(o.e2e, 99);
    double cpuUs = u1.serverCpuMicros(u0);

    String reason = "";
    if (o.lost > 0) {
      reason = o.lost + " deliveries lost";
    } else if (o.failed > 0 || o.unacked > 0) {
      reason = o.failed + " sends failed, " + o.unacked + " unacked";
    } else if (o.refused > 0) {
      reason = "sender held back " + o.refused + " times (" + cfg.maxInflight + " acks outstanding)";
    } else if (o.sent < planned) {
      reason = "sent " + o.sent + " of " + planned;
    } else if (sendSeconds > nominalSeconds * 1.05 + 0.1) {
      reason = String.format(Locale.ROOT, "sender fell behind (%.2fs for %.2fs of sends)", sendSeconds, nominalSeconds);
    } else if (!(p99 <= cfg.p99LimitMs)) {
      reason = "p99 " + fmt(p99) + " ms > " + fmt(cfg.p99LimitMs) + " ms";
    } else if (o.idMismatch > 0 || o.duplicates > 0) {
      reason = o.idMismatch + " id mismatches, " + o.duplicates + " duplicates";
    }
    JsonObject st = new JsonObject()
      .put("target", target.name).put("receivers", n).put("target_rate", deliveriesPerSecond)
      .put("sends_per_s", sendsPerSecond).put("planned", planned).put("sent", o.sent).put("acked", o.acked)
      .put("failed", o.failed).put("unacked", o.unacked).put("refused", o.refused)
      .put("delivered", o.delivered).put("expected", o.expected).put("lost", o.lost)
      .put("duplicates", o.duplicates).put("id_mismatch", o.idMismatch).put("settled", settled)
      .put("send_seconds", sendSeconds).put("delivered_per_s", deliveredPerS)
      .put("e2e", percentiles(o.e2e)).put("ack", percentiles(o.ack))
      .put("server_cpu_us", nan(cpuUs)).put("server_cpu_us_per_delivery", nan(cpuUs / Math.max(1, o.delivered)))
      .put("server_cpu_pct", nan(u1.serverCpuPct(u0))).put("gen_cpu_pct", nan(u1.genCpuPct(u0)))
      .put("server_rss_mb", nan(u1.serverRssMb())).put("other_cpu_pct", nan(u1.otherCpuPct(u0)))
      .put("quiet_wait_s", quietWait).put("run", run).put("sustainable", reason.isEmpty()).put("reason", reason);
    LOG.info(String.format(Locale.ROOT,
      "S1 N=%d %s %s %,d/s: delivered %,.0f/s lost %d p50 %s p99 %s p999 %s ms, server %.0f%% cpu %.2f us/del, gen %.0f%%, other %.0f%% %s",
      n, target.name, run == 0 ? "warm-up" : "run " + run, deliveriesPerSecond, deliveredPerS, o.lost, fmt(Phase.Outcome.ms(o.e2e, 50)), fmt(p99),
      fmt(Phase.Outcome.ms(o.e2e, 99.9)), u1.serverCpuPct(u0), cpuUs / Math.max(1, o.delivered), u1.genCpuPct(u0),
      u1.otherCpuPct(u0), reason.isEmpty() ? "ok" : "FAIL: " + reason));
    return st;
  }

  /** Sends {@code planned} messages at {@code perSecond} on a 1 ms timer; completes with the time the last went out. */
  private Future<Long> paced(Phase p, BenchSocket sender, long chatId, double perSecond, int planned,
                             double nominalSeconds) {
    Promise<Long> done = Promise.promise();
    long start = System.nanoTime();
    long hardStop = start + (long) ((nominalSeconds * 2 + 2) * 1e9);
    int[] sent = {0};
    vertx.setPeriodic(1, id -> {
      long now = System.nanoTime();
      long due = Math.min(planned, (long) Math.floor((now - start) * perSecond / 1e9) + 1);
      while (sent[0] < due && sender.send(p, chatId, 0, cfg.contentSize, cfg.maxInflight)) {
        sent[0]++;
      }
      if (sent[0] >= planned || p.full || now > hardStop) {
        vertx.cancelTimer(id);
        done.tryComplete(System.nanoTime());
      }
    });
    return done.future();
  }

  static int[] range(int n) {
    int[] r = new int[n];
    for (int i = 0; i < n; i++) {
      r[i] = i;
    }
    return r;
  }

  private static double max(double a, Double b) {
    if (b == null || !Double.isFinite(b)) {
      return a;
    }
    return Double.isFinite(a) ? Math.max(a, b) : b;
  }

  private static double num(Double v) {
    return v == null ? Double.NaN : v;
  }

  static String fmt(double v) {
    return Double.isFinite(v) ? String.format(Locale.ROOT, "%.2f", v) : "n/a";
  }
}
