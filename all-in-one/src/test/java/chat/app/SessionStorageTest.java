package chat.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import chat.gateway.GatewayVerticle;
import chat.testing.TestClient;
import chat.testing.TestStack;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Only a login puts a session in the gateway's store: requests without a session cookie that
 * succeed (the CSRF token, the OpenAPI document, a logout of nobody, health checks) leave none
 * behind and set no session cookie. Before, every such request left one in memory for the whole
 * session timeout, so a scraper could fill the gateway's memory (or the cluster's).
 */
@ExtendWith(VertxExtension.class)
class SessionStorageTest {

  /** vertx-web's LocalSessionStore keeps its sessions in this local map of the Vert.x instance. */
  private static final String SESSIONS_MAP = "vertx-web.sessions";

  @TempDir
  static Path dataDir;
  static TestStack stack;

  @BeforeAll
  static void deploy(Vertx vertx) throws Exception {
    stack = TestStack.deploy(vertx, dataDir, new JsonObject());
  }

  @AfterAll
  static void undeploy() throws Exception {
    stack.undeploy();
  }

  @Test
  void anonymousRequestsLeaveNoSessionBehind(Vertx vertx) {
    int before = vertx.sharedData().getLocalMap(SESSIONS_MAP).size();
    for (int i = 0; i < 20; i++) {
      TestClient anonymous = stack.client();
      assertEquals(204, anonymous.get("/api/auth/csrf").statusCode());
      assertEquals(200, anonymous.get("/api/openapi.json").statusCode());
      assertEquals(204, anonymous.send(HttpMethod.POST, "/api/auth/logout", null).statusCode());
      assertEquals(200, anonymous.get("/health").statusCode());
      assertEquals(401, anonymous.get("/api/auth/me").statusCode());
      assertNull(anonymous.cookie(GatewayVerticle.SESSION_COOKIE), "no session cookie for an anonymous client");
    }
    assertEquals(before, vertx.sharedData().getLocalMap(SESSIONS_MAP).size());

    TestClient user = stack.client().signUp("kept", "student");
    assertNotNull(user.cookie(GatewayVerticle.SESSION_COOKIE));
    assertEquals(before + 1, vertx.sharedData().getLocalMap(SESSIONS_MAP).size());
    assertEquals(200, user.get("/api/auth/me").statusCode());
  }
}
