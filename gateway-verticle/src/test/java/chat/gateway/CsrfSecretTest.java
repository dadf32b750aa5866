package chat.gateway;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import chat.shared.Settings;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.junit5.VertxExtension;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** Where the XSRF signing secret comes from, and what gateways sharing (or not) a secret accept. */
@ExtendWith(VertxExtension.class)
class CsrfSecretTest {

  private static final String SECRET = "a-secret-of-at-least-thirty-two-characters";

  private static byte[] resolve(Vertx vertx, JsonObject config) throws Exception {
    return CsrfSecret.resolve(vertx, new Settings(config)).await(10, TimeUnit.SECONDS);
  }

  @Test
  void configuredSecretIsUsedAsIs(Vertx vertx) throws Exception {
    assertArrayEquals(SECRET.getBytes(StandardCharsets.UTF_8),
      resolve(vertx, new JsonObject().put(Settings.CSRF_SECRET, SECRET)));
  }

  @Test
  void secretFileIsReadAndTrimmed(Vertx vertx, @TempDir Path dir) throws Exception {
    Path file = dir.resolve("csrf-secret");
    Files.writeString(file, SECRET + "\n");
    assertArrayEquals(SECRET.getBytes(StandardCharsets.UTF_8),
      resolve(vertx, new JsonObject().put(Settings.CSRF_SECRET_FILE, file.toString())));
  }

  @Test
  void shortSecretIsRefusedAtStart(Vertx vertx) {
    Exception e = assertThrows(Exception.class, () -> resolve(vertx, new JsonObject().put(Settings.CSRF_SECRET, "short")));
    assertTrue(String.valueOf(e.getMessage()).contains("at least 32"), e.toString());
  }

  @Test
  void withoutConfigurationGatewaysOfOneVertxAgreeOnOneRandomSecret(Vertx vertx) throws Exception {
    byte[] first = resolve(vertx, new JsonObject());
    byte[] second = resolve(vertx, new JsonObject());
    assertArrayEquals(first, second);
    assertTrue(first.length >= 32);
  }

  @Test
  void tokenOfOneGatewayIsAcceptedByAnotherWithTheSameSecretOnly(Vertx vertx) throws Exception {
    int issuing = deploy(vertx, SECRET);
    int same = deploy(vertx, SECRET);
    int other = deploy(vertx, SECRET + "-but-another");
    WebClient client = WebClient.create(vertx);
    HttpResponse<Buffer> csrf = client.get(issuing, "127.0.0.1", "/api/auth/csrf").send().await(10, TimeUnit.SECONDS);
    String token = csrf.cookies().get(0).split(";")[0].substring("XSRF-TOKEN=".length());
    // No auth service runs: past the CSRF check, a login answers 503.
    assertEquals(503, login(client, same, token).statusCode(), "same secret: past the CSRF check");
    HttpResponse<Buffer> refused = login(client, other, token);
    assertEquals(403, refused.statusCode());
    assertEquals("csrf", refused.bodyAsJsonObject().getJsonObject("error").getString("code"));
  }

  @Test
  void secureCookiesBringHsts(Vertx vertx) throws Exception {
    int port = deploy(vertx, new JsonObject().put(Settings.COOKIE_SECURE, true));
    HttpResponse<Buffer> r = WebClient.create(vertx).get(port, "127.0.0.1", "/health").send().await(10, TimeUnit.SECONDS);
    assertEquals(SecurityHeaders.STRICT_TRANSPORT_SECURITY, r.getHeader("Strict-Transport-Security"));
  }

  private static HttpResponse<Buffer> login(WebClient client, int port, String token) throws Exception {
    return client.post(port, "127.0.0.1", "/api/auth/login")
      .putHeader("Cookie", "XSRF-TOKEN=" + token).putHeader("X-XSRF-TOKEN", token)
      .sendJsonObject(new JsonObject().put("username", "someone").put("password", "whatever1"))
      .await(20, TimeUnit.SECONDS);
  }

  private static int deploy(Vertx vertx, String secret) throws Exception {
    return deploy(vertx, new JsonObject().put(Settings.CSRF_SECRET, secret));
  }

  private static int deploy(Vertx vertx, JsonObject config) throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0, 0, InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort();
    }
    vertx.deployVerticle(new GatewayVerticle(), new DeploymentOptions().setConfig(config.copy().put(Settings.HTTP_PORT, port)))
      .await(20, TimeUnit.SECONDS);
    return port;
  }
}
