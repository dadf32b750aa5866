package chat.app;

import chat.testing.TestStack;
import chat.testing.TestClient;

import chat.testing.BridgeSocket;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.core.Vertx;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.junit5.VertxExtension;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** The owners' administration API under /api/admin, over real HTTP and bridge WebSockets. */
@ExtendWith(VertxExtension.class)
class AdminApiTest {

  private static final String PASSWORD = "correct horse battery";

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

  // ---- helpers -----------------------------------------------------------------------

  private static TestClient owner() {
    return stack.client().signUp("adm_owner", "owner");
  }

  private static TestClient student(String prefix) {
    return stack.client().signUp(prefix, "student");
  }

  /** A 2xx admin answer, never carrying a password or a hash. */
  private static JsonObject ok(HttpResponse<Buffer> r, int status) {
    assertEquals(status, r.statusCode(), () -> "body: " + r.bodyAsString());
    assertNoSecrets(r);
    return status == 204 ? null : r.bodyAsJsonObject();
  }

  private static void assertNoSecrets(HttpResponse<Buffer> r) {
    String body = r.bodyAsString() == null ? "" : r.bodyAsString().toLowerCase();
    assertFalse(body.contains("password"), body);
    assertFalse(body.contains("hash"), body);
    assertFalse(body.contains("pbkdf2"), body);
  }

  private static JsonObject assertError(HttpResponse<Buffer> r, int status, String code) {
    assertEquals(status, r.statusCode(), () -> "body: " + r.bodyAsString());
    assertTrue(r.getHeader("Content-Type").startsWith("application/json"), r.getHeader("Content-Type"));
    JsonObject error = r.bodyAsJsonObject().getJsonObject("error");
    assertNotNull(error, r.bodyAsString());
    assertEquals(code, error.getString("code"));
    assertFalse(error.getString("message").isBlank());
    return error;
  }

  private static void assertInvalid(HttpResponse<Buffer> r, String... fields) {
    JsonObject error = assertError(r, 400, "validation");
    JsonObject present = error.getJsonObject("fields", new JsonObject());
    for (String field : fields) {
      assertTrue(present.containsKey(field), "field " + field + " in " + error);
    }
  }

  private static HttpResponse<Buffer> patch(TestClient c, String path, JsonObject body) {
    return c.send(HttpMethod.PATCH, path, body, true);
  }

  private static JsonObject setUser(TestClient owner, long userId, JsonObject changes) {
    return ok(patch(owner, "/api/admin/users/" + userId, changes), 200);
  }

  private static List<JsonObject> items(JsonObject page, String key) {
    List<JsonObject> list = new ArrayList<>();
    page.getJsonArray(key).forEach(o -> list.add((JsonObject) o));
    return list;
  }

  private static List<Long> ids(List<JsonObject> objects) {
    return objects.stream().map(o -> o.getLong("id")).collect(Collectors.toList());
  }

  private static long auditTotal(TestClient owner) {
    return ok(owner.get("/api/admin/audit"), 200).getLong("total");
  }

  /** The newest audit entries (up to 100). */
  private static List<JsonObject> audit(TestClient owner) {
    return items(ok(owner.get("/api/admin/audit?page_size=100"), 200), "entries");
  }

  private static JsonObject auditEntry(TestClient owner, String action, Predicate<JsonObject> matching) {
    return audit(owner).stream()
      .filter(e -> action.equals(e.getString("action")) && matching.test(e))
      .findFirst()
      .orElseThrow(() -> new AssertionError("no " + action + " entry in " + audit(owner)));
  }



  private static TestClient loginAs(String username) {
    TestClient c = stack.client();
    c.get("/api/auth/csrf");
    HttpResponse<Buffer> r = c.post("/api/auth/login", new JsonObject().put("username", username).put("password", PASSWORD));
    assertEquals(200, r.statusCode(), r.bodyAsString());
    c.user = r.bodyAsJsonObject();
    return c;
  }

  // ---- access ------------------------------------------------------------------------

