package chat.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import chat.shared.Addresses;
import chat.shared.ErrorCode;
import chat.shared.ServiceError;
import chat.shared.Settings;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Password checks are admitted before any work: one address may have one check in flight here,
 * and the next is refused at once (429) instead of queueing behind it; other addresses go on.
 */
class PasswordWorkTest extends AuthServiceTestBase {

  @Override
  JsonObject extraConfig() {
    // Slow enough hashes (tens of ms) that the requests below, sent at once, overlap.
    return new JsonObject()
      .put(Settings.PASSWORD_ITERATIONS, 200_000)
      .put(Settings.PASSWORD_CHECKS_PER_ADDRESS, 1);
  }

  private Future<JsonObject> loginFrom(String address, String username) {
    return bus.request(Addresses.AUTH_LOGIN, new JsonObject()
      .put("username", username).put("password", PASSWORD).put("client_address", address));
  }

  @Test
  void aSecondConcurrentCheckFromOneAddressIsRefusedAtOnceAndOthersProceed() throws Exception {
    bus.request(Addresses.AUTH_REGISTER, registration("alice")).await(60, TimeUnit.SECONDS);
    List<Future<JsonObject>> crowded = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      crowded.add(loginFrom("10.5.5.5", "alice"));
    }
    Future<JsonObject> elsewhere = loginFrom("10.6.6.6", "alice");
    Future.join(crowded).otherwiseEmpty().await(60, TimeUnit.SECONDS);
    int busy = 0;
    for (Future<JsonObject> attempt : crowded) {
      if (attempt.failed()) {
        ServiceError error = ServiceError.from(attempt.cause());
        assertEquals(ErrorCode.RATE_LIMITED, error.code(), error.getMessage());
        assertEquals(1, error.retryAfterSeconds());
        busy++;
      } else {
        assertEquals("alice", attempt.result().getString("username"));
      }
    }
    assertTrue(busy >= 1, "ten checks at once from one address: all but the running one are refused");
    assertTrue(busy < 10, "the first one ran");
    assertEquals("alice", elsewhere.await(60, TimeUnit.SECONDS).getString("username"));
  }
}
