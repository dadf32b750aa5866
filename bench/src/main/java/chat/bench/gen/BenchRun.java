package chat.bench.gen;

import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code run}: every chosen scenario against the floor, then the socket.io peer (the scenarios
 * it can run: S1), then the system (each when given), in the same JVM and the same run, then
 * the table. A watchdog ends the process at
 * {@code --max-seconds} whatever happens.
 */
public final class BenchRun {

  private static final Logger LOG = LoggerFactory.getLogger(BenchRun.class);

  private BenchRun() {
  }

  public static int run(String[] args) throws Exception {
    Cli cli = new Cli(args, 1);
    String floorUrl = cli.string("floor", null);
    String systemUrl = cli.string("target", null);
    String socketIoUrl = cli.string("socketio", null);
    long socketIoPid = cli.longValue("socketio-pid", -1);
    long floorPid = cli.longValue("floor-pid", -1);
    long systemPid = cli.longValue("target-pid", -1);
    List<String> scenarios = List.of(cli.string("scenarios", "s1,s2,s3,s4").toLowerCase().split(","));
    Path resultsDir = Path.of(cli.string("results-dir", "bench/results"));
    long maxSeconds = cli.longValue("max-seconds", 2400);
    int eventLoops = cli.integer("event-loops", Runtime.getRuntime().availableProcessors());
    boolean quick = cli.flag("quick");
    boolean nativeTransport = Boolean.parseBoolean(cli.string("native-transport", "true"));
    ProcStats.clockTicksPerSecond(cli.longValue("clk-tck", 100));

    GenConfig cfg = new GenConfig();
    cfg.runId = Long.toString(System.currentTimeMillis(), 36);
    cfg.contentSize = cli.integer("content-size", cfg.contentSize);
    cfg.uuidClientIds = Boolean.parseBoolean(cli.string("uuid-client-ids", "false"));
    cfg.setupConcurrency = cli.integer("setup-concurrency", cfg.setupConcurrency);
    cfg.maxInflight = cli.integer("max-inflight", cfg.maxInflight);
    cfg.drainMs = cli.longValue("drain-ms", cfg.drainMs);
    cfg.p99LimitMs = cli.decimal("p99-limit-ms", cfg.p99LimitMs);
    cfg.quietWaitSeconds = cli.integer("quiet-wait-seconds", quick ? 0 : cfg.quietWaitSeconds);
    cfg.quietOtherPct = cli.decimal("quiet-other-pct", cfg.quietOtherPct);

    Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(eventLoops)
      .setPreferNativeTransport(nativeTransport)
      .setBlockedThreadCheckInterval(10).setBlockedThreadCheckIntervalUnit(TimeUnit.SECONDS));
    LOG.info("generator: {} event loop(s), {} transport", eventLoops,
      vertx.isNativeTransportEnabled() ? "native epoll" : "NIO");

    FanoutScenario s1 = new FanoutScenario(cfg, vertx);
    s1.sizes = cli.ints("s1-receivers", "200,1000");
    s1.rates = cli.ints("s1-rates", quick ? "2000,10000,50000,100000,200000"
      : "5000,10000,20000,50000,100000,150000,200000,300000");
    s1.fixedRates = cli.ints("s1-fixed-rates", "10000,50000");
    s1.stepSeconds = cli.integer("s1-step-seconds", quick ? 2 : 5);
    s1.warmupSeconds = cli.integer("s1-warmup-seconds", quick ? 3 : 5);
    s1.warmupRate = cli.integer("s1-warmup-rate", s1.warmupRate);
    s1.repeats = Math.max(1, cli.integer("s1-repeats", quick ? 1 : s1.repeats));
    s1.maxDeliveriesPerStep = cli.longValue("s1-max-deliveries-per-step", s1.maxDeliveriesPerStep);
    s1.capSeconds = cli.longValue("s1-cap-seconds", s1.capSeconds);

    MixScenario s2 = new MixScenario(cfg, vertx);
    s2.users = cli.integer("s2-users", s2.users);
    s2.smallSize = cli.integer("s2-small-size", s2.smallSize);
    s2.bigChats = cli.integer("s2-big-chats", s2.bigChats);
    s2.bigSize = cli.integer("s2-big-size", s2.bigSize);
    s2.intervalMs = cli.integer("s2-interval-ms", s2.intervalMs);
    s2.restPercent = cli.integer("s2-rest-percent", s2.restPercent);
    s2.seconds = cli.integer("s2-seconds", quick ? 8 : s2.seconds);
    s2.capSeconds = cli.longValue("s2-cap-seconds", s2.capSeconds);