  /** Every admin route with a plausible request: method, path, body. */
  private static List<Object[]> everyRoute(long userId, long chatId, long messageId) {
    return List.of(
      new Object[] {HttpMethod.GET, "/api/admin/users", null},
      new Object[] {HttpMethod.GET, "/api/admin/users/" + userId, null},
      new Object[] {HttpMethod.PATCH, "/api/admin/users/" + userId, new JsonObject().put("user_type", "owner")},
      new Object[] {HttpMethod.GET, "/api/admin/chats", null},
      new Object[] {HttpMethod.GET, "/api/admin/chats/" + chatId, null},
      new Object[] {HttpMethod.POST, "/api/admin/chats/" + chatId + "/participants", new JsonObject().put("user_id", userId)},
      new Object[] {HttpMethod.DELETE, "/api/admin/chats/" + chatId + "/participants/" + userId, null},
      new Object[] {HttpMethod.DELETE, "/api/admin/chats/" + chatId, null},
      new Object[] {HttpMethod.GET, "/api/admin/messages", null},
      new Object[] {HttpMethod.POST, "/api/admin/messages/bulk-delete", new JsonObject().put("ids", new JsonArray().add(messageId))},
      new Object[] {HttpMethod.GET, "/api/admin/audit", null},
      new Object[] {HttpMethod.GET, "/api/admin/no-such-thing", null});
  }

  @Test
  void nonOwnersGet403AndAnonymousGets401OnEveryAdminRouteAndNothingIsAudited() {
    TestClient owner = owner();
    TestClient studentUser = student("adm_st");
    TestClient staff = stack.client().signUp("adm_staff", "university_staff");
    long chatId = studentUser.createChat("mine", staff.id());
    long messageId = studentUser.sendMessage(chatId, "hello").getLong("id");
    TestClient anonymous = stack.client();
    anonymous.get("/api/auth/csrf");
    long auditBefore = auditTotal(owner);

    for (Object[] route : everyRoute(staff.id(), chatId, messageId)) {
      HttpMethod method = (HttpMethod) route[0];
      String path = (String) route[1];
      for (TestClient nonOwner : List.of(studentUser, staff)) {
        assertError(nonOwner.send(method, path, route[2], true), 403, "forbidden");
      }
      assertError(anonymous.send(method, path, route[2], true), 401, "unauthenticated");
    }

    assertEquals(auditBefore, auditTotal(owner), "refused requests are not audited");
    assertEquals(2, studentUser.get("/api/chats/" + chatId).bodyAsJsonObject().getJsonArray("participants").size());
    assertEquals(1, studentUser.history(chatId, "").size());
    assertEquals("student", studentUser.get("/api/auth/me").bodyAsJsonObject().getString("user_type"));
  }

  @Test
  void unsafeAdminRequestsNeedTheCsrfHeader() {
    TestClient owner = owner();
    TestClient target = student("adm_csrf");
    assertError(owner.send(HttpMethod.PATCH, "/api/admin/users/" + target.id(),
      new JsonObject().put("is_active", false), false), 403, "csrf");
    assertError(owner.send(HttpMethod.POST, "/api/admin/messages/bulk-delete",
      new JsonObject().put("ids", new JsonArray().add(1)), false), 403, "csrf");
    assertEquals(200, target.get("/api/auth/me").statusCode());
  }

  // ---- users -------------------------------------------------------------------------

