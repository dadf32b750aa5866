package chat.shared.launch;

import chat.shared.Settings;
import com.hazelcast.cluster.MembershipEvent;
import com.hazelcast.cluster.MembershipListener;
import io.vertx.core.VertxBuilder;
import io.vertx.core.VertxOptions;
import io.vertx.core.eventbus.EventBusOptions;
import io.vertx.core.internal.VertxInternal;
import io.vertx.core.json.JsonObject;
import io.vertx.core.spi.cluster.ClusterManager;
import io.vertx.launcher.application.ExitCodes;
import io.vertx.launcher.application.HookContext;
import io.vertx.launcher.application.VertxApplication;
import io.vertx.launcher.application.VertxApplicationHooks;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Main class of every fat jar: Vert.x's {@link VertxApplication} (run the jar's Main-Verticle,
 * {@code -cluster}, {@code -conf}, {@code -instances}). With {@code -cluster}, the cluster
 * manager comes from {@link ClusterConfig} and the clustered event bus binds the same interface
 * as Hazelcast ({@code CHAT_CLUSTER_HOST}) unless {@code -cluster-host} says otherwise; without
 * it, nothing about clustering is touched (the all-in-one local run). With
 * {@code CHAT_CLUSTER_TLS_KEYSTORE} set, the clustered event bus runs TLS with client
 * certificates ({@link ClusterConfig#eventBusTls}). Every run, clustered or not, has the
 * metrics of {@link ChatMetrics}.
 *
 * <p>On SIGTERM Vert.x's shutdown hook undeploys the verticles (each {@code stop()} finishes its
 * in-flight work), unregisters their consumers cluster-wide, then leaves Hazelcast gracefully.
 */
public class ChatLauncher extends VertxApplication implements VertxApplicationHooks {

  private static final Logger LOG = LoggerFactory.getLogger(ChatLauncher.class);
  private static final Set<String> CLUSTER_FLAGS = Set.of("-c", "-cluster", "--cluster");

  private final boolean clustered;
  private final Settings settings = new Settings(new JsonObject());
  private long joinStartedAt;
  private boolean eventBusTls;

  public ChatLauncher(String[] args) {
    super(args);
    // The same matching as VertxApplication's options (case-insensitive).
    this.clustered = Arrays.stream(args).anyMatch(a -> CLUSTER_FLAGS.contains(a.toLowerCase(Locale.ROOT)));
  }

  public static void main(String[] args) {
    try {
      checkBeforeStart(args, System.getenv());
    } catch (IllegalArgumentException bad) {
      // One line that says what to fix, no stack: nothing was started.
      LOG.error("Not started: {}", bad.getMessage());
      System.exit(ExitCodes.USAGE);
    }
    int code = new ChatLauncher(args).launch();
    if (code != 0) {
      System.exit(code);
    }
  }

  /**
   * Checked before anything starts: the {@code -conf} option, then every setting with a range, a
   * boolean or one that may not be empty, from that file over the environment, as the services
   * and the launcher will read them. Vert.x only warns about a {@code -conf} that is neither a
   * readable JSON file nor a JSON object and starts without it, so a typo would silently drop
   * every setting it holds (a {@code CHAT_STORE=postgresql} quietly running on SQLite).
   */
  static void checkBeforeStart(String[] args, Map<String, String> env) {
    JsonObject conf = new JsonObject();
    for (int i = 0; i < args.length; i++) {
      String arg = args[i];
      String value = null;
      if (arg.equals("-conf") || arg.equals("--conf")) {
        if (i + 1 == args.length) {
          throw new IllegalArgumentException("-conf needs a JSON file or a JSON object");
        }
        value = args[i + 1];
      } else if (arg.startsWith("-conf=") || arg.startsWith("--conf=")) {
        value = arg.substring(arg.indexOf('=') + 1);
      }
      if (value != null) {
        conf = confObject(value);
      }
    }
    new Settings(conf, env).checkAll();
  }

  /** The -conf value as Vert.x reads it: a file holding a JSON object, or a JSON object itself. */
  private static JsonObject confObject(String value) {
    Path file = Path.of(value);
    String text = value;
    if (Files.isRegularFile(file)) {
      try {
        text = Files.readString(file);
      } catch (IOException | RuntimeException e) {
        throw new IllegalArgumentException("-conf file " + value + " cannot be read: " + e.getMessage());
      }
    } else if (!value.trim().startsWith("{")) {
      throw new IllegalArgumentException("-conf " + value + ": no such file (and not a JSON object)");
    }
    try {
      return new JsonObject(text);
    } catch (RuntimeException e) {
      throw new IllegalArgumentException("-conf " + value + " is not a JSON object: " + e.getMessage());
    }
  }

  @Override
  public VertxBuilder createVertxBuilder(VertxOptions options) {
    options.setPreferNativeTransport(settings.bool(Settings.NATIVE_TRANSPORT));
    VertxBuilder builder = ChatMetrics.builder(options);
    if (!clustered) {
      return builder;
    }
    // -cluster-host and -cluster-public-host, when given, are applied after this and win.
    EventBusOptions eventBus = options.getEventBusOptions();
    if (eventBus.getHost() == null) {
      eventBus.setHost(ClusterConfig.bindAddress(settings));
    }
    String publicHost = settings.string(Settings.CLUSTER_PUBLIC_HOST).trim();
    if (!publicHost.isEmpty() && eventBus.getClusterPublicHost() == null) {
      eventBus.setClusterPublicHost(publicHost);
    }
    eventBusTls = ClusterConfig.eventBusTls(settings, eventBus);
    joinStartedAt = System.nanoTime();
    return builder.withClusterManager(ClusterConfig.clusterManager(settings));
  }

  @Override
  public void afterVertxStarted(HookContext context) {
    if (!context.vertx().isClustered()) {
      return;
    }
    ClusterManager manager = ((VertxInternal) context.vertx()).clusterManager();
    EventBusOptions eventBus = context.vertxOptions().getEventBusOptions();
    LOG.info("Joined cluster '{}' in {} ms ({} ms after JVM start): {} Vert.x nodes, event bus on {} ({})",
      settings.string(Settings.CLUSTER_NAME), (System.nanoTime() - joinStartedAt) / 1_000_000,
      uptimeMs(), manager.getNodes().size(), eventBus.getHost(),
      eventBusTls ? "TLS, client certificates required" : "plaintext, no TLS configured");
    if (manager instanceof HazelcastClusterManager) {
      ((HazelcastClusterManager) manager).getHazelcastInstance().getCluster()
        .addMembershipListener(new MembershipLog());
    }
  }

  @Override
  public void afterVerticleDeployed(HookContext context) {
    int livenessPort = Liveness.configuredPort(settings);
    String livenessHost = settings.string(Settings.LIVENESS_HOST);
    if (livenessPort == 0) {
      ready(context);
      return;
    }
    // Ready only once /live and /metrics listen: a service an operator cannot watch does not
    // report ready; it stops (the verticles undeploy) and the process exits non-zero.
    Liveness.start(context.vertx(), livenessHost, livenessPort)
      .onSuccess(server -> {
        LOG.info("Liveness check on http://{}:{}/live, metrics on {}", livenessHost, server.actualPort(), ChatMetrics.PATH);
        ready(context);
      })
      .onFailure(err -> {
        LOG.error("Not started: the liveness check cannot listen on {}:{} ({}: {})", livenessHost, livenessPort,
          Settings.LIVENESS_PORT, String.valueOf(err.getMessage()));
        context.vertx().close().onComplete(ar -> System.exit(ExitCodes.VERTX_DEPLOYMENT));
      });
  }

  private void ready(HookContext context) {
    LOG.info("Ready: {} deployed {} ms after JVM start{}, {} sockets", context.mainVerticle(), uptimeMs(),
      clustered ? " (clustered)" : "", context.vertx().isNativeTransportEnabled() ? "epoll" : "NIO");
  }

  @Override
  public void beforeStoppingVertx(HookContext context) {
    LOG.info("Stopping: undeploying, then leaving the cluster");
  }

  @Override
  public void afterVertxStopped(HookContext context) {
    LOG.info("Stopped");
  }

  private static long uptimeMs() {
    return ManagementFactory.getRuntimeMXBean().getUptime();
  }

  /** Cluster membership changes in this service's log (Hazelcast's own INFO lines are muted). */
  private static final class MembershipLog implements MembershipListener {

    @Override
    public void memberAdded(MembershipEvent event) {
      LOG.info("Cluster member joined: {} ({} members)", event.getMember().getAddress(), event.getMembers().size());
    }

    @Override
    public void memberRemoved(MembershipEvent event) {
      LOG.info("Cluster member left: {} ({} members)", event.getMember().getAddress(), event.getMembers().size());
    }
  }
}