    IngestScenario s3 = new IngestScenario(cfg, vertx);
    s3.senders = cli.integer("s3-senders", s3.senders);
    s3.chatSize = cli.integer("s3-chat-size", s3.chatSize);
    s3.inflight = cli.integer("s3-inflight", s3.inflight);
    s3.seconds = cli.integer("s3-seconds", quick ? 4 : s3.seconds);
    s3.warmupSeconds = cli.integer("s3-warmup-seconds", quick ? 2 : s3.warmupSeconds);
    s3.maxMessages = cli.integer("s3-max-messages", s3.maxMessages);
    s3.capSeconds = cli.longValue("s3-cap-seconds", s3.capSeconds);

    ConnectionScenario s4 = new ConnectionScenario(cfg, vertx);
    s4.connections = cli.integer("s4-connections", quick ? 2_000 : s4.connections);
    s4.concurrency = cli.integer("s4-concurrency", s4.concurrency);
    s4.holdSeconds = cli.integer("s4-hold-seconds", quick ? 3 : s4.holdSeconds);
    s4.sources = cli.integer("s4-sources", s4.sources);
    s4.perSource = cli.integer("s4-per-source", s4.perSource);
    s4.capSeconds = cli.longValue("s4-cap-seconds", s4.capSeconds);

    LoginFloodScenario s6 = new LoginFloodScenario(cfg, vertx);
    s6.floodCount = cli.integer("s6-flood", s6.floodCount);
    s6.floodRate = cli.integer("s6-rate", s6.floodRate);
    s6.baselineLogins = cli.integer("s6-baseline-logins", s6.baselineLogins);
    s6.capSeconds = cli.longValue("s6-cap-seconds", s6.capSeconds);

    FeedScenario s7 = new FeedScenario(cfg, vertx);
    s7.events = cli.integer("s7-events", s7.events);
    s7.senders = cli.integer("s7-senders", s7.senders);
    s7.inflight = cli.integer("s7-inflight", s7.inflight);
    s7.limit = cli.integer("s7-limit", s7.limit);
    s7.repeats = Math.max(1, cli.integer("s7-repeats", quick ? 1 : s7.repeats));
    s7.pageSamples = Math.max(1, cli.integer("s7-page-samples", quick ? 10 : s7.pageSamples));
    s7.seedCapSeconds = cli.longValue("s7-seed-cap-seconds", s7.seedCapSeconds);
    s7.capSeconds = cli.longValue("s7-cap-seconds", s7.capSeconds);
    UnreadListScenario s8 = new UnreadListScenario(cfg, vertx);
    s8.chats = cli.integer("s8-chats", s8.chats);
    s8.messagesPerChat = cli.integer("s8-messages", s8.messagesPerChat);
    s8.seconds = cli.integer("s8-seconds", quick ? 2 : s8.seconds);
    s8.warmupSeconds = cli.integer("s8-warmup-seconds", quick ? 1 : s8.warmupSeconds);
    s8.repeats = Math.max(1, cli.integer("s8-repeats", quick ? 1 : s8.repeats));
    s8.concurrency = cli.ints("s8-concurrency", "1,8");
    s8.capSeconds = cli.longValue("s8-cap-seconds", s8.capSeconds);

    PresenceScenario s9 = new PresenceScenario(cfg, vertx);
    s9.sockets = cli.integer("s9-sockets", quick ? 1_000 : s9.sockets);
    s9.chatSize = cli.integer("s9-chat-size", s9.chatSize);
    s9.churnPercentPerMinute = cli.integer("s9-churn-percent", s9.churnPercentPerMinute);
    s9.seconds = cli.integer("s9-seconds", quick ? 20 : s9.seconds);
    s9.idleSeconds = cli.integer("s9-idle-seconds", quick ? 5 : s9.idleSeconds);
    s9.awayMs = cli.longValue("s9-away-ms", s9.awayMs);
    s9.capSeconds = cli.longValue("s9-cap-seconds", s9.capSeconds);

    TypingScenario s10 = new TypingScenario(cfg, vertx);
    s10.receivers = cli.integer("s10-receivers", s10.receivers);
    s10.typers = cli.integer("s10-typers", s10.typers);
    s10.seconds = cli.integer("s10-seconds", quick ? 8 : s10.seconds);
    s10.idleSeconds = cli.integer("s10-idle-seconds", quick ? 4 : s10.idleSeconds);
    s10.intervalMs = cli.longValue("s10-interval-ms", s10.intervalMs);
    s10.capSeconds = cli.longValue("s10-cap-seconds", s10.capSeconds);