  @Test
  void usersArePagedFilteredByTypeAndSearchedByNameOrEmail() {
    TestClient owner = owner();
    String tag = "zq" + System.nanoTime();
    List<Long> created = new ArrayList<>();
    String[] types = {"student", "university_staff", "student", "owner", "university_staff"};
    for (int i = 0; i < types.length; i++) {
      TestClient c = stack.client();
      c.get("/api/auth/csrf");
      String name = tag + "_u" + i;
      // user 4's tag is only in its email, in upper case
      String email = (i == 4 ? "x" + i + "." + tag.toUpperCase() : name) + "@example.org";
      HttpResponse<Buffer> r = c.post("/api/auth/register", new JsonObject().put("username", i == 4 ? "other" + System.nanoTime() : name)
        .put("email", email).put("password", PASSWORD).put("user_type", types[i]));
      assertEquals(201, r.statusCode(), r.bodyAsString());
      created.add(r.bodyAsJsonObject().getLong("id"));
    }

    JsonObject all = ok(owner.get("/api/admin/users?search=" + tag.toUpperCase()), 200);
    assertEquals(5, all.getLong("total"));
    assertEquals(1, all.getInteger("page"));
    assertEquals(20, all.getInteger("page_size"));
    assertEquals(created, ids(items(all, "users")), "by id, name or email, case-insensitive");
    for (JsonObject user : items(all, "users")) {
      assertEquals(Set.of("id", "username", "email", "user_type", "date_joined", "is_active"), user.fieldNames());
      assertTrue(user.getBoolean("is_active"));
    }

    JsonObject page2 = ok(owner.get("/api/admin/users?search=" + tag + "&page=2&page_size=2"), 200);
    assertEquals(created.subList(2, 4), ids(items(page2, "users")));
    assertEquals(5, page2.getLong("total"));
    assertEquals(2, page2.getInteger("page"));
    assertEquals(2, page2.getInteger("page_size"));
    assertEquals(0, items(ok(owner.get("/api/admin/users?search=" + tag + "&page=9"), 200), "users").size());

    JsonObject staff = ok(owner.get("/api/admin/users?search=" + tag + "&user_type=university_staff"), 200);
    assertEquals(List.of(created.get(1), created.get(4)), ids(items(staff, "users")));
    JsonObject owners = ok(owner.get("/api/admin/users?user_type=owner&page_size=100"), 200);
    assertTrue(items(owners, "users").stream().allMatch(u -> "owner".equals(u.getString("user_type"))));
    assertTrue(ids(items(owners, "users")).contains(created.get(3)));

    // LIKE wildcards in the search match only themselves
    assertEquals(0, ok(owner.get("/api/admin/users?search=" + tag + "%25u"), 200).getLong("total"));
    assertEquals(0, ok(owner.get("/api/admin/users?search=zq_" + tag.substring(3)), 200).getLong("total"));
    assertEquals(4, ok(owner.get("/api/admin/users?search=" + tag + "_u"), 200).getLong("total"));

    assertInvalid(owner.get("/api/admin/users?user_type=wizard"), "user_type");
    assertInvalid(owner.get("/api/admin/users?page=0"), "page");
    assertInvalid(owner.get("/api/admin/users?page=abc"), "page");
    assertInvalid(owner.get("/api/admin/users?page_size=101"), "page_size");
    assertInvalid(owner.get("/api/admin/users?page_size=0&page=-1"), "page", "page_size");
  }

  @Test
  void oneUserIsShownAndUpdatedAndRefusedUpdatesChangeNothing() {
    TestClient owner = owner();
    TestClient target = student("adm_one");
    JsonObject shown = ok(owner.get("/api/admin/users/" + target.id()), 200);
    assertEquals(target.user.copy().put("is_active", true), shown);
    assertError(owner.get("/api/admin/users/999999"), 404, "not_found");
    assertError(owner.get("/api/admin/users/abc"), 404, "not_found");

    long auditBefore = auditTotal(owner);
    String path = "/api/admin/users/" + target.id();
    assertInvalid(patch(owner, path, new JsonObject()), "user_type", "is_active");
    assertInvalid(patch(owner, path, new JsonObject().put("username", "renamed")), "user_type");
    assertInvalid(patch(owner, path, new JsonObject().put("user_type", "wizard")), "user_type");
    assertInvalid(patch(owner, path, new JsonObject().put("user_type", 5)), "user_type");
    assertInvalid(patch(owner, path, new JsonObject().put("is_active", "no")), "is_active");
    assertInvalid(patch(owner, path, new JsonObject().putNull("is_active")), "is_active");
    assertError(owner.send(HttpMethod.PATCH, path, "not json", true), 400, "validation");
    assertError(patch(owner, "/api/admin/users/999999", new JsonObject().put("is_active", false)), 404, "not_found");
    // an owner can neither deactivate nor demote itself
    String self = "/api/admin/users/" + owner.id();
    assertInvalid(patch(owner, self, new JsonObject().put("is_active", false)), "is_active");
    assertInvalid(patch(owner, self, new JsonObject().put("user_type", "student")), "user_type");
    assertEquals(auditBefore, auditTotal(owner), "refused updates are not audited");
    assertEquals("owner", ok(owner.get("/api/admin/users/" + owner.id()), 200).getString("user_type"));

    JsonObject updated = setUser(owner, target.id(), new JsonObject().put("user_type", "university_staff"));
    assertEquals("university_staff", updated.getString("user_type"));
    assertEquals(true, updated.getBoolean("is_active"));
    assertEquals(updated, ok(owner.get(path), 200));
    assertEquals("university_staff", target.get("/api/auth/me").bodyAsJsonObject().getString("user_type"),
      "the target's session sees its new type on its next request");

    JsonObject entry = auditEntry(owner, "user.update", e -> ("user:" + target.id()).equals(e.getString("target")));
    assertEquals("auth", entry.getString("service"));
    assertEquals(new JsonObject().put("id", owner.id()).put("username", owner.user.getString("username")), entry.getJsonObject("actor"));
    assertEquals(new JsonObject().put("from", "student").put("to", "university_staff"),
      entry.getJsonObject("details").getJsonObject("changes").getJsonObject("user_type"));
    assertEquals(auditBefore + 1, auditTotal(owner));
  }

