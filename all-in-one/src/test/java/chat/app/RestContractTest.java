package chat.app;

import chat.testing.TestStack;
import chat.testing.TestClient;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.junit5.VertxExtension;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** Every row of the REST table of the contract, its successes and its failures, over real HTTP. */
@ExtendWith(VertxExtension.class)
class RestContractTest {

  private static final Pattern ISO_MILLIS = Pattern.compile("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z");

  @TempDir
  static Path dataDir;
  static TestStack stack;

  @BeforeAll
  static void deploy(Vertx vertx) throws Exception {
    stack = TestStack.deploy(vertx, dataDir, new JsonObject()
      .put("CHAT_MAX_MESSAGE_LENGTH", 100)
      .put("CHAT_MAX_BODY_BYTES", 4096)
      .put("CHAT_LOGIN_ATTEMPTS_PER_MINUTE", 5));
  }

  @AfterAll
  static void undeploy() throws Exception {
    stack.undeploy();
  }

  private static void assertError(HttpResponse<Buffer> r, int status, String code) {
    assertEquals(status, r.statusCode(), () -> "body: " + r.bodyAsString());
    assertTrue(r.getHeader("Content-Type").startsWith("application/json"), r.getHeader("Content-Type"));
    JsonObject error = r.bodyAsJsonObject().getJsonObject("error");
    assertNotNull(error, r.bodyAsString());
    assertEquals(code, error.getString("code"));
    assertFalse(error.getString("message").isBlank());
    assertFalse(r.bodyAsString().contains("Exception"), r.bodyAsString());
  }

  private static void assertUserShape(JsonObject user) {
    assertEquals(List.of("date_joined", "email", "id", "user_type", "username"),
      user.fieldNames().stream().sorted().collect(Collectors.toList()));
    assertTrue(ISO_MILLIS.matcher(user.getString("date_joined")).matches(), user.getString("date_joined"));
  }

  @Test
  void csrfEndpointSetsReadableCookie() {
    TestClient c = stack.client();
    HttpResponse<Buffer> r = c.get("/api/auth/csrf");
    assertEquals(204, r.statusCode());
    String setCookie = r.cookies().stream().filter(s -> s.startsWith("XSRF-TOKEN=")).findFirst().orElse(null);
    assertNotNull(setCookie, "XSRF-TOKEN cookie set");
    assertFalse(setCookie.toLowerCase().contains("httponly"), "readable by scripts");
  }

  @Test
  void unsafeRequestWithoutMatchingXsrfHeaderIsRefused() {
    TestClient c = stack.client();
    c.get("/api/auth/csrf");
    JsonObject body = new JsonObject().put("username", "x").put("password", "y");
    assertError(c.send(HttpMethod.POST, "/api/auth/login", body, false), 403, "csrf");
    HttpResponse<Buffer> wrong = c.http.post("/api/auth/login").putHeader("X-XSRF-TOKEN", "forged")
      .sendJsonObject(body).await();
    assertError(wrong, 403, "csrf");
    TestClient fresh = stack.client();
    assertError(fresh.send(HttpMethod.POST, "/api/auth/register", body, true), 403, "csrf");
  }

  @Test
  void registerReturnsUserWithoutPassword() {
    TestClient c = stack.client();
    c.get("/api/auth/csrf");
    String name = TestClient.uniqueName("reg");
    HttpResponse<Buffer> r = c.post("/api/auth/register", new JsonObject().put("username", name)
      .put("email", name + "@uni.example").put("password", "long enough").put("user_type", "university_staff"));
    assertEquals(201, r.statusCode(), r.bodyAsString());
    JsonObject user = r.bodyAsJsonObject();
    assertUserShape(user);
    assertEquals(name, user.getString("username"));
    assertEquals("university_staff", user.getString("user_type"));
    assertFalse(r.bodyAsString().contains("long enough"));
  }

  @Test
  void registerValidationNamesEachField() {
    TestClient c = stack.client();
    c.get("/api/auth/csrf");
    HttpResponse<Buffer> r = c.post("/api/auth/register", new JsonObject().put("username", "a b")
      .put("email", "not-an-email").put("password", "short").put("user_type", "wizard"));
    assertError(r, 400, "validation");
    JsonObject fields = r.bodyAsJsonObject().getJsonObject("error").getJsonObject("fields");
    for (String f : List.of("username", "email", "password", "user_type")) {
      assertTrue(fields.containsKey(f), "field " + f + " in " + fields);
    }
  }

