package chat.shared.launch;

import chat.shared.Settings;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.internal.VertxInternal;
import io.vertx.core.json.JsonObject;
import io.vertx.core.spi.cluster.ClusterManager;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;

/**
 * The small HTTP server of services without an HTTP face (auth, chat): {@code GET /live} for the
 * container health check, 200 while the service is deployed, its event loop answers and, when
 * clustered, it is still an active cluster member, 503 otherwise; and {@code GET /metrics}, the
 * Prometheus text of {@link ChatMetrics}. The gateways have their own {@code /health}
 * (readiness: auth and chat reachable) and {@code /metrics}; this is liveness only.
 *
 * <p>Started by {@link ChatLauncher} when {@link Settings#LIVENESS_PORT} names a port (off by
 * default), on {@link Settings#LIVENESS_HOST} (127.0.0.1 by default).
 */
final class Liveness {

  private Liveness() {
  }

  /** The configured port, or 0 for none. */
  static int configuredPort(Settings settings) {
    String value = settings.string(Settings.LIVENESS_PORT).trim();
    if (value.isEmpty()) {
      return 0;
    }
    return settings.integer(Settings.LIVENESS_PORT);
  }

  static Future<HttpServer> start(Vertx vertx, String host, int port) {
    Handler<HttpServerRequest> metrics = ChatMetrics.scrapeHandler();
    return vertx.createHttpServer()
      .requestHandler(req -> {
        if (ChatMetrics.PATH.equals(req.path())) {
          metrics.handle(req);
          return;
        }
        boolean live = isLive(vertx);
        req.response()
          .setStatusCode(live ? 200 : 503)
          .putHeader("Content-Type", "application/json")
          .end(new JsonObject().put("status", live ? "UP" : "DOWN").encode());
      })
      .listen(port, host);
  }

  private static boolean isLive(Vertx vertx) {
    if (vertx.deploymentIDs().isEmpty()) {
      return false;
    }
    ClusterManager cluster = ((VertxInternal) vertx).clusterManager();
    if (cluster instanceof HazelcastClusterManager) {
      HazelcastClusterManager hazelcast = (HazelcastClusterManager) cluster;
      return hazelcast.isActive() && hazelcast.getHazelcastInstance().getLifecycleService().isRunning();
    }
    return cluster == null || cluster.isActive();
  }
}