  @Test
  void aDemotedOwnerLosesTheAdministrationAtOnceAndAPromotedUserGainsIt() {
    TestClient first = owner();
    TestClient second = owner();
    TestClient promoted = student("adm_promo");
    assertEquals(200, second.get("/api/admin/users").statusCode());
    assertError(promoted.get("/api/admin/users"), 403, "forbidden");

    setUser(first, second.id(), new JsonObject().put("user_type", "student"));
    assertError(second.get("/api/admin/users"), 403, "forbidden");
    assertError(patch(second, "/api/admin/users/" + first.id(), new JsonObject().put("user_type", "student")), 403, "forbidden");
    assertEquals("student", second.get("/api/auth/me").bodyAsJsonObject().getString("user_type"));
    assertEquals("owner", ok(first.get("/api/admin/users/" + first.id()), 200).getString("user_type"));

    setUser(first, promoted.id(), new JsonObject().put("user_type", "owner"));
    assertEquals(200, promoted.get("/api/admin/users").statusCode());
  }

  @Test
  void deactivationEndsSessionsAndSocketsAndLoginUntilReactivated() throws Exception {
    TestClient owner = owner();
    TestClient user = student("adm_deact");
    String username = user.user.getString("username");
    TestClient otherSession = loginAs(username);
    TestClient friend = student("adm_friend");
    long chatId = friend.createChat("with a soon inactive user", user.id());
    try (BridgeSocket userWs = user.bridge()) {
      userWs.subscribe(chatId);

      JsonObject deactivated = setUser(owner, user.id(), new JsonObject().put("is_active", false));
      assertEquals(false, deactivated.getBoolean("is_active"));

      userWs.awaitClosed(5000);
      assertError(user.get("/api/auth/me"), 401, "unauthenticated");
      assertError(user.get("/api/chats"), 401, "unauthenticated");
      // a session that made no request since: its new socket can do nothing and is closed
      try (BridgeSocket late = otherSession.bridge()) {
        late.register("chat." + chatId);
        late.awaitClosed(5000);
        assertTrue(late.drain("chat." + chatId, 100).stream()
          .noneMatch(f -> "rec".equals(f.getString("type"))), "no subscription for an inactive user");
      }
      assertError(otherSession.get("/api/chats/" + chatId), 401, "unauthenticated");
      HttpResponse<Buffer> login = user.post("/api/auth/login", new JsonObject().put("username", username).put("password", PASSWORD));
      assertError(login, 401, "unauthenticated");

      JsonObject listed = items(ok(owner.get("/api/admin/users?search=" + username), 200), "users").get(0);
      assertEquals(false, listed.getBoolean("is_active"));

      setUser(owner, user.id(), new JsonObject().put("is_active", true));
      TestClient again = loginAs(username);
      assertEquals(200, again.get("/api/chats/" + chatId).statusCode());
      JsonObject entry = auditEntry(owner, "user.update", e -> ("user:" + user.id()).equals(e.getString("target")));
      assertEquals(new JsonObject().put("from", false).put("to", true),
        entry.getJsonObject("details").getJsonObject("changes").getJsonObject("is_active"), "newest first");
    }
  }

  // ---- chats -------------------------------------------------------------------------

  @Test
  void chatsArePagedNewestFirstSearchedByNameAndShownWithMessageCounts() {
    TestClient owner = owner();
    TestClient alice = student("adm_ca");
    TestClient bob = student("adm_cb");
    String tag = "qx" + System.nanoTime();
    long first = alice.createChat(tag + " first", bob.id());
    long second = alice.createChat(tag + " second");
    long third = bob.createChat("Third " + tag.toUpperCase(), alice.id());
    alice.sendMessage(first, "one");
    bob.sendMessage(first, "two");
    bob.sendMessage(third, "three");

    JsonObject page = ok(owner.get("/api/admin/chats?search=" + tag), 200);
    assertEquals(3, page.getLong("total"));
    List<JsonObject> chats = items(page, "chats");
    assertEquals(List.of(third, second, first), ids(chats));
    assertEquals(List.of(1L, 0L, 2L), chats.stream().map(c -> c.getLong("message_count")).collect(Collectors.toList()));
    assertEquals(List.of(alice.id(), bob.id()), ids(items(chats.get(2), "participants")));

    JsonObject paged = ok(owner.get("/api/admin/chats?search=" + tag + "&page=2&page_size=2"), 200);
    assertEquals(List.of(first), ids(items(paged, "chats")));
    assertEquals(3, paged.getLong("total"));
    assertEquals(0, ok(owner.get("/api/admin/chats?search=" + tag + "%25"), 200).getLong("total"));
    assertTrue(ok(owner.get("/api/admin/chats?page_size=100"), 200).getLong("total") >= 3);

    JsonObject shown = ok(owner.get("/api/admin/chats/" + first), 200);
    assertEquals(tag + " first", shown.getString("name"));
    assertEquals(2, shown.getLong("message_count"));
    assertEquals(alice.id(), shown.getLong("created_by"));
    assertError(owner.get("/api/admin/chats/999999"), 404, "not_found");
    assertError(owner.get("/api/admin/chats/x1"), 404, "not_found");
    assertInvalid(owner.get("/api/admin/chats?page_size=500"), "page_size");
    assertInvalid(owner.get("/api/admin/chats?page=0"), "page");
  }

