package chat.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.DeploymentOptions;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import io.vertx.junit5.VertxExtension;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The gateway alone: what it answers when the services behind it are missing. */
@ExtendWith(VertxExtension.class)
class GatewayWithoutServicesTest {

  static WebClient client;

  @BeforeAll
  static void deploy(Vertx vertx) throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0, 0, InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort();
    }
    vertx.deployVerticle(new GatewayVerticle(), new DeploymentOptions().setConfig(new JsonObject().put("CHAT_HTTP_PORT", port)))
      .await(20, TimeUnit.SECONDS);
    client = WebClient.create(vertx, new WebClientOptions().setDefaultHost("127.0.0.1").setDefaultPort(port));
  }

  @Test
  void healthIs503WhenServicesDoNotAnswer() throws Exception {
    HttpResponse<Buffer> r = client.get("/health").send().await(10, TimeUnit.SECONDS);
    assertEquals(503, r.statusCode());
    JsonObject body = r.bodyAsJsonObject();
    assertEquals("DOWN", body.getString("status"));
    assertEquals("unavailable", body.getJsonObject("error").getString("code"));
  }

  @Test
  void missingServiceIsA503JsonErrorNotAStackTrace() throws Exception {
    HttpResponse<Buffer> csrf = client.get("/api/auth/csrf").send().await(10, TimeUnit.SECONDS);
    String token = csrf.cookies().get(0).split(";")[0].substring("XSRF-TOKEN=".length());
    HttpResponse<Buffer> r = client.post("/api/auth/login")
      .putHeader("Cookie", "XSRF-TOKEN=" + token).putHeader("X-XSRF-TOKEN", token)
      .sendJsonObject(new JsonObject().put("username", "someone").put("password", "whatever1"))
      .await(20, TimeUnit.SECONDS);
    assertEquals(503, r.statusCode(), r.bodyAsString());
    assertEquals("unavailable", r.bodyAsJsonObject().getJsonObject("error").getString("code"));
    assertFalse(r.bodyAsString().contains("Exception"));
  }

  @Test
  void unknownApiRouteIsA404JsonError() throws Exception {
    HttpResponse<Buffer> r = client.get("/api/auth/no-such-endpoint").send().await(10, TimeUnit.SECONDS);
    assertEquals(404, r.statusCode(), r.bodyAsString());
    assertEquals("not_found", r.bodyAsJsonObject().getJsonObject("error").getString("code"));
    assertTrue(r.getHeader("Content-Type").startsWith("application/json"));
  }
}
