package chat.bench;

import chat.bench.floor.FloorServer;
import chat.bench.gen.BenchRun;
import chat.bench.gen.Cli;
import chat.bench.gen.Loopback;
import chat.bench.gen.SearchCorpus;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Entry point of {@code bench.jar}:
 * <pre>
 *   floor --port 9090 [--host 127.0.0.1] [--instances N] [--max-seconds 3600] [--native-transport]
 *   run   --floor http://127.0.0.1:9090 --floor-pid P [--target http://127.0.0.1:8080 --target-pid P]
 *         [--scenarios s1,s2,s3,s4] [--quick] [--results-dir bench/results] ...
 *   corpus --data-dir DIR | --pg-url postgresql://user:pw@host:port/db [--messages 1000000] [--chats 5000]
 *         [--users 2000] [--searcher-chats 50]   (S12: writes a search corpus into the chat store,
 *         migrated and not in use)
 * </pre>
 */
public final class BenchMain {

  private static final Logger LOG = LoggerFactory.getLogger(BenchMain.class);

  private BenchMain() {
  }

  public static void main(String[] args) throws Exception {
    String cmd = args.length == 0 ? "help" : args[0];
    int code;
    try {
      switch (cmd) {
        case "floor":
          code = floor(args);
          break;
        case "run":
          code = BenchRun.run(args);
          break;
        case "corpus":
          code = SearchCorpus.main(new Cli(args, 1));
          break;
        default:
          LOG.info("usage: java -jar bench.jar floor --port 9090 [--host 127.0.0.1] [--instances N]\n"
            + "       java -jar bench.jar run --floor http://127.0.0.1:9090 [--floor-pid P]"
            + " [--target http://127.0.0.1:8080 --target-pid P] [--scenarios s1,s2,s3,s4] [--quick]\n"
            + "see bench/README.md for every option");
          code = "help".equals(cmd) ? 0 : 2;
      }
    } catch (IllegalArgumentException e) {
      LOG.error("bench: {}", e.getMessage());
      code = 2;
    }
    if (code != 0 || !"floor".equals(cmd)) {
      System.exit(code);
    }
  }

  /** Starts the floor and keeps running until killed or {@code --max-seconds} passed. */
  private static int floor(String[] args) throws Exception {
    Cli cli = new Cli(args, 1);
    String host = cli.string("host", "127.0.0.1");
    int port = cli.integer("port", 9090);
    int instances = cli.integer("instances", Runtime.getRuntime().availableProcessors());
    long maxSeconds = cli.longValue("max-seconds", 3600);
    // NIO unless told: run.sh passes --native-transport when the system runs on epoll (its
    // default, CHAT_NATIVE_TRANSPORT): the floor should differ from the system only by the work
    // the system does.
    boolean nativeTransport = cli.flag("native-transport");
    cli.rejectUnknown();
    Loopback.require(host);
    Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(instances)
      .setPreferNativeTransport(nativeTransport));
    FloorServer.State state = new FloorServer.State();
    try {
      vertx.deployVerticle(() -> new FloorServer(state, host, port), new DeploymentOptions().setInstances(instances))
        .await(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      LOG.error("floor could not listen on {}:{}: {}", host, port, e.getMessage());
      vertx.close();
      return 1;
    }
    LOG.info("floor listening on http://{}:{} ({} instance(s), {} transport, pid {}), stops by itself after {} s",
      host, port, instances, vertx.isNativeTransportEnabled() ? "native epoll" : "NIO",
      ProcessHandle.current().pid(), maxSeconds);
    vertx.setTimer(TimeUnit.SECONDS.toMillis(maxSeconds), id -> {
      LOG.info("floor reached --max-seconds; exiting");
      vertx.close().onComplete(v -> System.exit(0));
    });
    return 0;
  }
}