  @Test
  void ownerAddsAndRemovesParticipantsWithTheSameEventsAsTheNormalApi() throws Exception {
    TestClient owner = owner();
    TestClient alice = student("adm_pa");
    TestClient bob = student("adm_pb");
    TestClient carol = student("adm_pc");
    long chatId = alice.createChat("managed", bob.id());
    long otherChat = alice.createChat("other", bob.id());
    String events = "chat." + chatId;
    try (BridgeSocket aliceWs = alice.bridge(); BridgeSocket bobWs = bob.bridge()) {
      aliceWs.subscribe(chatId);
      bobWs.subscribe(chatId);
      bobWs.subscribe(otherChat);
      long auditBefore = auditTotal(owner);

      String participants = "/api/admin/chats/" + chatId + "/participants";
      assertInvalid(owner.post(participants, new JsonObject().put("user_id", 999999)), "user_id");
      assertInvalid(owner.post(participants, new JsonObject().put("user_id", "x")), "user_id");
      assertInvalid(owner.post(participants, new JsonObject()), "user_id");
      assertError(owner.post("/api/admin/chats/999999/participants", new JsonObject().put("user_id", carol.id())), 404, "not_found");
      assertError(owner.delete(participants + "/" + carol.id()), 404, "not_found");
      assertError(owner.delete("/api/admin/chats/999999/participants/" + bob.id()), 404, "not_found");
      assertEquals(auditBefore, auditTotal(owner));

      JsonObject added = ok(owner.post(participants, new JsonObject().put("user_id", carol.id())), 200);
      assertEquals(List.of(alice.id(), bob.id(), carol.id()), ids(items(added, "participants")));
      for (BridgeSocket ws : List.of(aliceWs, bobWs)) {
        JsonObject addedEvent = ws.event(events, "participant_added").getJsonObject("body");
        assertEquals(chatId, addedEvent.getLong("chat_id"));
        // the event goes to participants: no email (contract v2, "Privacy of user objects")
        JsonObject carolSeenByParticipants = carol.user.copy();
        carolSeenByParticipants.remove("email");
        assertEquals(carolSeenByParticipants, addedEvent.getJsonObject("user"));
      }
      assertEquals(200, carol.get("/api/chats/" + chatId).statusCode());
      // adding again changes nothing
      assertEquals(3, ok(owner.post(participants, new JsonObject().put("user_id", carol.id())), 200)
        .getJsonArray("participants").size());

      JsonObject removed = ok(owner.delete(participants + "/" + bob.id()), 200);
      assertEquals(List.of(alice.id(), carol.id()), ids(items(removed, "participants")));
      JsonObject removal = bobWs.event(events, "participant_removed").getJsonObject("body");
      assertEquals(bob.id(), removal.getJsonObject("user").getLong("id"));
      aliceWs.event(events, "participant_removed");
      alice.sendMessage(chatId, "after bob left");
      alice.sendMessage(otherChat, "bob still here");
      assertEquals("bob still here", bobWs.event("chat." + otherChat, "message").getJsonObject("body")
        .getJsonObject("message").getString("content"));
      assertTrue(bobWs.drain(events, 300).isEmpty(), "nothing more from the chat bob was removed from");
      assertError(bob.get("/api/chats/" + chatId), 404, "not_found");

      JsonObject addEntry = auditEntry(owner, "chat.participant.add", e -> ("chat:" + chatId).equals(e.getString("target"))
        && e.getJsonObject("details").getBoolean("added"));
      assertEquals("chat", addEntry.getString("service"));
      assertEquals(owner.id(), addEntry.getJsonObject("actor").getLong("id"));
      assertEquals(carol.id(), addEntry.getJsonObject("details").getLong("user_id"));
      JsonObject removeEntry = auditEntry(owner, "chat.participant.remove", e -> ("chat:" + chatId).equals(e.getString("target")));
      assertEquals(bob.id(), removeEntry.getJsonObject("details").getLong("user_id"));
      assertEquals(owner.user.getString("username"), removeEntry.getJsonObject("actor").getString("username"));
      assertEquals(auditBefore + 3, auditTotal(owner));
    }
  }

