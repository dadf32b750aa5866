package chat.app;

import chat.testing.TestStack;
import chat.testing.TestClient;

import static org.junit.jupiter.api.Assertions.assertEquals;

import chat.gateway.GatewayVerticle;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.junit5.VertxExtension;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * A logout racing requests in flight with the same cookie: once the logout has answered, the
 * session stays destroyed whatever those requests do when they finish (single node; the
 * cluster's version is ClusterIT#logoutRacingInFlightRequestsEndsTheSessionOnEveryGateway).
 */
@ExtendWith(VertxExtension.class)
class LogoutRaceTest {

  private static final int ROUNDS = 20;
  private static final int IN_FLIGHT = 6;

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

  @Test
  void logoutRacingInFlightRequestsLeavesTheSessionDestroyed() throws Exception {
    for (int round = 0; round < ROUNDS; round++) {
      TestClient c = stack.client().signUp("race", "student");
      String session = GatewayVerticle.SESSION_COOKIE + "=" + c.cookie(GatewayVerticle.SESSION_COOKIE);
      List<Future<HttpResponse<Buffer>>> requests = new ArrayList<>();
      for (int i = 0; i < IN_FLIGHT; i++) {
        requests.add(inFlight(session, i));
      }
      Future<HttpResponse<Buffer>> logout = c.http.post("/api/auth/logout")
        .putHeader("X-XSRF-TOKEN", c.cookie("XSRF-TOKEN")).send();
      for (int i = 0; i < IN_FLIGHT; i++) {
        requests.add(inFlight(session, i));
      }
      assertEquals(204, logout.await(20, TimeUnit.SECONDS).statusCode(), "round " + round);
      Future.join(new ArrayList<>(requests)).await(20, TimeUnit.SECONDS);

      HttpResponse<Buffer> me = raw.get(stack.port, "127.0.0.1", "/api/auth/me").putHeader("Cookie", session)
        .send().await(20, TimeUnit.SECONDS);
      assertEquals(401, me.statusCode(), "round " + round + ": the logged-out session is still alive");
    }
  }

  /** A request that reads (and so writes back) the session: the chat list, or me. */
  private static Future<HttpResponse<Buffer>> inFlight(String session, int i) {
    return raw.get(stack.port, "127.0.0.1", i % 2 == 0 ? "/api/chats" : "/api/auth/me").putHeader("Cookie", session).send();
  }
}
