package chat.testing;

import io.vertx.core.DeploymentOptions;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

/**
 * The whole system (the all-in-one verticle: auth, chat and gateway in one JVM) deployed for an
 * end-to-end suite, with a temporary data folder, a free port and the test defaults below. On
 * the PostgreSQL runs ({@link TestPostgres#selected()}) each stack gets a fresh database.
 * The verticle is deployed by name, so this kit does not depend on the module that holds it.
 */
public final class TestStack implements AutoCloseable {

  private static final String ALL_IN_ONE = "chat.app.AllInOneVerticle";

  public final Vertx vertx;
  public final int port;
  public final Path dataDir;
  private final String deploymentId;
  private final boolean ownsVertx;

  private TestStack(Vertx vertx, int port, Path dataDir, String deploymentId, boolean ownsVertx) {
    this.vertx = vertx;
    this.port = port;
    this.dataDir = dataDir;
    this.deploymentId = deploymentId;
    this.ownsVertx = ownsVertx;
  }

  /**
   * Deploys into the test's Vert.x with the test defaults, then {@code extraConfig}; a key set
   * to null there drops the test default, so the product's own default applies.
   */
  public static TestStack deploy(Vertx vertx, Path dataDir, JsonObject extraConfig) throws Exception {
    return deploy(vertx, dataDir, extraConfig, false);
  }

  /** Deploys into a Vert.x of its own, closed by {@link #close()} (the browser suites). */
  public static TestStack deploy(Path dataDir) throws Exception {
    Vertx vertx = Vertx.vertx();
    try {
      return deploy(vertx, dataDir, new JsonObject(), true);
    } catch (Exception e) {
      vertx.close().await(30, TimeUnit.SECONDS);
      throw e;
    }
  }

  private static TestStack deploy(Vertx vertx, Path dataDir, JsonObject extraConfig, boolean ownsVertx)
      throws Exception {
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
      .put("CHAT_PASSWORD_QUEUE", 1_000);
    if (TestPostgres.selected()) {
      config.put("CHAT_STORE", "postgresql").put("CHAT_PG_URL", TestPostgres.freshDatabase());
    }
    config.mergeIn(extraConfig);
    config.getMap().values().removeIf(Objects::isNull);
    String id = vertx.deployVerticle(ALL_IN_ONE, new DeploymentOptions().setConfig(config))
      .await(60, TimeUnit.SECONDS);
    return new TestStack(vertx, port, dataDir, id, ownsVertx);
  }

  /** The gateway's origin, as browsers reach it. */
  public String baseUrl() {
    return "http://127.0.0.1:" + port;
  }

  public TestClient client() {
    return new TestClient(vertx, port);
  }

  /** A client whose connections come from {@code localAddress} (any 127.0.0.x on Linux). */
  public TestClient clientFrom(String localAddress) {
    return new TestClient(vertx, port, localAddress);
  }

  public void undeploy() throws Exception {
    vertx.undeploy(deploymentId).await(30, TimeUnit.SECONDS);
  }

  /** Undeploys; a stack with a Vert.x of its own closes it too. */
  @Override
  public void close() throws Exception {
    if (ownsVertx) {
      vertx.close().await(30, TimeUnit.SECONDS);
    } else {
      undeploy();
    }
  }

  public static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 0, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }
}
