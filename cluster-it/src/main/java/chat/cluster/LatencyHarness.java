package chat.cluster;

import chat.auth.AuthVerticle;
import chat.chats.ChatVerticle;
import chat.shared.Addresses;
import chat.shared.ServiceBus;
import chat.shared.Settings;
import chat.shared.launch.ClusterConfig;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.IntFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Request/reply latency of the chat service as a gateway sees it: event-bus requests from
 * one event loop, one at a time, to the chat service's addresses.
 *
 * <ul>
 *   <li>{@code local}: auth and chat deployed in this JVM (the all-in-one topology), requests
 *   over the local event bus.</li>
 *   <li>{@code cluster}: this JVM joins a running cluster (scripts/cluster.sh start) as one more
 *   member, configured from the same {@code CHAT_CLUSTER_*} variables, and asks the chat
 *   service in its own JVM across the clustered event bus, as a gateway does.</li>
 * </ul>
 *
 * <p>Usage: {@code LatencyHarness local|cluster [result-file]}. Not a test: figures depend on
 * the machine. Results are logged and, when a file is named, written there as a Markdown table.
 */
public final class LatencyHarness {

  private static final Logger LOG = LoggerFactory.getLogger(LatencyHarness.class);
  private static final int WARM_UP = 300;

  private final Vertx vertx;
  private final ServiceBus bus;
  private final String mode;
  private final List<String> rows = new ArrayList<>();

  private LatencyHarness(Vertx vertx, String mode) {
    this.vertx = vertx;
    this.bus = new ServiceBus(vertx.eventBus());
    this.mode = mode;
  }

  public static void main(String[] args) throws Exception {
    String mode = args.length > 0 ? args[0] : "local";
    Path out = args.length > 1 ? Path.of(args[1]) : null;
    Vertx vertx;
    if ("local".equals(mode)) {
      vertx = startLocal();
    } else if ("cluster".equals(mode)) {
      Settings settings = new Settings(new JsonObject());
      VertxOptions options = new VertxOptions();
      options.getEventBusOptions().setHost(ClusterConfig.bindAddress(settings));
      // A cluster started with CHAT_CLUSTER_TLS_* answers only a node holding its certificate.
      ClusterConfig.eventBusTls(settings, options.getEventBusOptions());
      long joining = System.nanoTime();
      vertx = Vertx.builder().with(options).withClusterManager(ClusterConfig.clusterManager(settings))
        .buildClustered().await(120, TimeUnit.SECONDS);
      LOG.info("Joined cluster '{}' in {} ms", settings.string(Settings.CLUSTER_NAME),
        (System.nanoTime() - joining) / 1_000_000);
    } else {
      throw new IllegalArgumentException("mode must be local or cluster, not " + mode);
    }
    try {
      LatencyHarness harness = new LatencyHarness(vertx, mode);
      harness.run();
      String table = harness.table();
      LOG.info("Results ({}):\n{}", mode, table);
      if (out != null) {
        Files.writeString(out, table, StandardCharsets.UTF_8);
      }
    } finally {
      vertx.close().await(60, TimeUnit.SECONDS);
    }
  }

  private static Vertx startLocal() throws Exception {
    Path data = Files.createTempDirectory("chatbus-latency");
    JsonObject config = new JsonObject()
      .put(Settings.DATA_DIR, data.toString())
      .put(Settings.PASSWORD_ITERATIONS, 1000);
    Vertx vertx = Vertx.vertx();
    vertx.deployVerticle(AuthVerticle.class.getName(), AuthVerticle.deploymentOptions(config))
      .compose(id -> vertx.deployVerticle(ChatVerticle.class.getName(), new DeploymentOptions().setConfig(config)))
      .await(60, TimeUnit.SECONDS);
    return vertx;
  }