  @Test
  void registerTakenUsernameConflicts() {
    TestClient c = stack.client();
    c.get("/api/auth/csrf");
    String name = TestClient.uniqueName("dup");
    JsonObject body = new JsonObject().put("username", name).put("email", name + "@x.org")
      .put("password", "long enough").put("user_type", "student");
    assertEquals(201, c.post("/api/auth/register", body).statusCode());
    assertError(c.post("/api/auth/register", body), 409, "conflict");
  }

  @Test
  void malformedAndMistypedBodiesAreValidationErrors() {
    TestClient c = stack.client();
    c.get("/api/auth/csrf");
    assertError(c.post("/api/auth/register", "{not json"), 400, "validation");
    assertError(c.post("/api/auth/register", "[1,2]"), 400, "validation");
    assertError(c.post("/api/auth/register", new JsonObject().put("username", 42)
      .put("email", true).put("password", 12345678).put("user_type", "student")), 400, "validation");
  }

  @Test
  void loginIssuesNewSessionAndLogoutDestroysIt() {
    TestClient c = stack.client();
    c.get("/api/auth/csrf");
    String name = TestClient.uniqueName("sess");
    c.post("/api/auth/register", new JsonObject().put("username", name).put("email", name + "@x.org")
      .put("password", "long enough").put("user_type", "student"));
    // an anonymous session exists before login (fixation attempt)
    c.http.cookieStore().put(cookie("chat.session", "attacker-chosen-id"));
    HttpResponse<Buffer> login = c.post("/api/auth/login", new JsonObject().put("username", name).put("password", "long enough"));
    assertEquals(200, login.statusCode(), login.bodyAsString());
    assertUserShape(login.bodyAsJsonObject());
    String session = c.cookie("chat.session");
    assertNotNull(session);
    assertNotEquals("attacker-chosen-id", session);
    String setCookie = login.cookies().stream().filter(s -> s.startsWith("chat.session=")).findFirst().orElseThrow();
    assertTrue(setCookie.toLowerCase().contains("httponly"), setCookie);
    assertTrue(setCookie.toLowerCase().contains("samesite=lax"), setCookie);

    assertEquals(200, c.get("/api/auth/me").statusCode());
    assertEquals(name, c.get("/api/auth/me").bodyAsJsonObject().getString("username"));

    // the same session cookie replayed by someone else after logout is worthless
    TestClient thief = stack.client();
    thief.http.cookieStore().put(cookie("chat.session", session));
    assertEquals(200, thief.get("/api/auth/me").statusCode());

    assertEquals(204, c.post("/api/auth/logout", null).statusCode());
    assertError(c.get("/api/auth/me"), 401, "unauthenticated");
    assertError(thief.get("/api/auth/me"), 401, "unauthenticated");
  }

  @Test
  void unknownUserAndWrongPasswordGetTheSameAnswer() {
    TestClient c = stack.client().signUp("pw", "student");
    TestClient other = stack.client();
    other.get("/api/auth/csrf");
    HttpResponse<Buffer> wrong = other.post("/api/auth/login",
      new JsonObject().put("username", c.user.getString("username")).put("password", "not the password"));
    HttpResponse<Buffer> unknown = other.post("/api/auth/login",
      new JsonObject().put("username", "nobody_" + System.nanoTime()).put("password", "not the password"));
    assertError(wrong, 401, "unauthenticated");
    assertError(unknown, 401, "unauthenticated");
    assertEquals(wrong.bodyAsJsonObject(), unknown.bodyAsJsonObject());
  }

