package chat.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import chat.shared.Addresses;
import chat.shared.ErrorCode;
import chat.shared.ServiceError;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxTestContext;
import java.util.List;
import org.junit.jupiter.api.Test;

class LoginTest extends AuthServiceTestBase {

  @Test
  void loginWithTheRightPasswordReturnsTheUser(VertxTestContext ctx) {
    register("alice")
      .compose(registered -> login("alice", PASSWORD).map(loggedIn -> List.of(registered, loggedIn)))
      .onComplete(ctx.succeeding(both -> ctx.verify(() -> {
        assertEquals(both.get(0), both.get(1));
        assertFalse(both.get(1).containsKey("password_hash"));
        ctx.completeNow();
      })));
  }

  @Test
  void wrongPasswordAndUnknownUserGetTheSameUnauthenticatedAnswer(VertxTestContext ctx) {
    register("alice")
      .compose(registered -> Future.all(
        expectError(login("alice", "wrong password"), ErrorCode.UNAUTHENTICATED),
        expectError(login("nobody", PASSWORD), ErrorCode.UNAUTHENTICATED)))
      .onComplete(ctx.succeeding(both -> ctx.verify(() -> {
        ServiceError wrongPassword = both.resultAt(0);
        ServiceError unknownUser = both.resultAt(1);
        assertEquals("Invalid username or password", wrongPassword.getMessage());
        assertEquals(wrongPassword.getMessage(), unknownUser.getMessage());
        assertEquals(wrongPassword.fields(), unknownUser.fields());
        ctx.completeNow();
      })));
  }

  @Test
  void loginIgnoresTheCaseOfTheUsername(VertxTestContext ctx) {
    register("Alice")
      .compose(registered -> Future.all(login("alice", PASSWORD), login("ALICE", PASSWORD)))
      .onComplete(ctx.succeeding(both -> ctx.verify(() -> {
        for (int i = 0; i < 2; i++) {
          assertEquals("Alice", both.<JsonObject>resultAt(i).getString("username"));
        }
        ctx.completeNow();
      })));
  }

  @Test
  void passwordIsCaseSensitive(VertxTestContext ctx) {
    register("alice")
      .compose(registered -> expectError(login("alice", PASSWORD.toUpperCase()), ErrorCode.UNAUTHENTICATED))
      .onComplete(ctx.succeedingThenComplete());
  }

  @Test
  void loginWithMissingOrNonStringFieldsIsValidation(VertxTestContext ctx) {
    Future.all(
        expectError(bus.request(Addresses.AUTH_LOGIN, new JsonObject()), ErrorCode.VALIDATION),
        expectError(bus.request(Addresses.AUTH_LOGIN,
          new JsonObject().put("username", 42).put("password", false)), ErrorCode.VALIDATION),
        expectError(bus.request(Addresses.AUTH_LOGIN,
          new JsonObject().put("username", "alice")), ErrorCode.VALIDATION))
      .onComplete(ctx.succeeding(all -> ctx.verify(() -> {
        assertInvalidFields(all.resultAt(0), "username", "password");
        assertInvalidFields(all.resultAt(1), "username", "password");
        assertInvalidFields(all.resultAt(2), "password");
        ctx.completeNow();
      })));
  }

  @Test
  void loginWithPasswordLongerThan1024CharactersIsValidation(VertxTestContext ctx) {
    register("alice")
      .compose(registered -> expectError(login("alice", "p".repeat(1025)), ErrorCode.VALIDATION))
      .onComplete(ctx.succeeding(error -> ctx.verify(() -> {
        assertInvalidFields(error, "password");
        ctx.completeNow();
      })));
  }

  @Test
  void overlongUnknownUsernameIsUnauthenticated(VertxTestContext ctx) {
    expectError(login("a".repeat(5000), PASSWORD), ErrorCode.UNAUTHENTICATED)
      .onComplete(ctx.succeedingThenComplete());
  }

  @Test
  void storedHashIsPbkdf2AndNotThePassword(VertxTestContext ctx) {
    register("alice")
      .compose(user -> storedHash("alice"))
      .onComplete(ctx.succeeding(hash -> ctx.verify(() -> {
        assertTrue(hash.startsWith("$pbkdf2$it=" + TEST_ITERATIONS + "$"), hash);
        assertFalse(hash.contains(PASSWORD));
        String[] parts = hash.split("\\$");
        assertEquals(5, parts.length, hash);
        // 32 random salt bytes, 64 bytes of PBKDF2-HMAC-SHA512, both base64 without padding.
        assertEquals(43, parts[3].length(), "salt " + parts[3]);
        assertEquals(86, parts[4].length(), "hash " + parts[4]);
        ctx.completeNow();
      })));
  }

  @Test
  void twoUsersWithTheSamePasswordGetDifferentHashes(VertxTestContext ctx) {
    Future.all(register("alice"), register("bobby"))
      .compose(both -> Future.all(storedHash("alice"), storedHash("bobby")).map(hashes -> hashes.<String>list()))
      .onComplete(ctx.succeeding(hashes -> ctx.verify(() -> {
        assertFalse(hashes.get(0).equals(hashes.get(1)));
        ctx.completeNow();
      })));
  }

  /** Reads the store directly, on a connection of its own: the hash is never served over the bus. */
  private Future<String> storedHash(String username) {
    return committed("SELECT password_hash FROM users WHERE username = ?", username).map(hashes -> {
      assertEquals(1, hashes.size(), "rows for " + username);
      return hashes.get(0);
    });
  }
}
