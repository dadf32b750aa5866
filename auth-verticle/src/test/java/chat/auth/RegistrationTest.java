package chat.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import chat.shared.Addresses;
import chat.shared.ErrorCode;
import chat.shared.ServiceError;
import chat.shared.Times;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxTestContext;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class RegistrationTest extends AuthServiceTestBase {

  @Test
  void registerReturnsTheUserWithoutAnyHashField(VertxTestContext ctx) {
    Instant before = Instant.now().minusSeconds(1);
    register("alice").onComplete(ctx.succeeding(user -> ctx.verify(() -> {
      assertEquals(Set.of("id", "username", "email", "user_type", "date_joined", "is_active"), user.fieldNames());
      assertTrue(user.getLong("id") > 0);
      assertEquals("alice", user.getString("username"));
      assertEquals("alice@example.com", user.getString("email"));
      assertEquals("student", user.getString("user_type"));
      assertEquals(true, user.getBoolean("is_active"));
      String joined = user.getString("date_joined");
      assertTrue(joined.matches("\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}\\.\\d{3}Z"), joined);
      Instant at = Times.parse(joined);
      assertTrue(!at.isBefore(before) && at.isBefore(Instant.now().plus(Duration.ofSeconds(1))), joined);
      assertTrue(!user.encode().contains("pbkdf2") && !user.encode().contains(PASSWORD));
      ctx.completeNow();
    })));
  }

  @Test
  void eachUserTypeCanRegister(VertxTestContext ctx) {
    Future.all(
        register(registration("owner1").put("user_type", "owner")),
        register(registration("student1").put("user_type", "student")),
        register(registration("staff1").put("user_type", "university_staff")))
      .onComplete(ctx.succeeding(all -> ctx.verify(() -> {
        List<String> types = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
          types.add(all.<JsonObject>resultAt(i).getString("user_type"));
        }
        assertEquals(List.of("owner", "student", "university_staff"), types);
        ctx.completeNow();
      })));
  }

  @Test
  void duplicateUsernameIsConflict(VertxTestContext ctx) {
    register("alice")
      .compose(first -> expectError(register("alice"), ErrorCode.CONFLICT))
      .onComplete(ctx.succeeding(error -> ctx.verify(() -> {
        assertEquals("Username is already taken", error.getMessage());
        ctx.completeNow();
      })));
  }

  @Test
  void usernameDifferingOnlyInCaseIsConflict(VertxTestContext ctx) {
    register("Alice")
      .compose(first -> expectError(register("aLICE"), ErrorCode.CONFLICT))
      .onComplete(ctx.succeeding(error -> ctx.verify(() -> {
        assertEquals("Username is already taken", error.getMessage());
        ctx.completeNow();
      })));
  }

  @Test
  void concurrentRegistrationsOfOneNameHaveExactlyOneWinner(VertxTestContext ctx) {
    List<String> spellings = List.of("racer", "Racer", "RACER", "rAcer", "raCer", "racEr", "raceR", "RaCeR");
    List<Future<JsonObject>> attempts = new ArrayList<>();
    for (String name : spellings) {
      attempts.add(register(name));
    }
    Future.join(attempts)
      .transform(ar -> bus.request(Addresses.AUTH_USERS_SEARCH, new JsonObject().put("search", "racer")))
      .onComplete(ctx.succeeding(found -> ctx.verify(() -> {
        long winners = attempts.stream().filter(Future::succeeded).count();
        assertEquals(1, winners, "successful registrations");
        for (Future<JsonObject> attempt : attempts) {
          if (attempt.failed()) {
            assertEquals(ErrorCode.CONFLICT, ServiceError.from(attempt.cause()).code());
          }
        }
        JsonArray users = found.getJsonArray("users");
        assertEquals(1, users.size(), "users stored: " + users);
        ctx.completeNow();
      })));
  }

  @Test
  void usernameShorterThanThreeCharactersIsRejected(VertxTestContext ctx) {
    expectError(register("ab"), ErrorCode.VALIDATION).onComplete(ctx.succeeding(error -> ctx.verify(() -> {
      assertInvalidFields(error, "username");
      ctx.completeNow();
    })));
  }

  @Test
  void usernameLongerThan150CharactersIsRejected(VertxTestContext ctx) {
    expectError(register("a".repeat(151)), ErrorCode.VALIDATION).onComplete(ctx.succeeding(error -> ctx.verify(() -> {
      assertInvalidFields(error, "username");
      ctx.completeNow();
    })));
  }

  @Test
  void usernameOf150UnicodeLettersAndDigitsIsAccepted(VertxTestContext ctx) {
    String name = "Zoë_ü.ñ+5@-" + "ß".repeat(139);
    JsonObject body = registration("placeholder").put("username", name);
    register(body).onComplete(ctx.succeeding(user -> ctx.verify(() -> {
      assertEquals(150, name.length());
      assertEquals(name, user.getString("username"));
      ctx.completeNow();
    })));
  }

  @Test
  void usernameWithSpaceOrPunctuationIsRejected(VertxTestContext ctx) {
    List<Future<ServiceError>> attempts = new ArrayList<>();
    for (String name : List.of("bad name", "bad!name", "bad/name", "bad$name", "tab\tname", "emoji\uD83D\uDE00")) {
      JsonObject body = registration("placeholder").put("username", name);
      attempts.add(expectError(register(body), ErrorCode.VALIDATION));
    }
    Future.all(attempts)
      .onComplete(ctx.succeeding(all -> ctx.verify(() -> {
        for (int i = 0; i < all.size(); i++) {
          assertInvalidFields(all.resultAt(i), "username");
        }
        ctx.completeNow();
      })));
  }

  @Test
  void implausibleEmailsAreRejected(VertxTestContext ctx) {
    List<String> emails = List.of("alice", "alice@example", "alice@", "@example.com", "al ice@example.com",
      "alice@exa mple.com", "alice@@example.com", "alice@example..com", "a@b.c" + "c".repeat(250));
    List<Future<ServiceError>> attempts = new ArrayList<>();
    for (String email : emails) {
      attempts.add(expectError(register(registration("alice").put("email", email)), ErrorCode.VALIDATION));
    }
    Future.all(attempts).onComplete(ctx.succeeding(all -> ctx.verify(() -> {
      for (int i = 0; i < all.size(); i++) {
        assertInvalidFields(all.resultAt(i), "email");
      }
      ctx.completeNow();
    })));
  }

  @Test
  void passwordShorterThanEightCharactersIsRejected(VertxTestContext ctx) {
    expectError(register(registration("alice").put("password", "1234567")), ErrorCode.VALIDATION)
      .onComplete(ctx.succeeding(error -> ctx.verify(() -> {
        assertInvalidFields(error, "password");
        assertEquals("must be at least 8 characters", error.fields().getString("password"));
        ctx.completeNow();
      })));
  }

  @Test
  void passwordLongerThan1024CharactersIsRejected(VertxTestContext ctx) {
    expectError(register(registration("alice").put("password", "p".repeat(1025))), ErrorCode.VALIDATION)
      .onComplete(ctx.succeeding(error -> ctx.verify(() -> {
        assertInvalidFields(error, "password");
        ctx.completeNow();
      })));
  }

  @Test
  void unknownUserTypeIsRejected(VertxTestContext ctx) {
    expectError(register(registration("alice").put("user_type", "admin")), ErrorCode.VALIDATION)
      .onComplete(ctx.succeeding(error -> ctx.verify(() -> {
        assertInvalidFields(error, "user_type");
        assertEquals("must be one of owner, student, university_staff", error.fields().getString("user_type"));
        ctx.completeNow();
      })));
  }

  @Test
  void fieldsOfTheWrongJsonTypeAreEachReported(VertxTestContext ctx) {
    JsonObject body = new JsonObject()
      .put("username", 12345)
      .put("email", true)
      .put("password", new JsonArray().add("correct horse battery"))
      .put("user_type", new JsonObject().put("name", "student"));
    expectError(register(body), ErrorCode.VALIDATION).onComplete(ctx.succeeding(error -> ctx.verify(() -> {
      assertInvalidFields(error, "username", "email", "password", "user_type");
      for (String field : error.fields().fieldNames()) {
        assertEquals("must be a string", error.fields().getString(field));
      }
      ctx.completeNow();
    })));
  }

  @Test
  void missingFieldsAreAllReported(VertxTestContext ctx) {
    expectError(register(new JsonObject()), ErrorCode.VALIDATION).onComplete(ctx.succeeding(error -> ctx.verify(() -> {
      assertInvalidFields(error, "username", "email", "password", "user_type");
      for (String field : error.fields().fieldNames()) {
        assertEquals("is required", error.fields().getString(field));
      }
      ctx.completeNow();
    })));
  }

  @Test
  void severalBadFieldsAreReportedTogether(VertxTestContext ctx) {
    JsonObject body = new JsonObject().put("username", "x").put("email", "nope").put("password", "short");
    expectError(register(body), ErrorCode.VALIDATION).onComplete(ctx.succeeding(error -> ctx.verify(() -> {
      assertInvalidFields(error, "username", "email", "password", "user_type");
      assertEquals("is required", error.fields().getString("user_type"));
      ctx.completeNow();
    })));
  }

  @Test
  void rejectedRegistrationLeavesNothingBehind(VertxTestContext ctx) {
    expectError(register(registration("alice").put("password", "short")), ErrorCode.VALIDATION)
      .compose(rejected -> register("alice"))
      .onComplete(ctx.succeeding(user -> ctx.verify(() -> {
        assertEquals("alice", user.getString("username"));
        ctx.completeNow();
      })));
  }
}
