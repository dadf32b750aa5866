package chat.bench.gen;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * S3 ingest: many concurrent senders, each in a chat of {@code chatSize} senders, each keeping
 * {@code inflight} bridge sends with reply outstanding (closed loop: an ack releases the next
 * send). Measures messages persisted and acknowledged per second and the ack latency. Senders
 * do not register on their chats, so no fan-out is measured here (S1 and S2 do that).
 */
public final class IngestScenario extends Scenario {

  private static final Logger LOG = LoggerFactory.getLogger(IngestScenario.class);

  public int senders = 200;
  public int chatSize = 10;
  public int inflight = 1;
  public int seconds = 10;
  public int warmupSeconds = 3;
  public int maxMessages = 2_000_000;
  public long capSeconds = 180;

  public IngestScenario(GenConfig cfg, Vertx vertx) {
    super(cfg, vertx);
  }

  @Override
  public String id() {
    return "s3";
  }

  @Override
  public long capSeconds() {
    return capSeconds;
  }

  @Override
  public void run(Target target, ScenarioResult result) throws Exception {
    Deadline d = new Deadline("S3 against " + target.name, capSeconds);
    String scen = "S3 ingest";
    try (Session s = new Session(vertx, target, null)) {
      List<BenchUser> users = users(target, "", senders);
      signUpAndLogin(s, users, d);
      long[] chatOf = new long[senders];
      List<List<BenchUser>> groups = new ArrayList<>();
      for (int i = 0; i < senders; i += chatSize) {
        groups.add(users.subList(i, Math.min(senders, i + chatSize)));
      }
      await(Limited.forEach(vertx, groups, cfg.setupConcurrency, g -> s.rest.createChat(g.get(0), "bench ingest",
        g.subList(1, g.size()), 50, 4, vertx).onSuccess(id -> {
          for (BenchUser u : g) {
            chatOf[u.index] = id;
          }
        })), d);
      List<BridgeSocket> sockets = openSockets(s, users, false, d);

      ClosedLoop warm = new ClosedLoop(s, sockets, chatOf, warmupSeconds, maxMessages);
      warm.run(null, d);
      sleep(500);
      ClosedLoop loop = new ClosedLoop(s, sockets, chatOf, seconds, maxMessages);
      JsonObject st = loop.run(target, d);
      result.steps.add(st);

      double perS = st.getDouble("acked_per_s");
      JsonObject ack = st.getJsonObject("ack");
      String note = st.getString("note");
      result.add("s3.rate", scen, "messages persisted+acked/s (" + senders + " senders x " + inflight + " in flight)",
        "msg/s", perS, Metric.Better.HIGHER, note);
      result.add("s3.p50", scen, "ack latency p50", "ms", num(ack.getDouble("p50_ms")), Metric.Better.LOWER, "");
      result.add("s3.p99", scen, "ack latency p99", "ms", num(ack.getDouble("p99_ms")), Metric.Better.LOWER, "");
      result.add("s3.p999", scen, "ack latency p99.9", "ms", num(ack.getDouble("p999_ms")), Metric.Better.LOWER, "");
      result.add("s3.cpu", scen, "server CPU per message", "us", num(st.getDouble("server_cpu_us_per_msg")),
        Metric.Better.LOWER, "server at " + Math.round(st.getDouble("server_cpu_pct", 0.0)) + "% of a core");
      result.add("s3.rss", scen, "server RSS after", "MB", num(st.getDouble("server_rss_mb")), Metric.Better.LOWER, "");
      result.info.put("s3.counters", new JsonObject(new HashMap<>(s.counters())));
    } catch (Deadline.CapReached e) {
      result.error = e.getMessage();
      LOG.warn("{}", e.getMessage());
    }
  }

  private static double num(Double v) {
    return v == null ? Double.NaN : v;
  }

