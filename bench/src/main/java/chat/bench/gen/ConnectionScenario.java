package chat.bench.gen;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * S4 connections: registers {@code connections} users (not timed), then ramps logged-in bridge
 * sockets: login + WebSocket handshake with the session cookie, {@code concurrency} at a time
 * (timed: handshake+login rate). Holds them open with pings for {@code holdSeconds} and reports
 * the server's RSS growth per connection. Above {@code perSource} connections the sockets are
 * spread over source addresses 127.0.0.2, 127.0.0.3, ... so ephemeral ports do not run out.
 */
public final class ConnectionScenario extends Scenario {

  private static final Logger LOG = LoggerFactory.getLogger(ConnectionScenario.class);

  public int connections = 20_000;
  public int concurrency = 64;
  public int holdSeconds = 10;
  /** Source addresses to use; 0 = automatic (one per {@link #perSource} connections above that many). */
  public int sources = 0;
  public int perSource = 10_000;
  /** File descriptors kept free in each process for REST connections, jars, logs and the database. */
  public int fdReserve = 150;
  public long capSeconds = 480;

  public ConnectionScenario(GenConfig cfg, Vertx vertx) {
    super(cfg, vertx);
  }

  @Override
  public String id() {
    return "s4";
  }

  @Override
  public long capSeconds() {
    return capSeconds;
  }

  @Override
  public void run(Target target, ScenarioResult result) throws Exception {
    Deadline d = new Deadline("S4 against " + target.name, capSeconds);
    String scen = "S4 connections";
    int wanted = connections;
    String fdNote = "";
    // Each socket is one descriptor in the server and one in the generator: both processes must
    // have room for all of them under their open-files limit (bench/run.sh raises it when it can).
    long room = Math.min(room(target.pid), room(ProcStats.self()));
    if (room >= 0 && room < wanted) {
      fdNote = String.format(Locale.ROOT, "capped at %d of %d by the open-files limit (server %d, generator %d)",
        room, wanted, ProcStats.maxOpenFiles(target.pid), ProcStats.maxOpenFiles(ProcStats.self()));
      LOG.warn("S4 {}: {}; run bench/run.sh as root with CAP_SYS_RESOURCE to raise it", target.name, fdNote);
      wanted = (int) room;
    }
    final int connections = wanted;
    int n = sources > 0 ? sources : (connections > perSource ? (connections + perSource - 1) / perSource : 0);
    List<String> sourceAddresses = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      sourceAddresses.add("127.0.0." + (2 + i));
    }
    try (Session s = new Session(vertx, target, sourceAddresses)) {
      List<BenchUser> users = users(target, "", connections);
      long r0 = System.nanoTime();
      await(Limited.forEach(vertx, users, cfg.setupConcurrency, u -> s.rest.signUp(u)), d);
      double registerSeconds = (System.nanoTime() - r0) / 1e9;
      LOG.info("S4 {}: {} users registered in {} s", target.name, connections, fmt(registerSeconds));
      sleep(1_000);
      awaitQuiet(target, d);
      Usage u0 = Usage.now(target.pid);

      AtomicLong failures = new AtomicLong();
      AtomicReference<String> firstFailure = new AtomicReference<>();
      long t0 = System.nanoTime();
      await(Limited.forEach(vertx, users, concurrency, u -> s.rest.login(u).compose(x -> s.open(u, -1))
        .<Object>map(x -> x)
        .recover(e -> {
          failures.incrementAndGet();
          firstFailure.compareAndSet(null, String.valueOf(e.getMessage()));
          return Future.succeededFuture();
        })), d);
      double rampSeconds = (System.nanoTime() - t0) / 1e9;
      Usage u1 = Usage.now(target.pid);
      long opened = connections - failures.get();
      double rate = opened / rampSeconds;
      LOG.info(String.format(Locale.ROOT, "S4 %s: %d sockets logged in and open in %.1f s (%.0f/s), %d failed%s",
        target.name, opened, rampSeconds, rate, failures.get(),
        firstFailure.get() == null ? "" : " (first: " + firstFailure.get() + ")"));

      // Hold: pings keep the sockets alive; RSS is sampled and its maximum kept.
      double rssMax = u1.serverRssMb();
      long holdEnd = System.nanoTime() + holdSeconds * 1_000_000_000L;
      while (System.nanoTime() < holdEnd) {
        d.check();
        sleep(500);
        rssMax = Math.max(rssMax, Usage.now(target.pid).serverRssMb());
      }
      int stillOpen = s.openSockets();
      double perConnKb = (rssMax - u0.serverRssMb()) * 1024 / Math.max(1, opened);
      double cpuPerConn = u1.serverCpuMicros(u0) / Math.max(1, opened);
      String note = String.format(Locale.ROOT, "%d requested, %d failed, %d open after %d s hold", connections,
        failures.get(), stillOpen, holdSeconds) + (n > 0 ? ", " + n + " source addresses" : "")
        + (fdNote.isEmpty() ? "" : "; " + fdNote)
        + (firstFailure.get() == null ? "" : "; first failure: " + firstFailure.get());
      JsonObject st = new JsonObject().put("target", target.name).put("requested", connections)
        .put("asked", this.connections).put("fd_limit_server", ProcStats.maxOpenFiles(target.pid))
        .put("fd_limit_generator", ProcStats.maxOpenFiles(ProcStats.self()))
        .put("opened", opened).put("failed", failures.get()).put("open_after_hold", stillOpen)
        .put("register_seconds", registerSeconds).put("ramp_seconds", rampSeconds).put("per_s", rate)
        .put("rss_before_mb", nan(u0.serverRssMb())).put("rss_max_mb", nan(rssMax))
        .put("rss_kb_per_conn", nan(perConnKb)).put("server_cpu_us_per_conn", nan(cpuPerConn))
        .put("gen_cpu_pct", nan(u1.genCpuPct(u0)))
        .put("other_cpu_pct", nan(u1.otherCpuPct(u0))).put("sources", sourceAddresses).put("note", note);
      result.steps.add(st);
      result.add("s4.open", scen, "logged-in sockets held open", "sockets", stillOpen, Metric.Better.HIGHER, note);
      result.add("s4.rate", scen, "login+handshake rate (" + concurrency + " in flight)", "conn/s", rate,
        Metric.Better.HIGHER, Notes.contention(st).replaceFirst("^; ", ""));
      result.add("s4.cpu", scen, "server CPU per login+handshake", "us", cpuPerConn, Metric.Better.LOWER, "");
      result.add("s4.failed", scen, "failed logins or handshakes", "sockets", failures.get(), Metric.Better.LOWER, "");
      result.add("s4.rss", scen, "server RSS per connection", "kB", perConnKb, Metric.Better.LOWER,
        String.format(Locale.ROOT, "RSS %.0f -> %.0f MB", u0.serverRssMb(), rssMax));
      result.info.put("s4.counters", new JsonObject(new HashMap<>(s.counters())));
    } catch (Deadline.CapReached e) {
      result.error = e.getMessage();
      LOG.warn("{}", e.getMessage());
    }
  }

  /** Sockets process {@code pid} can still open under its open-files limit; Long.MAX_VALUE when unknown. */
  private long room(long pid) {
    long limit = ProcStats.maxOpenFiles(pid);
    long open = ProcStats.openFds(pid);
    if (limit <= 0 || open < 0) {
      return Long.MAX_VALUE;
    }
    return Math.max(0, limit - open - fdReserve);
  }

  private static String fmt(double v) {
    return String.format(Locale.ROOT, "%.1f", v);
  }
}
