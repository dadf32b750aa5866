package chat.bench.gen;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * S9 presence cost: {@link #sockets} users, each with one bridge socket registered on its chat,
 * in chats of {@link #chatSize}; then {@link #churnPercentPerMinute} of the sockets per minute
 * close, and each comes back after {@link #awayMs} (longer than the system's grace, so each
 * close is a real offline and each return a real online). Measured over {@link #seconds}: the
 * server's CPU beyond an idle window of the same population (heartbeats only) per socket
 * close + open, and the presence messages the gateway sent and the presence events the chat
 * service published (from {@code /metrics}: {@code gateway_presence_messages_total},
 * {@code chat_presence_events_total}) per close + open. A second window does the same with each
 * socket coming back at once (within the grace): no presence message at all is expected. The
 * floor and socket.io have no presence, so only the system runs it.
 */
public final class PresenceScenario extends Scenario {

  private static final Logger LOG = LoggerFactory.getLogger(PresenceScenario.class);

  public int sockets = 10_000;
  public int chatSize = 10;
  public int churnPercentPerMinute = 10;
  public int seconds = 60;
  public int idleSeconds = 15;
  /** How long a closed socket stays away: the system's grace (5 s default) plus a margin. */
  public long awayMs = 6_500;
  public long capSeconds = 900;

  public PresenceScenario(GenConfig cfg, Vertx vertx) {
    super(cfg, vertx);
  }

  @Override
  public String id() {
    return "s9";
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
    Deadline d = new Deadline("S9 against " + target.name, capSeconds);
    String scen = "S9 presence";
    try (Session s = new Session(vertx, target, null)) {
      List<BenchUser> users = users(target, "", sockets);
      signUpAndLogin(s, users, d);
      int chats = Math.max(1, sockets / chatSize);
      long[] chatOf = new long[sockets];
      List<Integer> groups = new ArrayList<>();
      for (int g = 0; g < chats; g++) {
        groups.add(g);
      }
      long t0 = System.nanoTime();
      await(Limited.forEach(vertx, groups, cfg.setupConcurrency, g -> {
        int from = g * chatSize;
        int to = Math.min(sockets, from + chatSize);
        return s.rest.createChat(users.get(from), "bench presence " + g, users.subList(from + 1, to), chatSize, 1, vertx)
          .onSuccess(id -> {
            for (int i = from; i < to; i++) {
              chatOf[i] = id;
            }
          });
      }), d);
      BridgeSocket[] open = new BridgeSocket[sockets];
      List<Integer> all = new ArrayList<>();
      for (int i = 0; i < sockets; i++) {
        all.add(i);
      }
      await(Limited.forEach(vertx, all, cfg.setupConcurrency, i -> s.open(users.get(i), -1).onSuccess(ws -> {
        open[i] = ws;
        ws.register(chatOf[i]);
      })), d);
      LOG.info("S9 {}: {} users in {} chats of {}, each with a socket, set up in {} ms", target.name, sockets, chats,
        chatSize, (System.nanoTime() - t0) / 1_000_000);
      // Let the online reports and events of the setup pass before measuring.
      sleep(awayMs + 2_000);
      awaitQuiet(target, d);

      Map<String, Double> m0 = metrics(s, users.get(0), d);
      Usage i0 = Usage.now(target.pid);
      sleep(idleSeconds * 1000L);
      Usage i1 = Usage.now(target.pid);
      Map<String, Double> m1 = metrics(s, users.get(0), d);
      double idleCpuPerSecond = i1.serverCpuMicros(i0) / i1.seconds(i0);
      double heartbeats = delta(m0, m1, "heartbeat");
      LOG.info(String.format(Locale.ROOT, "S9 %s idle: server %.1f%% cpu, %.0f presence heartbeats in %d s",
        target.name, i1.serverCpuPct(i0), heartbeats, idleSeconds));

      JsonObject away = churn(s, users, open, chatOf, awayMs, target, idleCpuPerSecond, d);
      JsonObject quick = churn(s, users, open, chatOf, 0, target, idleCpuPerSecond, d);
      result.steps.add(away.put("window", "away longer than the grace"));
      result.steps.add(quick.put("window", "back at once (within the grace)"));
      String note = String.format(Locale.ROOT, "%d sockets in chats of %d, %d%%/min churn, %d s; idle %.1f%% cpu,"
        + " %.2f heartbeats/s", sockets, chatSize, churnPercentPerMinute, seconds, i1.serverCpuPct(i0),
        heartbeats / idleSeconds) + Notes.contention(away);
      result.add("s9.cpu.churn", scen, "server CPU per socket close + open (offline + online)", "us",
        away.getDouble("server_cpu_us_per_churn"), Metric.Better.LOWER, note);
      result.add("s9.msgs.churn", scen, "presence messages gateway -> chat per close + open", "msgs",
        away.getDouble("reports_per_churn"), Metric.Better.LOWER, "");
      result.add("s9.events.churn", scen, "presence events published per close + open", "events",
        away.getDouble("events_per_churn"), Metric.Better.LOWER, "");
      result.add("s9.cpu.reconnect", scen, "server CPU per quick reconnect (within the grace)", "us",
        quick.getDouble("server_cpu_us_per_churn"), Metric.Better.LOWER, "");
      result.add("s9.msgs.reconnect", scen, "presence messages per quick reconnect", "msgs",
        quick.getDouble("reports_per_churn"), Metric.Better.LOWER, "");
    } catch (Deadline.CapReached e) {
      result.error = e.getMessage();
      LOG.warn("{}", e.getMessage());
    }
  }

  /**
   * One window: closes sockets at the churn rate and opens each again {@code backAfterMs} later
   * (registered on its chat again); then waits for the last returns and the grace, so every
   * report of the window is counted.
   */
  private JsonObject churn(Session s, List<BenchUser> users, BridgeSocket[] open, long[] chatOf, long backAfterMs,
                           Target target, double idleCpuPerSecond, Deadline d) {
    double perSecond = sockets * churnPercentPerMinute / 100.0 / 60.0;
    Random random = new Random(42);
    Deque<long[]> returning = new ArrayDeque<>();
    Map<String, Double> m0 = metrics(s, users.get(0), d);
    Usage u0 = Usage.now(target.pid);
    long start = System.nanoTime();
    long end = start + seconds * 1_000_000_000L;
    long closes = 0;
    long opens = 0;
    while (System.nanoTime() < end || !returning.isEmpty()) {
      d.check();
      long now = System.nanoTime();
      long due = now < end ? (long) ((now - start) / 1e9 * perSecond) : closes;
      while (closes < due) {
        int i = random.nextInt(sockets);
        if (open[i] == null) {
          continue;
        }
        BridgeSocket closing = open[i];
        open[i] = null;
        closing.close();
        closes++;
        returning.addLast(new long[] {i, now + backAfterMs * 1_000_000L});
      }
      while (!returning.isEmpty() && returning.peekFirst()[1] <= now) {
        int i = (int) returning.pollFirst()[0];
        opens++;
        await(s.open(users.get(i), -1).onSuccess(ws -> {
          open[i] = ws;
          ws.register(chatOf[i]);
        }).map(ws -> (Void) null).recover(e -> Future.succeededFuture()), d);
      }
      sleep(20);
    }
    // The offline reports of the last closes come after the grace.
    sleep(backAfterMs == 0 ? awayMs : 1_000);
    Usage u1 = Usage.now(target.pid);
    Map<String, Double> m1 = metrics(s, users.get(0), d);
    double elapsed = u1.seconds(u0);
    double extraCpu = u1.serverCpuMicros(u0) - idleCpuPerSecond * elapsed;
    double reports = delta(m0, m1, "report");
    double events = delta(m0, m1, "events");
    JsonObject w = new JsonObject().put("seconds", elapsed).put("closes", closes).put("opens", opens)
      .put("reports", reports).put("events", events).put("heartbeats", delta(m0, m1, "heartbeat"))
      .put("syncs", delta(m0, m1, "sync"))
      .put("server_cpu_pct", nan(u1.serverCpuPct(u0))).put("gen_cpu_pct", nan(u1.genCpuPct(u0)))
      .put("other_cpu_pct", nan(u1.otherCpuPct(u0)))
      .put("server_cpu_us_per_churn", nan(extraCpu / Math.max(1, closes)))
      .put("reports_per_churn", reports / Math.max(1, closes))
      .put("events_per_churn", events / Math.max(1, closes));
    LOG.info(String.format(Locale.ROOT, "S9 %s, back after %d ms: %d closes, %d opens, %.0f reports, %.0f events,"
        + " server %.1f%% cpu, %.0f us beyond idle per close + open", target.name, backAfterMs, closes, opens, reports,
      events, u1.serverCpuPct(u0), extraCpu / Math.max(1, closes)));
    return w;
  }

  private static double delta(Map<String, Double> before, Map<String, Double> after, String key) {
    return after.getOrDefault(key, 0.0) - before.getOrDefault(key, 0.0);
  }

  /** The presence counters of the system's {@code /metrics}: report, heartbeat, sync, events. */
  private Map<String, Double> metrics(Session s, BenchUser user, Deadline d) {
    String text = await(s.rest.call(user, HttpMethod.GET, "/metrics", null), d).bodyAsString();
    Map<String, Double> out = new java.util.HashMap<>();
    for (String line : text.split("\n")) {
      if (line.startsWith("gateway_presence_messages_total")) {
        for (String kind : List.of("report", "heartbeat", "sync")) {
          if (line.contains("kind=\"" + kind + "\"")) {
            out.merge(kind, value(line), Double::sum);
          }
        }
      } else if (line.startsWith("chat_presence_events_total")) {
        out.merge("events", value(line), Double::sum);
      }
    }
    return out;
  }

  private static double value(String line) {
    return Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
  }
}