  @Test
  void deletingAChatTellsItsSocketsThenNothingAndRemovesItsHistory() throws Exception {
    TestClient owner = owner();
    TestClient alice = student("adm_da");
    TestClient bob = student("adm_db");
    long chatId = alice.createChat("doomed", bob.id());
    long kept = alice.createChat("kept", bob.id());
    String events = "chat." + chatId;
    try (BridgeSocket aliceWs = alice.bridge(); BridgeSocket bobWs = bob.bridge()) {
      aliceWs.subscribe(chatId);
      bobWs.subscribe(chatId);
      bobWs.subscribe(kept);
      alice.sendMessage(chatId, "one");
      bob.sendMessage(chatId, "two");
      for (BridgeSocket ws : List.of(aliceWs, bobWs)) {
        ws.event(events, "message");
        ws.event(events, "message");
      }

      ok(owner.delete("/api/admin/chats/" + chatId), 204);
      for (BridgeSocket ws : List.of(aliceWs, bobWs)) {
        JsonObject deleted = ws.event(events, "chat_deleted").getJsonObject("body");
        assertEquals(chatId, deleted.getLong("chat_id"));
      }
      assertError(alice.get("/api/chats/" + chatId + "/messages"), 404, "not_found");
      assertError(alice.get("/api/chats/" + chatId), 404, "not_found");
      assertError(alice.post("/api/chats/" + chatId + "/messages", new JsonObject().put("content", "x")), 404, "not_found");
      assertTrue(alice.get("/api/chats").bodyAsJsonObject().getJsonArray("chats").stream()
        .noneMatch(c -> ((JsonObject) c).getLong("id") == chatId));
      String reply = aliceWs.send(events + ".send", new JsonObject().put("content", "still?"), null);
      assertEquals("access_denied", aliceWs.refusal().getString("body"));
      aliceWs.register(events);
      assertEquals("access_denied", aliceWs.refusal().getString("body"));
      assertTrue(aliceWs.drain(reply, 100).isEmpty());
      assertTrue(aliceWs.drain(events, 300).isEmpty(), "nothing more from a deleted chat");
      assertTrue(bobWs.drain(events, 0).isEmpty());

      alice.sendMessage(kept, "life goes on");
      assertEquals("life goes on", bobWs.event("chat." + kept, "message").getJsonObject("body")
        .getJsonObject("message").getString("content"));

      assertError(owner.get("/api/admin/chats/" + chatId), 404, "not_found");
      assertEquals(0, ok(owner.get("/api/admin/messages?chat_id=" + chatId), 200).getLong("total"));
      assertError(owner.delete("/api/admin/chats/" + chatId), 404, "not_found");
      assertError(owner.delete("/api/admin/chats/abc"), 404, "not_found");

      JsonObject entry = auditEntry(owner, "chat.delete", e -> ("chat:" + chatId).equals(e.getString("target")));
      assertEquals("doomed", entry.getJsonObject("details").getString("name"));
      assertEquals(2, entry.getJsonObject("details").getLong("message_count"));
      assertEquals(owner.id(), entry.getJsonObject("actor").getLong("id"));
    }
  }

  // ---- messages ----------------------------------------------------------------------

  @Test
  void messagesAreListedAcrossChatsNewestFirstWithFilters() throws Exception {
    TestClient owner = owner();
    TestClient alice = student("adm_ma");
    TestClient bob = student("adm_mb");
    long chatId = alice.createChat("filtered", bob.id());
    long otherChat = bob.createChat("elsewhere", alice.id());
    List<JsonObject> sent = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      sent.add((i % 2 == 0 ? alice : bob).sendMessage(chatId, "m" + i));
      Thread.sleep(3);
    }
    JsonObject elsewhere = bob.sendMessage(otherChat, "elsewhere");

