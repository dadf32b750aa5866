package chat.bench.gen;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * S7 feed read cost, against the system only (the floor and socket.io have no change feed).
 * Seeds one chat with {@link #events} events through the public API (bridge sends in a closed
 * loop, {@link #senders} participants with {@link #inflight} sends outstanding each), then:
 * <ul>
 *   <li>reads the whole feed as a reconnecting client would, {@code GET
 *       /api/chats/{id}/events?after_seq=..&limit=500} page after page from 0 to the end, one
 *       request at a time: events/s served, the median of {@link #repeats} scans (after one
 *       unreported warm-up scan); every scan checks the seqs are 1..last_seq, gapless;</li>
 *   <li>the cost of one full page near the start ({@code after_seq=0}) and near the end
 *       ({@code after_seq=last_seq-limit}), alternating, {@link #pageSamples} each: p50 of each
 *       and their ratio, which must stay near 1 (the cost must not grow with the position).</li>
 * </ul>
 */
public final class FeedScenario extends Scenario {

  private static final Logger LOG = LoggerFactory.getLogger(FeedScenario.class);

  public int events = 100_000;
  public int senders = 20;
  public int inflight = 25;
  public int limit = 500;
  public int repeats = 3;
  public int pageSamples = 40;
  public long seedCapSeconds = 180;
  public long capSeconds = 420;

  public FeedScenario(GenConfig cfg, Vertx vertx) {
    super(cfg, vertx);
  }

  @Override
  public String id() {
    return "s7";
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
    Deadline d = new Deadline("S7 against " + target.name, capSeconds);
    String scen = "S7 feed read";
    try (Session s = new Session(vertx, target, null)) {
      List<BenchUser> users = users(target, "", senders);
      signUpAndLogin(s, users, d);
      BenchUser reader = users.get(0);
      long chatId = await(s.rest.createChat(reader, "bench feed", users.subList(1, users.size()), senders, 4, vertx), d);
      JsonObject seeding = seed(s, users, chatId, d);
      result.steps.add(seeding);
      long lastSeq = page(s, reader, chatId, 0, 1, d).getLong("last_seq");
      LOG.info("S7 {}: chat {} holds {} events", target.name, chatId, lastSeq);

      awaitQuiet(target, d);
      JsonObject warm = scan(s, target, reader, chatId, lastSeq, d);
      warm.put("warmup", true);
      result.steps.add(warm);
      List<Double> rates = new ArrayList<>();
      List<Double> cpu = new ArrayList<>();
      long gaps = warm.getLong("gaps");
      String notes = "";
      for (int r = 0; r < repeats; r++) {
        d.check();
        JsonObject st = scan(s, target, reader, chatId, lastSeq, d);
        result.steps.add(st);
        rates.add(st.getDouble("events_per_s"));
        cpu.add(st.getDouble("server_cpu_us_per_event", Double.NaN));
        gaps += st.getLong("gaps");
        notes = Notes.contention(st);
      }
      JsonObject pages = pageCosts(s, target, reader, chatId, lastSeq, d);
      result.steps.add(pages);

      double startMs = pages.getDouble("start_p50_ms");
      double endMs = pages.getDouble("end_p50_ms");
      String scanNote = String.format(Locale.ROOT, "%d events, pages of %d, median of %d scans%s%s", lastSeq, limit,
        repeats, gaps > 0 ? ", " + gaps + " SEQ GAPS" : "", notes);
      result.add("s7.rate", scen, "feed events served/s, one client paging 0 to the end", "ev/s", median(rates),
        Metric.Better.HIGHER, scanNote);
      result.add("s7.cpu", scen, "server CPU per event served", "us", median(cpu), Metric.Better.LOWER, "");
      result.add("s7.page_start", scen, "one page of " + limit + " at after_seq=0, p50", "ms", startMs,
        Metric.Better.LOWER, pageSamples + " samples");
      result.add("s7.page_end", scen, "one page of " + limit + " at after_seq=last_seq-" + limit + ", p50", "ms", endMs,
        Metric.Better.LOWER, pageSamples + " samples");
      result.add("s7.end_vs_start", scen, "page cost near the end / near the start", "x", endMs / startMs,
        Metric.Better.LOWER, "about 1 when the cost does not grow with the position");
      result.add("s7.seed", scen, "seeding through the bridge (closed loop)", "msg/s", seeding.getDouble("acked_per_s"),
        Metric.Better.HIGHER, seeding.getString("note"));
      result.info.put("s7.counters", new JsonObject(new HashMap<>(s.counters())));
    } catch (Deadline.CapReached e) {
      result.error = e.getMessage();
      LOG.warn("{}", e.getMessage());
    }
  }

  /** Every sender keeps {@code inflight} bridge sends outstanding until {@link #events} were sent; waits for their acks. */
  private JsonObject seed(Session s, List<BenchUser> users, long chatId, Deadline d) throws InterruptedException {
    Deadline seedDeadline = new Deadline("S7 seeding", Math.min(seedCapSeconds, Math.max(1, d.remainingMillis() / 1000)));
    List<BridgeSocket> sockets = openSockets(s, users, false, d);
    Phase phase = new Phase(newTag(), events, new int[0][], 0);
    s.phase(phase);
    for (BridgeSocket sock : sockets) {
      sock.onReply(() -> {
        if (!phase.full) {
          sock.send(phase, chatId, 0, cfg.contentSize, inflight);
        }
      });
    }
    long t0 = System.nanoTime();
    vertx.runOnContext(v -> {
      for (BridgeSocket sock : sockets) {
        for (int k = 0; k < inflight; k++) {
          sock.send(phase, chatId, 0, cfg.contentSize, inflight);
        }
      }
    });
    while (!(phase.full && phase.settled())) {
      seedDeadline.check();
      Thread.sleep(20);
    }
    double seconds = (System.nanoTime() - t0) / 1e9;
    for (BridgeSocket sock : sockets) {
      sock.onReply(null);
      sock.close();
    }
    Phase.Outcome o = phase.outcome();
    String note = String.format(Locale.ROOT, "%d stored in %.1f s%s", o.acked, seconds,
      o.failed > 0 ? ", " + o.failed + " failed" : "");
    LOG.info("S7 seeding: {}", note);
    return new JsonObject().put("step", "seed").put("sent", o.sent).put("acked", o.acked).put("failed", o.failed)
      .put("seconds", seconds).put("acked_per_s", o.acked / seconds).put("note", note);
  }

  /** One client reads the feed from 0 to {@code lastSeq}, one page after the other. */
  private JsonObject scan(Session s, Target target, BenchUser reader, long chatId, long lastSeq, Deadline d) {
    Usage u0 = Usage.now(target.pid);
    long after = 0;
    long served = 0;
    long gaps = 0;
    int pages = 0;
    while (true) {
      d.check();
      JsonObject page = page(s, reader, chatId, after, limit, d);
      JsonArray got = page.getJsonArray("events");
      pages++;
      for (int i = 0; i < got.size(); i++) {
        long seq = got.getJsonObject(i).getLong("seq");
        if (seq != after + 1) {
          gaps++;
        }
        after = seq;
      }
      served += got.size();
      if (!page.getBoolean("has_more") || got.isEmpty()) {
        break;
      }
    }
    if (after != lastSeq) {
      gaps++;
    }
    Usage u1 = Usage.now(target.pid);
    double seconds = u1.seconds(u0);
    double perS = served / seconds;
    double cpuUs = u1.serverCpuMicros(u0) / Math.max(1, served);
    JsonObject st = new JsonObject().put("step", "scan").put("events", served).put("pages", pages)
      .put("seconds", seconds).put("events_per_s", perS).put("gaps", gaps)
      .put("server_cpu_us_per_event", nan(cpuUs)).put("server_cpu_pct", nan(u1.serverCpuPct(u0)))
      .put("gen_cpu_pct", nan(u1.genCpuPct(u0))).put("other_cpu_pct", nan(u1.otherCpuPct(u0)))
      .put("server_rss_mb", nan(u1.serverRssMb()));
    LOG.info(String.format(Locale.ROOT, "S7 %s: scan of %d events in %d pages: %.2f s, %,.0f events/s, server %.1f us/event, "
        + "%d gaps", target.name, served, pages, seconds, perS, cpuUs, gaps));
    return st;
  }

  /** Alternating single full pages near the start and near the end; p50 and p90 of each, in ms. */
  private JsonObject pageCosts(Session s, Target target, BenchUser reader, long chatId, long lastSeq, Deadline d) {
    long endAfter = Math.max(0, lastSeq - limit);
    List<Double> start = new ArrayList<>();
    List<Double> end = new ArrayList<>();
    awaitQuiet(target, d);
    Usage u0 = Usage.now(target.pid);
    for (int i = 0; i < pageSamples; i++) {
      start.add(timedPage(s, reader, chatId, 0, d));
      end.add(timedPage(s, reader, chatId, endAfter, d));
    }
    Usage u1 = Usage.now(target.pid);
    JsonObject st = new JsonObject().put("step", "pages").put("samples", pageSamples).put("limit", limit)
      .put("end_after_seq", endAfter)
      .put("start_p50_ms", percentile(start, 50)).put("start_p90_ms", percentile(start, 90))
      .put("end_p50_ms", percentile(end, 50)).put("end_p90_ms", percentile(end, 90))
      .put("gen_cpu_pct", nan(u1.genCpuPct(u0))).put("other_cpu_pct", nan(u1.otherCpuPct(u0)));
    LOG.info(String.format(Locale.ROOT, "S7 %s: page of %d at after_seq=0 p50 %.2f ms p90 %.2f ms; at after_seq=%d p50 %.2f ms"
        + " p90 %.2f ms", target.name, limit, percentile(start, 50), percentile(start, 90), endAfter,
      percentile(end, 50), percentile(end, 90)));
    return st;
  }

  private double timedPage(Session s, BenchUser reader, long chatId, long after, Deadline d) {
    long t0 = System.nanoTime();
    JsonObject page = page(s, reader, chatId, after, limit, d);
    double ms = (System.nanoTime() - t0) / 1e6;
    if (page.getJsonArray("events").size() != limit) {
      throw new Deadline.CapReached("S7: a page at after_seq=" + after + " held " + page.getJsonArray("events").size()
        + " events, not " + limit);
    }
    return ms;
  }

  private JsonObject page(Session s, BenchUser reader, long chatId, long after, int pageLimit, Deadline d) {
    return await(s.rest.expect(reader, HttpMethod.GET,
      "/api/chats/" + chatId + "/events?after_seq=" + after + "&limit=" + pageLimit, null, 200), d);
  }

  private static double median(List<Double> values) {
    return percentile(values, 50);
  }

  private static double percentile(List<Double> values, double pct) {
    List<Double> sorted = new ArrayList<>(values);
    sorted.removeIf(v -> v == null || !Double.isFinite(v));
    if (sorted.isEmpty()) {
      return Double.NaN;
    }
    Collections.sort(sorted);
    int i = (int) Math.ceil(pct / 100.0 * sorted.size()) - 1;
    return sorted.get(Math.max(0, Math.min(sorted.size() - 1, i)));
  }
}
