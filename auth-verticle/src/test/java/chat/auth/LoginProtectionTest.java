package chat.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
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
 * Failed-login and registration limits, as every gateway meets them over the event bus: counted
 * per account across addresses and per address across accounts, reserved before the hash is
 * checked, refused with the seconds to wait.
 */
class LoginProtectionTest extends AuthServiceTestBase {

  @Override
  JsonObject extraConfig() {
    return new JsonObject()
      .put(Settings.LOGIN_ATTEMPTS_PER_MINUTE, 10)
      .put(Settings.LOGIN_ACCOUNT_FREE_FAILURES, 5)
      .put(Settings.REGISTRATIONS_PER_HOUR, 3);
  }

  private static <T> T await(Future<T> future) throws Exception {
    return future.await(30, TimeUnit.SECONDS);
  }

  private Future<JsonObject> loginFrom(String address, String username, String password) {
    return bus.request(Addresses.AUTH_LOGIN, new JsonObject()
      .put("username", username).put("password", password).put("client_address", address));
  }

  private Future<JsonObject> registerFrom(String address, String username) {
    return bus.request(Addresses.AUTH_REGISTER, registration(username).put("client_address", address));
  }

  /** Every attempt settled; the codes of the failures, in order (null for a success). */
  private static List<ErrorCode> outcomes(List<Future<JsonObject>> attempts) throws Exception {
    Future.join(attempts).otherwiseEmpty().await(60, TimeUnit.SECONDS);
    List<ErrorCode> codes = new ArrayList<>();
    for (Future<JsonObject> attempt : attempts) {
      if (attempt.succeeded()) {
        codes.add(null);
        continue;
      }
      ServiceError error = ServiceError.from(attempt.cause());
      if (error.code() == ErrorCode.RATE_LIMITED) {
        assertTrue(error.retryAfterSeconds() >= 1, "a refusal says when to retry: " + error.getMessage());
      }
      codes.add(error.code());
    }
    return codes;
  }

  private static long count(List<ErrorCode> codes, ErrorCode code) {
    return codes.stream().filter(c -> c == code).count();
  }

  @Test
  void sixtyConcurrentWrongLoginsOnOneAccountFromManyAddressesPassOnlyTheFreeFive() throws Exception {
    await(register("alice"));
    List<Future<JsonObject>> attempts = new ArrayList<>();
    for (int i = 0; i < 60; i++) {
      attempts.add(loginFrom("10.0." + (i / 250) + "." + (i % 250 + 1), "alice", "guess " + i));
    }
    List<ErrorCode> codes = outcomes(attempts);
    assertEquals(5, count(codes, ErrorCode.UNAUTHENTICATED), codes.toString());
    assertEquals(55, count(codes, ErrorCode.RATE_LIMITED), codes.toString());
  }

  @Test
  void foldedSpellingsOfOneAccountShareItsLimit() throws Exception {
    await(register("Émile"));
    List<Future<JsonObject>> attempts = new ArrayList<>();
    String[] spellings = {"Émile", "émile", "E\u0301MILE", "\u00C9\uFF2D\uFF29\uFF2C\uFF25"};
    for (int i = 0; i < 20; i++) {
      attempts.add(loginFrom("10.2.0." + (i + 1), spellings[i % spellings.length], "guess " + i));
    }
    assertEquals(5, count(outcomes(attempts), ErrorCode.UNAUTHENTICATED));
  }

  @Test
  void oneAddressSprayingManyUsernamesIsLimited() throws Exception {
    await(register("alice"));
    List<Future<JsonObject>> attempts = new ArrayList<>();
    for (int i = 0; i < 30; i++) {
      attempts.add(loginFrom("192.0.2.7", i % 3 == 0 ? "alice" : "nobody" + i, "guess " + i));
    }
    List<ErrorCode> codes = outcomes(attempts);
    assertEquals(10, count(codes, ErrorCode.UNAUTHENTICATED), codes.toString());
    assertEquals(20, count(codes, ErrorCode.RATE_LIMITED), codes.toString());
    // Another address is not affected; the account had 4 failures of its 5.
    assertEquals("alice", await(loginFrom("192.0.2.8", "alice", PASSWORD)).getString("username"));
  }

  @Test
  void theRefusalTravelsWithItsRetryAfter() throws Exception {
    for (int i = 0; i < 10; i++) {
      String name = "nobody" + i;
      assertEquals(ErrorCode.UNAUTHENTICATED,
        assertThrows(ServiceError.class, () -> await(loginFrom("198.51.100.1", name, "x"))).code());
    }
    ServiceError refused = assertThrows(ServiceError.class, () -> await(loginFrom("198.51.100.1", "someone", "x")));
    assertEquals(ErrorCode.RATE_LIMITED, refused.code());
    // 10 per minute: the next token in at most 6 s, the account back-off is not the cause here
    assertTrue(refused.retryAfterSeconds() >= 1 && refused.retryAfterSeconds() <= 6, "" + refused.retryAfterSeconds());
  }

  @Test
  void aSuccessEndsTheAccountsStreak() throws Exception {
    await(register("alice"));
    for (int i = 0; i < 4; i++) {
      assertThrows(ServiceError.class, () -> await(loginFrom("203.0.113.1", "alice", "wrong")));
    }
    await(loginFrom("203.0.113.2", "alice", PASSWORD));
    List<Future<JsonObject>> attempts = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      attempts.add(loginFrom("203.0.113." + (10 + i), "alice", "wrong"));
    }
    assertEquals(5, count(outcomes(attempts), ErrorCode.UNAUTHENTICATED), "five free failures again");
  }

  @Test
  void registrationsArePerAddressAndFailedOnesDoNotCount() throws Exception {
    await(registerFrom("10.9.9.9", "first"));
    assertEquals(ErrorCode.CONFLICT,
      assertThrows(ServiceError.class, () -> await(registerFrom("10.9.9.9", "FIRST"))).code());
    await(registerFrom("10.9.9.9", "second"));
    await(registerFrom("10.9.9.9", "third"));
    ServiceError refused = assertThrows(ServiceError.class, () -> await(registerFrom("10.9.9.9", "fourth")));
    assertEquals(ErrorCode.RATE_LIMITED, refused.code());
    assertTrue(refused.retryAfterSeconds() > 60, "3 per hour: about 20 minutes, said " + refused.retryAfterSeconds());
    assertEquals("fourth", await(registerFrom("10.9.9.10", "fourth")).getString("username"));
  }
}
