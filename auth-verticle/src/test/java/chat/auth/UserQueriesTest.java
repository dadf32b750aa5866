package chat.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;

import chat.shared.Addresses;
import chat.shared.ErrorCode;
import chat.shared.ServiceError;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxTestContext;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class UserQueriesTest extends AuthServiceTestBase {

  private Future<JsonObject> search(JsonObject body) {
    return bus.request(Addresses.AUTH_USERS_SEARCH, body);
  }

  private static List<String> usernames(JsonObject reply) {
    return reply.getJsonArray("users").stream()
      .map(u -> ((JsonObject) u).getString("username"))
      .collect(Collectors.toList());
  }

  @Test
  void getUserReturnsTheUserWithIsActive(VertxTestContext ctx) {
    register("alice")
      .compose(user -> bus.request(Addresses.AUTH_USER_GET, new JsonObject().put("id", user.getLong("id")))
        .map(found -> List.of(user, found)))
      .onComplete(ctx.succeeding(both -> ctx.verify(() -> {
        assertEquals(both.get(0), both.get(1));
        assertEquals(true, both.get(1).getBoolean("is_active"));
        ctx.completeNow();
      })));
  }

  @Test
  void getUnknownUserIsNotFound(VertxTestContext ctx) {
    expectError(bus.request(Addresses.AUTH_USER_GET, new JsonObject().put("id", 999)), ErrorCode.NOT_FOUND)
      .onComplete(ctx.succeedingThenComplete());
  }

  @Test
  void getUserWithoutAnIntegerIdIsValidation(VertxTestContext ctx) {
    Future.all(
        expectError(bus.request(Addresses.AUTH_USER_GET, new JsonObject()), ErrorCode.VALIDATION),
        expectError(bus.request(Addresses.AUTH_USER_GET, new JsonObject().put("id", "1")), ErrorCode.VALIDATION),
        expectError(bus.request(Addresses.AUTH_USER_GET, new JsonObject().put("id", 1.5)), ErrorCode.VALIDATION))
      .onComplete(ctx.succeeding(all -> ctx.verify(() -> {
        for (int i = 0; i < all.size(); i++) {
          assertInvalidFields(all.resultAt(i), "id");
        }
        ctx.completeNow();
      })));
  }

  @Test
  void lookupReturnsFoundUsersAndMissingIdsInTheOrderAsked(VertxTestContext ctx) {
    Future.all(register("alice"), register("bobby"))
      .compose(both -> {
        long alice = both.<JsonObject>resultAt(0).getLong("id");
        long bob = both.<JsonObject>resultAt(1).getLong("id");
        JsonArray ids = new JsonArray().add(bob).add(4242).add(alice).add(bob).add(-1);
        return bus.request(Addresses.AUTH_USERS_LOOKUP, new JsonObject().put("ids", ids))
          .map(reply -> reply.put("expected", new JsonArray().add(bob).add(alice)));
      })
      .onComplete(ctx.succeeding(reply -> ctx.verify(() -> {
        JsonArray users = reply.getJsonArray("users");
        assertEquals(2, users.size());
        assertEquals(reply.getJsonArray("expected").getLong(0), users.getJsonObject(0).getLong("id"));
        assertEquals(reply.getJsonArray("expected").getLong(1), users.getJsonObject(1).getLong("id"));
        assertEquals(List.of("bobby", "alice"), usernames(reply));
        assertEquals(new JsonArray().add(4242).add(-1), reply.getJsonArray("missing"));
        ctx.completeNow();
      })));
  }

  @Test
  void lookupOfNoIdsFindsNothing(VertxTestContext ctx) {
    bus.request(Addresses.AUTH_USERS_LOOKUP, new JsonObject().put("ids", new JsonArray()))
      .onComplete(ctx.succeeding(reply -> ctx.verify(() -> {
        assertEquals(new JsonObject().put("users", new JsonArray()).put("missing", new JsonArray()), reply);
        ctx.completeNow();
      })));
  }

  @Test
  void lookupAcceptsAThousandIdsAndRejectsMore(VertxTestContext ctx) {
    JsonArray thousand = new JsonArray(IntStream.rangeClosed(1, 1000).boxed().collect(Collectors.toList()));
    JsonArray tooMany = thousand.copy().add(1001);
    bus.request(Addresses.AUTH_USERS_LOOKUP, new JsonObject().put("ids", thousand))
      .compose(ok -> expectError(bus.request(Addresses.AUTH_USERS_LOOKUP, new JsonObject().put("ids", tooMany)),
        ErrorCode.VALIDATION).map(error -> List.of(ok, error)))
      .onComplete(ctx.succeeding(both -> ctx.verify(() -> {
        assertEquals(1000, ((JsonObject) both.get(0)).getJsonArray("missing").size());
        assertInvalidFields((ServiceError) both.get(1), "ids");
        ctx.completeNow();
      })));
  }

  @Test
  void lookupRejectsNonIntegerIds(VertxTestContext ctx) {
    Future.all(
        expectError(bus.request(Addresses.AUTH_USERS_LOOKUP,
          new JsonObject().put("ids", new JsonArray().add(1).add("2"))), ErrorCode.VALIDATION),
        expectError(bus.request(Addresses.AUTH_USERS_LOOKUP,
          new JsonObject().put("ids", new JsonArray().add(2.5))), ErrorCode.VALIDATION),
        expectError(bus.request(Addresses.AUTH_USERS_LOOKUP,
          new JsonObject().put("ids", "1,2")), ErrorCode.VALIDATION),
        expectError(bus.request(Addresses.AUTH_USERS_LOOKUP, new JsonObject()), ErrorCode.VALIDATION))
      .onComplete(ctx.succeeding(all -> ctx.verify(() -> {
        for (int i = 0; i < all.size(); i++) {
          assertInvalidFields(all.resultAt(i), "ids");
        }
        ctx.completeNow();
      })));
  }

  @Test
  void searchMatchesUsernameOrEmailIgnoringCase(VertxTestContext ctx) {
    Future.all(
        register("Alice"),
        register(registration("bobby").put("email", "bob@ALICEcorp.example")),
        register("carol"))
      .compose(all -> Future.all(List.of(
        search(new JsonObject().put("search", "aLiCe").put("match_email", true)),
        search(new JsonObject().put("search", "CAROL@EXAMPLE").put("match_email", true)),
        search(new JsonObject().put("search", "zzz").put("match_email", true)),
        // Callers that may not see emails do not search them either (no guessing them letter by letter).
        search(new JsonObject().put("search", "aLiCe")),
        search(new JsonObject().put("search", "CAROL@EXAMPLE")))))
      .onComplete(ctx.succeeding(results -> ctx.verify(() -> {
        assertEquals(List.of("Alice", "bobby"), usernames(results.resultAt(0)));
        assertEquals(List.of("carol"), usernames(results.resultAt(1)));
        assertEquals(List.of(), usernames(results.resultAt(2)));
        assertEquals(List.of("Alice"), usernames(results.resultAt(3)));
        assertEquals(List.of(), usernames(results.resultAt(4)));
        ctx.completeNow();
      })));
  }

  @Test
  void searchTreatsLikeWildcardsAsPlainText(VertxTestContext ctx) {
    Future.all(
        register("alice"),
        register(registration("bobby").put("email", "100%bob@example.com")),
        register("under_score"),
        register(registration("backslash").put("email", "back\\slash@example.com")))
      .compose(all -> Future.all(
        search(new JsonObject().put("search", "%").put("match_email", true)),
        search(new JsonObject().put("search", "_").put("match_email", true)),
        search(new JsonObject().put("search", "\\").put("match_email", true)),
        search(new JsonObject().put("search", "a%e").put("match_email", true))))
      .onComplete(ctx.succeeding(results -> ctx.verify(() -> {
        assertEquals(List.of("bobby"), usernames(results.resultAt(0)));
        assertEquals(List.of("under_score"), usernames(results.resultAt(1)));
        assertEquals(List.of("backslash"), usernames(results.resultAt(2)));
        assertEquals(List.of(), usernames(results.resultAt(3)));
        ctx.completeNow();
      })));
  }

  @Test
  void searchWithoutTextListsUsersByUsernameUpToTheLimit(VertxTestContext ctx) {
    List<Future<JsonObject>> registrations = new ArrayList<>();
    for (String name : List.of("delta", "Alpha", "charlie", "bravo", "echo")) {
      registrations.add(register(name));
    }
    Future.all(registrations)
      .compose(all -> Future.all(
        search(new JsonObject()),
        search(new JsonObject().put("limit", 2)),
        search(new JsonObject().put("limit", "3")),
        search(new JsonObject().put("search", "").put("limit", 100))))
      .onComplete(ctx.succeeding(results -> ctx.verify(() -> {
        assertEquals(List.of("Alpha", "bravo", "charlie", "delta", "echo"), usernames(results.resultAt(0)));
        assertEquals(List.of("Alpha", "bravo"), usernames(results.resultAt(1)));
        assertEquals(List.of("Alpha", "bravo", "charlie"), usernames(results.resultAt(2)));
        assertEquals(5, usernames(results.resultAt(3)).size());
        ctx.completeNow();
      })));
  }

  @Test
  void searchDefaultsToTwentyUsers(VertxTestContext ctx) {
    List<Future<JsonObject>> registrations = new ArrayList<>();
    for (int i = 0; i < 25; i++) {
      registrations.add(register(String.format("user%02d", i)));
    }
    Future.all(registrations)
      .compose(all -> search(new JsonObject().put("search", "user")))
      .onComplete(ctx.succeeding(reply -> ctx.verify(() -> {
        List<String> names = usernames(reply);
        assertEquals(20, names.size());
        assertEquals("user00", names.get(0));
        assertEquals("user19", names.get(19));
        ctx.completeNow();
      })));
  }

  @Test
  void searchRejectsLimitOutOfRangeOrNotANumber(VertxTestContext ctx) {
    List<Object> badLimits = List.of(0, 1000, "abc", -1, 101, 2.5, "", true);
    List<Future<ServiceError>> attempts = new ArrayList<>();
    for (Object limit : badLimits) {
      attempts.add(expectError(search(new JsonObject().put("limit", limit)), ErrorCode.VALIDATION));
    }
    Future.all(attempts).onComplete(ctx.succeeding(all -> ctx.verify(() -> {
      for (int i = 0; i < all.size(); i++) {
        assertInvalidFields(all.resultAt(i), "limit");
      }
      ctx.completeNow();
    })));
  }

  @Test
  void searchRejectsNonStringSearch(VertxTestContext ctx) {
    expectError(search(new JsonObject().put("search", 5)), ErrorCode.VALIDATION)
      .onComplete(ctx.succeeding(error -> ctx.verify(() -> {
        assertInvalidFields(error, "search");
        ctx.completeNow();
      })));
  }

  @Test
  void pingAnswersUp(VertxTestContext ctx) {
    bus.request(Addresses.AUTH_PING, new JsonObject()).onComplete(ctx.succeeding(reply -> ctx.verify(() -> {
      assertEquals(new JsonObject().put("status", "UP"), reply);
      ctx.completeNow();
    })));
  }

  @Test
  void failuresNeverKillTheVerticle(VertxTestContext ctx) {
    Future.join(List.of(
        register(new JsonObject().put("username", new JsonArray())),
        login("ghost", "whatever1"),
        bus.request(Addresses.AUTH_USER_GET, new JsonObject().put("id", new JsonObject())),
        bus.request(Addresses.AUTH_USERS_LOOKUP, new JsonObject().put("ids", new JsonArray().addNull())),
        search(new JsonObject().put("limit", "NaN")),
        bus.request(Addresses.AUTH_USER_GET, null)))
      .transform(ar -> register("survivor"))
      .compose(user -> login("survivor", PASSWORD))
      .compose(user -> bus.request(Addresses.AUTH_PING, new JsonObject()))
      .onComplete(ctx.succeeding(reply -> ctx.verify(() -> {
        assertEquals("UP", reply.getString("status"));
        ctx.completeNow();
      })));
  }
}
