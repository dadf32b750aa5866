package chat.app;

import chat.testing.TestStack;
import chat.testing.TestClient;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.junit5.VertxExtension;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The XSRF token is the server's, signed with its secret: a made-up one is refused even when
 * cookie and header agree, and the one a client holds keeps working across login.
 */
@ExtendWith(VertxExtension.class)
class CsrfTokenContractTest {

  private static final Base64.Encoder BASE64 = Base64.getUrlEncoder().withoutPadding();

  @TempDir
  static Path dataDir;
  static TestStack stack;
  static WebClient raw;

  @BeforeAll
  static void deploy(Vertx vertx) throws Exception {
    stack = TestStack.deploy(vertx, dataDir, new JsonObject());
    raw = WebClient.create(vertx);
  }

  @AfterAll
  static void undeploy() throws Exception {
    stack.undeploy();
  }

  private static String randomBase64(int bytes) {
    byte[] b = new byte[bytes];
    new SecureRandom().nextBytes(b);
    return BASE64.encodeToString(b);
  }

  private static HttpResponse<Buffer> registerWithToken(String token, String name) throws Exception {
    return raw.post(stack.port, "127.0.0.1", "/api/auth/register")
      .putHeader("Cookie", "XSRF-TOKEN=" + token).putHeader("X-XSRF-TOKEN", token)
      .sendJsonObject(new JsonObject().put("username", name).put("email", name + "@example.org")
        .put("password", "correct horse battery").put("user_type", "student"))
      .await(20, TimeUnit.SECONDS);
  }

  private static String setCookieToken(HttpResponse<Buffer> r) {
    return r.cookies().stream().filter(c -> c.startsWith("XSRF-TOKEN=")).findFirst()
      .map(c -> c.substring("XSRF-TOKEN=".length(), c.indexOf(';'))).orElse(null);
  }

  @Test
  void forgedWellFormedTokenInCookieAndHeaderIsRefusedWithAFreshValidCookie() throws Exception {
    for (String forged : new String[] {
      randomBase64(16) + "." + randomBase64(32),   // the shape of a real token, a made-up MAC
      randomBase64(32),                            // the shape tokens had before they were signed
      "forged"}) {
      HttpResponse<Buffer> r = registerWithToken(forged, TestClient.uniqueName("forge"));
      assertEquals(403, r.statusCode(), forged + ": " + r.bodyAsString());
      assertEquals("csrf", r.bodyAsJsonObject().getJsonObject("error").getString("code"));
      String fresh = setCookieToken(r);
      assertNotNull(fresh, "a refused token is replaced");
      assertNotEquals(forged, fresh);
      assertEquals(201, registerWithToken(fresh, TestClient.uniqueName("fresh")).statusCode(), "the fresh cookie works");
    }
  }

  @Test
  void tokenWithAnotherNonceButACopiedMacIsRefused() throws Exception {
    String real = setCookieToken(stack.client().get("/api/auth/csrf"));
    String spliced = randomBase64(16) + real.substring(real.indexOf('.'));
    assertEquals(403, registerWithToken(spliced, TestClient.uniqueName("splice")).statusCode());
  }

  @Test
  void theTokenAClientHoldsWorksBeforeAndAfterLogin() {
    TestClient c = stack.client();
    c.get("/api/auth/csrf");
    String token = c.cookie("XSRF-TOKEN");
    c.signUp("keep", "student");
    assertEquals(token, c.cookie("XSRF-TOKEN"), "login does not rotate the token");
    c.createChat("after login", c.id());
    HttpResponse<Buffer> logout = c.post("/api/auth/logout", null);
    assertEquals(204, logout.statusCode());
    assertEquals(token, c.cookie("XSRF-TOKEN"));
  }

  @Test
  void twoRequestsInFlightWithOneTokenBothPass() throws Exception {
    TestClient c = stack.client().signUp("twice", "student");
    String token = c.cookie("XSRF-TOKEN");
    var first = c.http.post("/api/chats").putHeader("X-XSRF-TOKEN", token)
      .sendJsonObject(new JsonObject().put("name", "one").put("participant_ids", new io.vertx.core.json.JsonArray()));
    var second = c.http.post("/api/chats").putHeader("X-XSRF-TOKEN", token)
      .sendJsonObject(new JsonObject().put("name", "two").put("participant_ids", new io.vertx.core.json.JsonArray()));
    assertEquals(201, first.await(20, TimeUnit.SECONDS).statusCode());
    assertEquals(201, second.await(20, TimeUnit.SECONDS).statusCode());
  }
}