  @Test
  void repeatedFailedLoginsAreRateLimited() {
    TestClient c = stack.client().signUp("brute", "student");
    // An address of its own: the limit counts every failure from an address, and other tests
    // of this class fail logins from 127.0.0.1.
    TestClient attacker = stack.clientFrom("127.0.0.61");
    attacker.get("/api/auth/csrf");
    JsonObject bad = new JsonObject().put("username", c.user.getString("username")).put("password", "guess guess");
    int limited = 0;
    for (int i = 0; i < 8; i++) {
      HttpResponse<Buffer> r = attacker.post("/api/auth/login", bad);
      if (r.statusCode() == 429) {
        assertError(r, 429, "rate_limited");
        limited++;
      } else {
        assertEquals(401, r.statusCode());
      }
    }
    assertEquals(3, limited, "5 failures allowed per minute, then 429");
    // even the right password is refused while limited: the limit is on the account and the address
    HttpResponse<Buffer> right = attacker.post("/api/auth/login",
      new JsonObject().put("username", c.user.getString("username")).put("password", "correct horse battery"));
    assertError(right, 429, "rate_limited");
  }

  @Test
  void anonymousCallsAreUnauthenticated() {
    TestClient c = stack.client();
    c.get("/api/auth/csrf");
    assertError(c.get("/api/auth/me"), 401, "unauthenticated");
    assertError(c.get("/api/users?search=a"), 401, "unauthenticated");
    assertError(c.get("/api/chats"), 401, "unauthenticated");
    assertError(c.post("/api/chats", new JsonObject().put("name", "x")), 401, "unauthenticated");
    assertError(c.get("/api/chats/1/messages"), 401, "unauthenticated");
    assertEquals(204, c.post("/api/auth/logout", null).statusCode());
  }

  @Test
  void userSearchFindsPeopleToAdd() {
    TestClient a = stack.client().signUp("searcher", "student");
    TestClient b = stack.client().signUp("findme", "university_staff");
    HttpResponse<Buffer> r = a.get("/api/users?search=" + b.user.getString("username") + "&limit=5");
    assertEquals(200, r.statusCode(), r.bodyAsString());
    JsonArray users = r.bodyAsJsonObject().getJsonArray("users");
    assertEquals(1, users.size());
    // contract v2: other people's user objects carry no email
    assertEquals(List.of("date_joined", "id", "user_type", "username"),
      users.getJsonObject(0).fieldNames().stream().sorted().collect(Collectors.toList()));
    assertEquals(b.id(), users.getJsonObject(0).getLong("id"));
    assertError(a.get("/api/users?limit=abc"), 400, "validation");
  }

  @Test
  void chatLifecycleFollowsTheContract() {
    TestClient alice = stack.client().signUp("alice", "student");
    TestClient bob = stack.client().signUp("bob", "student");
    TestClient carol = stack.client().signUp("carol", "student");

    HttpResponse<Buffer> created = alice.post("/api/chats",
      new JsonObject().put("name", "Study group").put("participant_ids", new JsonArray().add(bob.id())));
    assertEquals(201, created.statusCode(), created.bodyAsString());
    JsonObject chat = created.bodyAsJsonObject();
    long chatId = chat.getLong("id");
    assertEquals("Study group", chat.getString("name"));
    assertEquals(alice.id(), chat.getLong("created_by"));
    assertTrue(ISO_MILLIS.matcher(chat.getString("created_at")).matches());
    assertEquals(List.of(alice.id(), bob.id()), participantIds(chat));
    // Participants see each other without emails (contract v2, "Privacy of user objects").
    chat.getJsonArray("participants").forEach(p -> assertEquals(List.of("date_joined", "id", "user_type", "username"),
      ((JsonObject) p).fieldNames().stream().sorted().collect(Collectors.toList())));

    assertEquals(200, bob.get("/api/chats/" + chatId).statusCode());
    assertError(carol.get("/api/chats/" + chatId), 404, "not_found");
    assertError(carol.get("/api/chats/999999"), 404, "not_found");
    assertError(carol.get("/api/chats/" + chatId + "/messages"), 404, "not_found");
    assertError(carol.post("/api/chats/" + chatId + "/messages", new JsonObject().put("content", "hi")), 404, "not_found");
    assertError(carol.post("/api/chats/" + chatId + "/participants", new JsonObject().put("user_id", carol.id())), 404, "not_found");
    assertError(carol.get("/api/chats/abc"), 404, "not_found");

    // add: 200 chat; adding again changes nothing
    HttpResponse<Buffer> added = bob.post("/api/chats/" + chatId + "/participants", new JsonObject().put("user_id", carol.id()));
    assertEquals(200, added.statusCode(), added.bodyAsString());
    assertEquals(List.of(alice.id(), bob.id(), carol.id()), participantIds(added.bodyAsJsonObject()));
    assertEquals(200, bob.post("/api/chats/" + chatId + "/participants", new JsonObject().put("user_id", carol.id())).statusCode());
    assertEquals(3, participantIds(alice.get("/api/chats/" + chatId).bodyAsJsonObject()).size());
    assertError(bob.post("/api/chats/" + chatId + "/participants", new JsonObject().put("user_id", 987654321)), 400, "validation");
    assertError(bob.post("/api/chats/" + chatId + "/participants", new JsonObject().put("user_id", "x")), 400, "validation");

    // remove: someone else's removal by a plain participant is forbidden; leaving is allowed; creator removes anyone
    assertError(carol.delete("/api/chats/" + chatId + "/participants/" + bob.id()), 403, "forbidden");
    HttpResponse<Buffer> left = carol.delete("/api/chats/" + chatId + "/participants/" + carol.id());
    assertEquals(200, left.statusCode(), left.bodyAsString());
    assertError(carol.get("/api/chats/" + chatId), 404, "not_found");
    HttpResponse<Buffer> removed = alice.delete("/api/chats/" + chatId + "/participants/" + bob.id());
    assertEquals(200, removed.statusCode());
    assertEquals(List.of(alice.id()), participantIds(removed.bodyAsJsonObject()));
    assertError(alice.delete("/api/chats/" + chatId + "/participants/" + bob.id()), 404, "not_found");
  }

