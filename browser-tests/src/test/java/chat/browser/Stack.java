package chat.browser;

import io.vertx.core.DeploymentOptions;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/** The whole system (all-in-one) deployed in the test JVM with a temporary data folder and a free port. */
final class Stack implements AutoCloseable {

  private static final String ALL_IN_ONE = "chat.app.AllInOneVerticle";

  final Vertx vertx;
  final int port;

  private Stack(Vertx vertx, int port) {
    this.vertx = vertx;
    this.port = port;
  }

  static Stack deploy(Path dataDir) throws Exception {
    Vertx vertx = Vertx.vertx();
    try {
      int port = freePort();
      JsonObject config = new JsonObject()
        .put("CHAT_DATA_DIR", dataDir.toString())
        .put("CHAT_HTTP_PORT", port)
        .put("CHAT_PASSWORD_ITERATIONS", 1000)
        // The admin page tests register their owner; tests log many users in from one address.
        .put("CHAT_OWNER_SIGNUP", "open")
        .put("CHAT_REGISTRATIONS_PER_HOUR", 1_000_000)
        .put("CHAT_PASSWORD_CHECKS_PER_ADDRESS", 1_000)
        .put("CHAT_PASSWORD_QUEUE", 1_000);
      vertx.deployVerticle(ALL_IN_ONE, new DeploymentOptions().setConfig(config)).await(60, TimeUnit.SECONDS);
      return new Stack(vertx, port);
    } catch (Exception e) {
      vertx.close().await(30, TimeUnit.SECONDS);
      throw e;
    }
  }

  /** The gateway's origin, as the browsers reach it. */
  String baseUrl() {
    return "http://127.0.0.1:" + port;
  }

  TestClient client() {
    return new TestClient(vertx, port);
  }

  @Override
  public void close() throws Exception {
    vertx.close().await(30, TimeUnit.SECONDS);
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 0, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }
}