  private void run() throws Exception {
    // Data to ask about: two users, a chat, a page of history.
    String tag = UUID.randomUUID().toString().substring(0, 8);
    long a = register("lat_a_" + tag);
    long b = register("lat_b_" + tag);
    long chat = bus.request(Addresses.CHAT_CREATE, new JsonObject().put("user_id", a).put("name", "latency " + tag)
      .put("participant_ids", new JsonArray().add(b))).await(30, TimeUnit.SECONDS).getLong("id");
    for (int i = 0; i < 50; i++) {
      bus.request(Addresses.CHAT_MESSAGE_SEND, send(a, chat, "seed " + i)).await(30, TimeUnit.SECONDS);
    }

    measure("ping (svc.chat.ping)", 3000, i -> new Request(Addresses.CHAT_PING, new JsonObject()));
    measure("membership (in memory)", 3000, i -> new Request(Addresses.CHAT_MEMBERSHIP,
      new JsonObject().put("user_id", b).put("chat_id", chat)));
    measure("history, 50 messages (SQLite read)", 1000, i -> new Request(Addresses.CHAT_MESSAGE_HISTORY,
      new JsonObject().put("user_id", b).put("chat_id", chat).put("limit", 50)));
    measure("send (SQLite commit)", 500, i -> new Request(Addresses.CHAT_MESSAGE_SEND, send(a, chat, "m" + i)));
  }

  private long register(String username) throws Exception {
    return bus.request(Addresses.AUTH_REGISTER, new JsonObject().put("username", username)
        .put("email", username + "@example.org").put("password", "latency harness pw").put("user_type", "student"))
      .await(30, TimeUnit.SECONDS).getLong("id");
  }

  private static JsonObject send(long user, long chat, String content) {
    return new JsonObject().put("user_id", user).put("chat_id", chat).put("content", content);
  }

  private record Request(String address, JsonObject body) {
  }

  /** Warm-up, then {@code n} sequential requests from one event loop, each timed. */
  private void measure(String name, int n, IntFunction<Request> requests) throws Exception {
    sequence(WARM_UP, requests).await(300, TimeUnit.SECONDS);
    long[] nanos = sequence(n, requests).await(300, TimeUnit.SECONDS);
    Arrays.sort(nanos);
    rows.add(String.format(Locale.ROOT, "| %s | %s | %d | %.3f | %.3f | %.3f | %.3f |", mode, name, n,
      ms(percentile(nanos, 50)), ms(percentile(nanos, 90)), ms(percentile(nanos, 99)), ms(nanos[nanos.length - 1])));
    LOG.info("{}", rows.get(rows.size() - 1));
  }

  private Future<long[]> sequence(int n, IntFunction<Request> requests) {
    Promise<long[]> done = Promise.promise();
    long[] nanos = new long[n];
    vertx.getOrCreateContext().runOnContext(v -> next(0, n, requests, nanos, done));
    return done.future();
  }

  private void next(int i, int n, IntFunction<Request> requests, long[] nanos, Promise<long[]> done) {
    if (i == n) {
      done.complete(nanos);
      return;
    }
    Request request = requests.apply(i);
    long start = System.nanoTime();
    bus.request(request.address(), request.body()).onComplete(ar -> {
      nanos[i] = System.nanoTime() - start;
      if (ar.failed()) {
        done.fail(ar.cause());
      } else {
        next(i + 1, n, requests, nanos, done);
      }
    });
  }

  private static long percentile(long[] sorted, int p) {
    int index = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
    return sorted[Math.max(0, Math.min(sorted.length - 1, index))];
  }

  private static double ms(long nanos) {
    return nanos / 1_000_000.0;
  }

  private String table() {
    StringBuilder sb = new StringBuilder();
    sb.append("| mode | request | n | p50 ms | p90 ms | p99 ms | max ms |\n");
    sb.append("|---|---|---|---|---|---|---|\n");
    rows.forEach(r -> sb.append(r).append('\n'));
    return sb.toString();
  }
}