  @Test
  void ownerMayRemoveAnyoneFromAChatTheyAreIn() {
    TestClient creator = stack.client().signUp("creator", "student");
    TestClient member = stack.client().signUp("member", "student");
    TestClient owner = stack.client().signUp("owner", "owner");
    long chatId = creator.createChat("with owner", member.id(), owner.id());
    assertEquals(200, owner.delete("/api/chats/" + chatId + "/participants/" + member.id()).statusCode());
    assertEquals(200, owner.delete("/api/chats/" + chatId + "/participants/" + creator.id()).statusCode());
  }

  @Test
  void createChatValidation() {
    TestClient alice = stack.client().signUp("creator_v", "student");
    assertError(alice.post("/api/chats", new JsonObject().put("name", "   ")), 400, "validation");
    assertError(alice.post("/api/chats", new JsonObject().put("name", 5)), 400, "validation");
    assertError(alice.post("/api/chats", new JsonObject().put("name", "ok").put("participant_ids", new JsonArray().add(123456789))), 400, "validation");
    assertError(alice.post("/api/chats", new JsonObject().put("name", "ok").put("participant_ids", "1,2")), 400, "validation");
    HttpResponse<Buffer> solo = alice.post("/api/chats", new JsonObject().put("name", "just me"));
    assertEquals(201, solo.statusCode(), solo.bodyAsString());
    assertEquals(List.of(alice.id()), participantIds(solo.bodyAsJsonObject()));
  }

  @Test
  void chatListIsMostRecentActivityFirst() {
    TestClient alice = stack.client().signUp("lister", "student");
    long first = alice.createChat("first");
    long second = alice.createChat("second");
    alice.sendMessage(first, "bump");
    JsonArray chats = alice.get("/api/chats").bodyAsJsonObject().getJsonArray("chats");
    assertEquals(2, chats.size());
    assertEquals(first, chats.getJsonObject(0).getLong("id"));
    assertEquals(second, chats.getJsonObject(1).getLong("id"));
  }