  /** Every sender keeps {@code inflight} sends outstanding for {@code seconds}. */
  private final class ClosedLoop {
    private final Session s;
    private final List<BridgeSocket> sockets;
    private final long[] chatOf;
    private final int seconds;
    private final Phase phase;
    private volatile boolean running;

    ClosedLoop(Session s, List<BridgeSocket> sockets, long[] chatOf, int seconds, int cap) {
      this.s = s;
      this.sockets = sockets;
      this.chatOf = chatOf;
      this.seconds = seconds;
      this.phase = new Phase(newTag(), cap, new int[0][], 0);
      phase.uuidClientIds = cfg.uuidClientIds;
    }

    JsonObject run(Target target, Deadline d) throws InterruptedException {
      s.phase(phase);
      running = true;
      for (int i = 0; i < sockets.size(); i++) {
        BridgeSocket sock = sockets.get(i);
        long chat = chatOf[i];
        sock.onReply(() -> {
          if (running && !phase.full) {
            sock.send(phase, chat, 0, cfg.contentSize, inflight);
          }
        });
      }
      long pid = target == null ? -1 : target.pid;
      awaitQuiet(target, d);
      Usage u0 = Usage.now(pid);
      vertx.runOnContext(v -> {
        for (int i = 0; i < sockets.size(); i++) {
          for (int k = 0; k < inflight; k++) {
            sockets.get(i).send(phase, chatOf[i], 0, cfg.contentSize, inflight);
          }
        }
      });
      long end = System.nanoTime() + seconds * 1_000_000_000L;
      while (System.nanoTime() < end && !phase.full) {
        d.check();
        Thread.sleep(10);
      }
      running = false;
      double sendSeconds = Math.min(seconds, (System.nanoTime() - u0.nanos) / 1e9);
      boolean settled = drain(phase, cfg.drainMs);
      Usage u1 = Usage.now(pid);
      for (BridgeSocket sock : sockets) {
        sock.onReply(null);
      }
      Phase.Outcome o = phase.outcome();
      double cpuUs = u1.serverCpuMicros(u0);
      double perS = o.acked / sendSeconds;
      String note = String.format(Locale.ROOT, "%d acked in %.1fs%s%s%s", o.acked, sendSeconds,
        o.failed > 0 ? ", " + o.failed + " failed" : "", o.unacked > 0 ? ", " + o.unacked + " unacked" : "",
        phase.full ? ", message cap reached" : "");
      double gen = u1.genCpuPct(u0);
      double other = u1.otherCpuPct(u0);
      note += Notes.contention(new JsonObject().put("gen_cpu_pct", nan(gen)).put("other_cpu_pct", nan(other)));
      if (target != null) {
        LOG.info(String.format(Locale.ROOT,
          "S3 %s: %,.0f msg/s acked, ack p50 %s p99 %s p999 %s ms, server %.0f%% cpu %.2f us/msg, gen %.0f%%, other %.0f%%; %s",
          target.name, perS, FanoutScenario.fmt(Phase.Outcome.ms(o.ack, 50)),
          FanoutScenario.fmt(Phase.Outcome.ms(o.ack, 99)), FanoutScenario.fmt(Phase.Outcome.ms(o.ack, 99.9)),
          u1.serverCpuPct(u0), cpuUs / Math.max(1, o.acked), gen, other, note));
      }
      return new JsonObject().put("target", target == null ? "warmup" : target.name)
        .put("senders", sockets.size()).put("inflight", inflight).put("seconds", sendSeconds)
        .put("sent", o.sent).put("acked", o.acked).put("failed", o.failed).put("unacked", o.unacked)
        .put("settled", settled).put("acked_per_s", perS).put("ack", percentiles(o.ack))
        .put("server_cpu_us_per_msg", nan(cpuUs / Math.max(1, o.acked)))
        .put("server_cpu_pct", nan(u1.serverCpuPct(u0))).put("gen_cpu_pct", nan(gen))
        .put("other_cpu_pct", nan(other)).put("server_rss_mb", nan(u1.serverRssMb())).put("note", note);
    }
  }
}