    SearchScenario s12 = new SearchScenario(cfg, vertx);
    s12.queries = cli.integer("s12-queries", quick ? 30 : s12.queries);
    s12.warmup = cli.integer("s12-warmup", quick ? 5 : s12.warmup);
    s12.limit = cli.integer("s12-limit", s12.limit);
    s12.expectChats = cli.integer("s12-searcher-chats", s12.expectChats);
    s12.capSeconds = cli.longValue("s12-cap-seconds", s12.capSeconds);
    AttachScenario s11 = new AttachScenario(cfg, vertx);
    s11.concurrent = cli.integer("s11-concurrent", s11.concurrent);
    s11.fileBytes = cli.integer("s11-file-bytes", s11.fileBytes);
    s11.rounds = cli.integer("s11-rounds", quick ? 1 : s11.rounds);
    s11.capSeconds = cli.longValue("s11-cap-seconds", s11.capSeconds);

    String pinning = cli.string("pinning", "none");
    String command = cli.string("command", "");
    cli.rejectUnknown();

    List<Target> targets = new ArrayList<>();
    if (floorUrl != null) {
      targets.add(new Target("floor", Loopback.target(floorUrl), floorPid));
    }
    if (socketIoUrl != null) {
      targets.add(new Target("socketio", Loopback.target(socketIoUrl), socketIoPid));
    }
    if (systemUrl != null) {
      targets.add(new Target("system", Loopback.target(systemUrl), systemPid));
    }
    if (targets.isEmpty()) {
      throw new IllegalArgumentException("give --floor URL, --socketio URL and/or --target URL");
    }
    List<Scenario> chosen = new ArrayList<>();
    for (String id : scenarios) {
      switch (id.trim()) {
        case "s1": chosen.add(s1); break;
        case "s2": chosen.add(s2); break;
        case "s3": chosen.add(s3); break;
        case "s4": chosen.add(s4); break;
        case "s5": LOG.warn("S5 (cluster hop) is not implemented yet; skipped"); break;
        case "s6": chosen.add(s6); break;
        case "s7": chosen.add(s7); break;
        case "s8": chosen.add(s8); break;
        case "s9": chosen.add(s9); break;
        case "s10": chosen.add(s10); break;
        case "s12": chosen.add(s12); break;
        case "s11": chosen.add(s11); break;
        default: throw new IllegalArgumentException("unknown scenario " + id);
      }
    }

    JsonObject meta = Machine.describe()
      .put("run_id", cfg.runId).put("started", Instant.now().toString()).put("command", command)
      .put("pinning", pinning).put("generator_event_loops", eventLoops)
      .put("generator_transport", vertx.isNativeTransportEnabled() ? "epoll" : "nio").put("options", new JsonObject(
        new java.util.HashMap<>(cli.given())))
      .put("targets", targets.stream().map(t -> t.name + "=" + t.uri + " pid " + t.pid).toList());
    List<ScenarioResult> results = new ArrayList<>();
    Report report = new Report(results, meta);

    Thread watchdog = new Thread(() -> {
      try {
        Thread.sleep(TimeUnit.SECONDS.toMillis(maxSeconds));
      } catch (InterruptedException e) {
        return;
      }
      LOG.error("run exceeded --max-seconds {}; writing what was measured and exiting", maxSeconds);
      finish(report, resultsDir);
      Runtime.getRuntime().halt(3);
    }, "bench-watchdog");
    watchdog.setDaemon(true);
    watchdog.start();

    for (Scenario sc : chosen) {
      for (Target t : targets) {
        if (!sc.supports(t)) {
          continue;
        }
        ScenarioResult r = new ScenarioResult(sc.id().toUpperCase(), t.name);
        synchronized (results) {
          results.add(r);
        }
        LOG.info("=== {} against {} ({}), cap {} s", sc.id().toUpperCase(), t.name, t.uri, sc.capSeconds());
        if (t.pid > 0 && !ProcStats.alive(t.pid)) {
          r.error = "server process " + t.pid + " is not running";
          LOG.error("{}", r.error);
          continue;
        }
        try {
          sc.run(t, r);
        } catch (Exception | Error e) {
          r.error = e.getClass().getSimpleName() + ": " + e.getMessage();
          LOG.error("{} against {} failed", sc.id(), t.name, e);
        }
      }
    }
    watchdog.interrupt();
    finish(report, resultsDir);
    vertx.close().await(10, TimeUnit.SECONDS);
    return 0;
  }

  private static synchronized void finish(Report report, Path resultsDir) {
    report.print(System.out);
    System.out.flush();
    try {
      Path json = report.write(resultsDir);
      LOG.info("results written to {} and {}", json, json.toString().replace(".json", ".csv"));
    } catch (Exception e) {
      LOG.error("could not write results to {}", resultsDir, e);
    }
  }

}