  @Test
  void messagesPageChronologicallyWithHasMore() {
    TestClient alice = stack.client().signUp("pager", "student");
    long chatId = alice.createChat("paging");
    long[] ids = new long[7];
    for (int i = 0; i < 7; i++) {
      ids[i] = alice.sendMessage(chatId, "m" + i).getLong("id");
    }
    JsonObject newest = alice.get("/api/chats/" + chatId + "/messages?limit=3").bodyAsJsonObject();
    assertEquals(List.of(ids[4], ids[5], ids[6]), messageIds(newest));
    assertTrue(newest.getBoolean("has_more"));
    JsonObject older = alice.get("/api/chats/" + chatId + "/messages?limit=3&before=" + ids[4]).bodyAsJsonObject();
    assertEquals(List.of(ids[1], ids[2], ids[3]), messageIds(older));
    assertTrue(older.getBoolean("has_more"));
    JsonObject oldest = alice.get("/api/chats/" + chatId + "/messages?limit=3&before=" + ids[1]).bodyAsJsonObject();
    assertEquals(List.of(ids[0]), messageIds(oldest));
    assertFalse(oldest.getBoolean("has_more"));
    JsonObject after = alice.get("/api/chats/" + chatId + "/messages?limit=4&after=" + ids[2]).bodyAsJsonObject();
    assertEquals(List.of(ids[3], ids[4], ids[5], ids[6]), messageIds(after));
    assertFalse(after.getBoolean("has_more"));
    JsonObject all = alice.get("/api/chats/" + chatId + "/messages").bodyAsJsonObject();
    assertEquals(7, all.getJsonArray("messages").size());
    assertFalse(all.getBoolean("has_more"));
    assertError(alice.get("/api/chats/" + chatId + "/messages?limit=0"), 400, "validation");
    assertError(alice.get("/api/chats/" + chatId + "/messages?limit=201"), 400, "validation");
    assertError(alice.get("/api/chats/" + chatId + "/messages?before=x"), 400, "validation");
  }

  @Test
  void messageShapeAndSenderFromSession() {
    TestClient alice = stack.client().signUp("sender", "university_staff");
    TestClient bob = stack.client().signUp("spoofed", "student");
    long chatId = alice.createChat("shape", bob.id());
    HttpResponse<Buffer> r = alice.post("/api/chats/" + chatId + "/messages", new JsonObject()
      .put("content", "hello").put("sender", new JsonObject().put("id", bob.id())).put("sender_id", bob.id()));
    assertEquals(201, r.statusCode(), r.bodyAsString());
    JsonObject m = r.bodyAsJsonObject();
    assertEquals(List.of("attachments", "chat_id", "content", "created_at", "edited_at", "id", "reactions", "sender", "seq"),
      m.fieldNames().stream().sorted().collect(Collectors.toList()));
    assertEquals(chatId, m.getLong("chat_id"));
    assertEquals(new JsonObject().put("id", alice.id()).put("username", alice.user.getString("username"))
      .put("user_type", "university_staff"), m.getJsonObject("sender"));
    assertTrue(ISO_MILLIS.matcher(m.getString("created_at")).matches());
  }

  @Test
  void badMessagesAreRefusedAndNothingIsStored() {
    TestClient alice = stack.client().signUp("badmsg", "student");
    long chatId = alice.createChat("bad input");
    String path = "/api/chats/" + chatId + "/messages";
    assertError(alice.post(path, "{\"content\": "), 400, "validation");
    assertError(alice.post(path, new JsonObject().put("content", 42)), 400, "validation");
    assertError(alice.post(path, new JsonObject().put("content", new JsonObject())), 400, "validation");
    assertError(alice.post(path, new JsonObject()), 400, "validation");
    assertError(alice.post(path, new JsonObject().put("content", "")), 400, "validation");
    assertError(alice.post(path, new JsonObject().put("content", " \n\t ")), 400, "validation");
    assertError(alice.post(path, new JsonObject().put("content", "x".repeat(101))), 400, "validation");
    assertError(alice.post(path, new JsonObject().put("content", "y".repeat(5000))), 413, "payload_too_large");
    assertEquals(0, alice.history(chatId, "").size());
    assertEquals(201, alice.post(path, new JsonObject().put("content", "x".repeat(100))).statusCode());
    assertEquals(1, alice.history(chatId, "").size());
  }

  @Test
  void maximumLengthCountsCharactersNotBytesOrEscapes() {
    TestClient alice = stack.client().signUp("emoji", "student");
    long chatId = alice.createChat("emoji");
    String path = "/api/chats/" + chatId + "/messages";
    // 100 emoji (the configured maximum), each sent as a JSON surrogate-pair escape: 12 bytes each
    String escaped = "{\"content\":\"" + "\\ud83d\\ude00".repeat(100) + "\"}";
    HttpResponse<Buffer> ok = alice.post(path, escaped);
    assertEquals(201, ok.statusCode(), ok.bodyAsString());
    assertEquals("\uD83D\uDE00".repeat(100), ok.bodyAsJsonObject().getString("content"));
    assertError(alice.post(path, "{\"content\":\"" + "\\ud83d\\ude00".repeat(101) + "\"}"), 400, "validation");
  }