    JsonObject inChat = ok(owner.get("/api/admin/messages?chat_id=" + chatId), 200);
    assertEquals(5, inChat.getLong("total"));
    List<JsonObject> listed = items(inChat, "messages");
    List<JsonObject> newestFirst = new ArrayList<>(sent);
    java.util.Collections.reverse(newestFirst);
    assertEquals(newestFirst, listed, "contract message objects, newest first");

    JsonObject bySender = ok(owner.get("/api/admin/messages?sender_id=" + bob.id()), 200);
    assertEquals(List.of(elsewhere.getLong("id"), sent.get(3).getLong("id"), sent.get(1).getLong("id")),
      ids(items(bySender, "messages")));
    JsonObject both = ok(owner.get("/api/admin/messages?sender_id=" + bob.id() + "&chat_id=" + chatId), 200);
    assertEquals(List.of(sent.get(3).getLong("id"), sent.get(1).getLong("id")), ids(items(both, "messages")));

    String from = sent.get(1).getString("created_at");
    String to = sent.get(3).getString("created_at");
    JsonObject window = ok(owner.get("/api/admin/messages?chat_id=" + chatId + "&from=" + from + "&to=" + to), 200);
    assertEquals(List.of(sent.get(2).getLong("id"), sent.get(1).getLong("id")), ids(items(window, "messages")),
      "from is inclusive, to exclusive");
    JsonObject since = ok(owner.get("/api/admin/messages?chat_id=" + chatId + "&from=" + to), 200);
    assertEquals(List.of(sent.get(4).getLong("id"), sent.get(3).getLong("id")), ids(items(since, "messages")));

    JsonObject paged = ok(owner.get("/api/admin/messages?chat_id=" + chatId + "&page=2&page_size=2"), 200);
    assertEquals(List.of(sent.get(2).getLong("id"), sent.get(1).getLong("id")), ids(items(paged, "messages")));
    assertEquals(5, paged.getLong("total"));

