package chat.shared.launch;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.internal.VertxInternal;
import io.vertx.core.json.JsonObject;
import io.vertx.core.spi.cluster.ClusterManager;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;

/**
 * {@code GET /live} on 127.0.0.1 for the container health check of services without an HTTP
 * face (auth, chat): 200 while the service is deployed, its event loop answers and, when
 * clustered, it is still an active cluster member; 503 otherwise. The gateways have their own
 * {@code /health} (readiness: auth and chat reachable), this is liveness only.
 *
 * <p>Started by {@link ChatLauncher} when {@value #PORT_VARIABLE} names a port; off by default.
 */
final class Liveness {

  static final String PORT_VARIABLE = "CHAT_LIVENESS_PORT";

  private Liveness() {
  }

  /** The configured port, or 0 for none. */
  static int configuredPort() {
    String value = System.getenv(PORT_VARIABLE);
    if (value == null || value.isBlank()) {
      return 0;
    }
    try {
      return Integer.parseInt(value.trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(PORT_VARIABLE + " must be a port number, got '" + value + "'");
    }
  }

  static Future<HttpServer> start(Vertx vertx, int port) {
    return vertx.createHttpServer()
      .requestHandler(req -> {
        boolean live = isLive(vertx);
        req.response()
          .setStatusCode(live ? 200 : 503)
          .putHeader("Content-Type", "application/json")
          .end(new JsonObject().put("status", live ? "UP" : "DOWN").encode());
      })
      .listen(port, "127.0.0.1");
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