  @Test
  void sqlAndHtmlContentRoundTripsLiterally() {
    TestClient alice = stack.client().signUp("literal", "student");
    long chatId = alice.createChat("literal <b>name</b>");
    List<String> contents = List.of("'); DROP TABLE messages;--", "<script>alert(1)</script>",
      "<img src=x onerror=alert(1)>", "100% _under_ \\ back \"quote\"", "emoji \uD83D\uDE00 and ünïcödé");
    for (String content : contents) {
      assertEquals(content, alice.sendMessage(chatId, content).getString("content"));
    }
    JsonArray stored = alice.history(chatId, "");
    assertEquals(contents, stored.stream().map(m -> ((JsonObject) m).getString("content")).collect(Collectors.toList()));
    assertEquals("literal <b>name</b>", alice.get("/api/chats/" + chatId).bodyAsJsonObject().getString("name"));
  }

  @Test
  void clientIdMakesSendsIdempotent() {
    TestClient alice = stack.client().signUp("idem", "student");
    long chatId = alice.createChat("idempotent");
    String path = "/api/chats/" + chatId + "/messages";
    JsonObject first = alice.post(path, new JsonObject().put("content", "once").put("client_id", "abc-1")).bodyAsJsonObject();
    HttpResponse<Buffer> again = alice.post(path, new JsonObject().put("content", "once").put("client_id", "abc-1"));
    assertTrue(again.statusCode() == 201 || again.statusCode() == 200, again.bodyAsString());
    assertEquals(first, again.bodyAsJsonObject());
    assertEquals(1, alice.history(chatId, "").size());
  }

  @Test
  void unknownApiPathsAreJsonNotFound() {
    TestClient c = stack.client();
    assertError(c.get("/api/nope"), 404, "not_found");
  }

  @Test
  void healthIsUpWhenServicesAnswer() {
    HttpResponse<Buffer> r = stack.client().get("/health");
    assertEquals(200, r.statusCode());
    assertEquals("UP", r.bodyAsJsonObject().getString("status"));
    assertNull(r.bodyAsJsonObject().getJsonObject("error"));
  }

  @Test
  void everyBadFieldOfARequestIsNamedInOneAnswer() {
    TestClient alice = stack.client().signUp("fields", "student");
    long chatId = alice.createChat("fields");

    HttpResponse<Buffer> create = alice.post("/api/chats", new JsonObject().put("name", " ").put("participant_ids", "all"));
    assertError(create, 400, "validation");
    assertEquals(Set.of("name", "participant_ids"),
      create.bodyAsJsonObject().getJsonObject("error").getJsonObject("fields").fieldNames());

    HttpResponse<Buffer> history = alice.get("/api/chats/" + chatId + "/messages?limit=0&before=01&after=x");
    assertError(history, 400, "validation");
    assertEquals(Set.of("limit", "before", "after"),
      history.bodyAsJsonObject().getJsonObject("error").getJsonObject("fields").fieldNames());

    HttpResponse<Buffer> search = alice.get("/api/users?search=" + "s".repeat(255) + "&limit=101");
    assertError(search, 400, "validation");
    assertEquals(Set.of("search", "limit"), search.bodyAsJsonObject().getJsonObject("error").getJsonObject("fields").fieldNames());

    // An empty query parameter of the history is "not given".
    assertEquals(200, alice.get("/api/chats/" + chatId + "/messages?limit=&before=").statusCode());
  }

  private static io.netty.handler.codec.http.cookie.Cookie cookie(String name, String value) {
    io.netty.handler.codec.http.cookie.DefaultCookie c = new io.netty.handler.codec.http.cookie.DefaultCookie(name, value);
    c.setDomain("127.0.0.1");
    c.setPath("/");
    return c;
  }

  private static List<Long> participantIds(JsonObject chat) {
    return chat.getJsonArray("participants").stream().map(p -> ((JsonObject) p).getLong("id")).sorted()
      .collect(Collectors.toList());
  }

  private static List<Long> messageIds(JsonObject page) {
    return page.getJsonArray("messages").stream().map(m -> ((JsonObject) m).getLong("id")).collect(Collectors.toList());
  }
}