    assertInvalid(owner.get("/api/admin/messages?from=yesterday"), "from");
    assertInvalid(owner.get("/api/admin/messages?to=2026-13-01T00:00:00Z"), "to");
    assertInvalid(owner.get("/api/admin/messages?from=" + to + "&to=" + from), "to");
    assertInvalid(owner.get("/api/admin/messages?from=" + to + "&to=" + to), "to");
    assertInvalid(owner.get("/api/admin/messages?chat_id=abc"), "chat_id");
    assertInvalid(owner.get("/api/admin/messages?sender_id=-3"), "sender_id");
    assertInvalid(owner.get("/api/admin/messages?page_size=0"), "page_size");
  }

  @Test
  void bulkDeleteRemovesTheMessagesAndTellsEachChatsSockets() throws Exception {
    TestClient owner = owner();
    TestClient alice = student("adm_ba");
    TestClient bob = student("adm_bb");
    long chatId = alice.createChat("pruned", bob.id());
    long otherChat = alice.createChat("also pruned", bob.id());
    List<Long> ids = new ArrayList<>();
    try (BridgeSocket aliceWs = alice.bridge(); BridgeSocket bobWs = bob.bridge()) {
      aliceWs.subscribe(chatId);
      bobWs.subscribe(chatId);
      bobWs.subscribe(otherChat);
      for (int i = 0; i < 5; i++) {
        ids.add(alice.sendMessage(chatId, "m" + i).getLong("id"));
      }
      long otherMessage = bob.sendMessage(otherChat, "other").getLong("id");
      for (int i = 0; i < 5; i++) {
        aliceWs.event("chat." + chatId, "message");
        bobWs.event("chat." + chatId, "message");
      }
      bobWs.event("chat." + otherChat, "message");
      long auditBefore = auditTotal(owner);

      String bulk = "/api/admin/messages/bulk-delete";
      assertInvalid(owner.post(bulk, new JsonObject()), "ids");
      assertInvalid(owner.post(bulk, new JsonObject().put("ids", new JsonArray())), "ids");
      assertInvalid(owner.post(bulk, new JsonObject().put("ids", "1,2")), "ids");
      assertInvalid(owner.post(bulk, new JsonObject().put("ids", new JsonArray().add("1"))), "ids");
      assertInvalid(owner.post(bulk, new JsonObject().put("ids", new JsonArray().add(0))), "ids");
      assertInvalid(owner.post(bulk, new JsonObject().put("ids", new JsonArray().add(1.5))), "ids");
      JsonArray tooMany = new JsonArray();
      for (int i = 1; i <= 501; i++) {
        tooMany.add(i);
      }
      assertInvalid(owner.post(bulk, new JsonObject().put("ids", tooMany)), "ids");
      assertEquals(auditBefore, auditTotal(owner));
      assertEquals(5, alice.history(chatId, "").size());

      JsonArray doomed = new JsonArray().add(ids.get(0)).add(ids.get(2)).add(999999999).add(otherMessage).add(ids.get(2));
      assertEquals(new JsonObject().put("deleted", 3), ok(owner.post(bulk, new JsonObject().put("ids", doomed)), 200));

      for (BridgeSocket ws : List.of(aliceWs, bobWs)) {
        List<Long> deleted = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
          JsonObject event = ws.event("chat." + chatId, "message_deleted").getJsonObject("body");
          assertEquals(chatId, event.getLong("chat_id"));
          deleted.add(event.getLong("message_id"));
        }
        assertEquals(List.of(ids.get(0), ids.get(2)), deleted);
        assertTrue(ws.drain("chat." + chatId, 200).isEmpty(), "one event per deleted message");
      }
      JsonObject otherEvent = bobWs.event("chat." + otherChat, "message_deleted").getJsonObject("body");
      assertEquals(otherMessage, otherEvent.getLong("message_id"));

      assertEquals(List.of(ids.get(1), ids.get(3), ids.get(4)), alice.history(chatId, "").stream()
        .map(m -> ((JsonObject) m).getLong("id")).collect(Collectors.toList()));
      assertEquals(0, alice.history(otherChat, "").size());
      assertEquals(new JsonObject().put("deleted", 0),
        ok(owner.post(bulk, new JsonObject().put("ids", new JsonArray().add(ids.get(0)))), 200));

      JsonObject entry = auditEntry(owner, "messages.delete",
        e -> e.getJsonObject("details").getJsonArray("ids").size() == 3);
      assertEquals(Set.of(ids.get(0), ids.get(2), otherMessage),
        entry.getJsonObject("details").getJsonArray("ids").stream().map(o -> ((Number) o).longValue()).collect(Collectors.toSet()));
      assertEquals(owner.id(), entry.getJsonObject("actor").getLong("id"));
    }
  }

  // ---- audit -------------------------------------------------------------------------

  @Test
  void auditMergesBothServicesNewestFirstWithPaging() throws Exception {
    TestClient owner = owner();
    TestClient target = student("adm_au");
    long chatId = target.createChat("audited");
    long messageId = target.sendMessage(chatId, "x").getLong("id");
    setUser(owner, target.id(), new JsonObject().put("user_type", "university_staff"));
    Thread.sleep(5);
    ok(owner.post("/api/admin/messages/bulk-delete", new JsonObject().put("ids", new JsonArray().add(messageId))), 200);
    Thread.sleep(5);
    setUser(owner, target.id(), new JsonObject().put("user_type", "student"));

    JsonObject page = ok(owner.get("/api/admin/audit?page_size=3"), 200);
    assertEquals(1, page.getInteger("page"));
    assertEquals(3, page.getInteger("page_size"));
    List<JsonObject> entries = items(page, "entries");
    assertEquals(List.of("user.update", "messages.delete", "user.update"),
      entries.stream().map(e -> e.getString("action")).collect(Collectors.toList()));
    assertEquals(List.of("auth", "chat", "auth"), entries.stream().map(e -> e.getString("service")).collect(Collectors.toList()));
    for (JsonObject entry : entries) {
      assertEquals(Set.of("id", "service", "actor", "action", "target", "details", "created_at"), entry.fieldNames());
      assertEquals(owner.id(), entry.getJsonObject("actor").getLong("id"));
    }
    List<String> times = entries.stream().map(e -> e.getString("created_at")).collect(Collectors.toList());
    List<String> sorted = new ArrayList<>(times);
    sorted.sort(java.util.Comparator.reverseOrder());
    assertEquals(sorted, times);
    assertEquals("messages", entries.get(1).getString("target"));

    long total = page.getLong("total");
    assertTrue(total >= 3);
    JsonObject second = ok(owner.get("/api/admin/audit?page=2&page_size=1"), 200);
    assertEquals(entries.get(1), items(second, "entries").get(0));
    assertEquals(total, second.getLong("total"));

    assertInvalid(owner.get("/api/admin/audit?page=0"), "page");
    assertInvalid(owner.get("/api/admin/audit?page_size=101"), "page_size");
    assertInvalid(owner.get("/api/admin/audit?page=1000&page_size=100"), "page");
  }
}
