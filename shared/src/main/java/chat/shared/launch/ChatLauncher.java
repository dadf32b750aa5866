package chat.shared.launch;

import chat.shared.Settings;
import io.vertx.core.VertxBuilder;
import io.vertx.core.VertxOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.launcher.application.VertxApplication;
import io.vertx.launcher.application.VertxApplicationHooks;

/**
 * Main class of every fat jar: Vert.x's {@link VertxApplication} (run the jar's Main-Verticle,
 * {@code -cluster}, {@code -conf}, {@code -instances}) with the cluster manager and the
 * clustered event-bus host taken from {@link ClusterConfig}.
 */
public class ChatLauncher extends VertxApplication implements VertxApplicationHooks {

  public ChatLauncher(String[] args) {
    super(args);
  }

  public static void main(String[] args) {
    int code = new ChatLauncher(args).launch();
    if (code != 0) {
      System.exit(code);
    }
  }

  @Override
  public VertxBuilder createVertxBuilder(VertxOptions options) {
    Settings settings = new Settings(new JsonObject());
    if (options.getEventBusOptions().getHost() == null
      || "localhost".equals(options.getEventBusOptions().getHost())) {
      options.getEventBusOptions().setHost(settings.string(Settings.CLUSTER_HOST));
    }
    String publicHost = settings.string(Settings.CLUSTER_PUBLIC_HOST);
    if (!publicHost.isBlank() && options.getEventBusOptions().getClusterPublicHost() == null) {
      options.getEventBusOptions().setClusterPublicHost(publicHost);
    }
    // Only used when started with -cluster; building it starts nothing.
    return VertxApplicationHooks.super.createVertxBuilder(options)
      .withClusterManager(ClusterConfig.clusterManager(settings));
  }
}
