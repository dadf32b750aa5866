package chat.app;

import io.vertx.core.DeploymentOptions;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/** The whole system deployed in a test's Vert.x with a temporary data folder and a free port. */
final class Stack {

  final Vertx vertx;
  final int port;
  final Path dataDir;
  final String deploymentId;

  private Stack(Vertx vertx, int port, Path dataDir, String deploymentId) {
    this.vertx = vertx;
    this.port = port;
    this.dataDir = dataDir;
    this.deploymentId = deploymentId;
  }

  /**
   * Deploys with the test defaults below, then {@code extraConfig}; a key set to null there
   * drops the test default, so the product's own default applies (AccountProtectionTest).
   */
  static Stack deploy(Vertx vertx, Path dataDir, JsonObject extraConfig) throws Exception {
    int port = freePort();
    JsonObject config = new JsonObject()
      .put("CHAT_DATA_DIR", dataDir.toString())
      .put("CHAT_HTTP_PORT", port)
      .put("CHAT_PASSWORD_ITERATIONS", 1000)
      .put("CHAT_ALLOWED_ORIGINS", "http://allowed.example")
      // Tests register several owners, and many users from one address in parallel.
      .put("CHAT_OWNER_SIGNUP", "open")
      .put("CHAT_REGISTRATIONS_PER_HOUR", 1_000_000)
      .put("CHAT_PASSWORD_CHECKS_PER_ADDRESS", 1_000)
      .put("CHAT_PASSWORD_QUEUE", 1_000)
      .mergeIn(extraConfig);
    config.getMap().values().removeIf(java.util.Objects::isNull);
    String id = vertx.deployVerticle(AllInOneVerticle.class.getName(), new DeploymentOptions().setConfig(config))
      .await(60, TimeUnit.SECONDS);
    return new Stack(vertx, port, dataDir, id);
  }

  TestClient client() {
    return new TestClient(vertx, port);
  }

  /** A client whose connections come from {@code localAddress} (any 127.0.0.x on Linux). */
  TestClient clientFrom(String localAddress) {
    return new TestClient(vertx, port, localAddress);
  }

  void undeploy() throws Exception {
    vertx.undeploy(deploymentId).await(30, TimeUnit.SECONDS);
  }

  static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 0, java.net.InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }
}
