package chat.app;

import chat.testing.TestStack;
import chat.testing.TestClient;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import chat.testing.BridgeSocket;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.junit5.VertxExtension;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The change feed of the contract ({@code GET /api/chats/{id}/events}) over real HTTP, against
 * what real bridge WebSockets receive: a socket that was away recovers exactly what the socket
 * that stayed connected got, nothing lost and nothing twice.
 */
@ExtendWith(VertxExtension.class)
class FeedContractTest {

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
  void aSocketThatWasAwayRecoversByAfterSeqExactlyWhatTheConnectedSocketReceived() throws Exception {
    TestClient owner = stack.client().signUp("fd_owner", "owner");
    TestClient alice = stack.client().signUp("fd_alice", "student");
    TestClient bob = stack.client().signUp("fd_bob", "student");
    TestClient carol = stack.client().signUp("fd_carol", "student");
    TestClient dave = stack.client().signUp("fd_dave", "student");
    long chatId = alice.createChat("away and back", bob.id(), carol.id());
    String address = "chat." + chatId;

    try (BridgeSocket stayed = bob.bridge(); BridgeSocket aliceWs = alice.bridge()) {
      stayed.subscribe(chatId);
      aliceWs.subscribe(chatId);
      Map<Long, JsonObject> carolApplied = new TreeMap<>();
      long lastApplied;

      // Carol is connected for the first changes and applies them in seq order.
      try (BridgeSocket away = carol.bridge()) {
        away.subscribe(chatId);
        alice.sendMessage(chatId, "one");
        bob.sendMessage(chatId, "two");
        send(aliceWs, chatId, "three over the bridge");
        lastApplied = applyUntil(away, address, 3, carolApplied);
        assertEquals(3, lastApplied);
      }

      // While carol is away: every kind of change main serves.
      long doomedEarly = alice.history(chatId, "").getJsonObject(0).getLong("id");
      bob.sendMessage(chatId, "four");
      assertStatus(200, alice.post("/api/chats/" + chatId + "/participants", new JsonObject().put("user_id", dave.id())));
      JsonObject daveSays = dave.sendMessage(chatId, "dave was here");
      assertStatus(200, alice.delete("/api/chats/" + chatId + "/participants/" + dave.id()));
      assertStatus(200, owner.post("/api/admin/chats/" + chatId + "/participants", new JsonObject().put("user_id", dave.id())));
      carol.sendMessage(chatId, "carol over REST while her socket is away");
      assertStatus(200, owner.post("/api/admin/messages/bulk-delete",
        new JsonObject().put("ids", new JsonArray().add(doomedEarly).add(daveSays.getLong("id")))));
      assertStatus(200, owner.delete("/api/admin/chats/" + chatId + "/participants/" + dave.id()));
      send(aliceWs, chatId, "five over the bridge");

      // Carol reconnects, registers, and on subscribed fetches what she missed, page by page,
      // while new changes keep coming live.
      try (BridgeSocket back = carol.bridge()) {
        back.subscribe(chatId);
        alice.sendMessage(chatId, "six, live after the reconnect");
        List<JsonObject> fetched = new ArrayList<>();
        long after = lastApplied;
        long lastSeq;
        while (true) {
          JsonObject page = feed(carol, chatId, "?after_seq=" + after + "&limit=3");
          JsonArray events = page.getJsonArray("events");
          assertTrue(events.size() <= 3);
          events.forEach(e -> fetched.add((JsonObject) e));
          lastSeq = page.getLong("last_seq");
          if (!page.getBoolean("has_more")) {
            break;
          }
          assertEquals(3, events.size());
          after = events.getJsonObject(2).getLong("seq");
        }
        // The feed itself repeats nothing and starts right after what carol had.
        List<Long> fetchedSeqs = fetched.stream().map(e -> e.getLong("seq")).toList();
        assertEquals(LongStream.rangeClosed(lastApplied + 1, lastApplied + fetched.size()).boxed().toList(), fetchedSeqs);
        fetched.forEach(e -> carolApplied.put(e.getLong("seq"), e));
        // What came live meanwhile is applied too; a seq seen in both is the same event.
        JsonObject marker = alice.sendMessage(chatId, "marker: the end");
        long end = marker.getLong("seq");
        assertTrue(end > lastSeq);
        for (JsonObject event : liveUntil(back, address, end)) {
          JsonObject earlier = carolApplied.putIfAbsent(event.getLong("seq"), event);
          if (earlier != null) {
            assertEquals(earlier.getString("type"), event.getString("type"), "seq " + event.getLong("seq"));
          }
        }

        List<JsonObject> bobs = liveUntil(stayed, address, end);
        // Nothing lost, nothing twice: the same seqs 1..end, the same changes.
        assertEquals(LongStream.rangeClosed(1, end).boxed().toList(), bobs.stream().map(e -> e.getLong("seq")).toList());
        assertEquals(bobs.stream().map(e -> e.getLong("seq")).toList(), new ArrayList<>(carolApplied.keySet()));
        Set<Long> deletedIds = Set.of(doomedEarly, daveSays.getLong("id"));
        for (JsonObject bobsEvent : bobs) {
          JsonObject carols = carolApplied.get(bobsEvent.getLong("seq"));
          assertEquals(bobsEvent.getString("type"), carols.getString("type"));
          JsonObject message = bobsEvent.getJsonObject("message");
          if (message != null && deletedIds.contains(message.getLong("id"))
              && carols.getJsonObject("message").containsKey("deleted_at")) {
            // The feed shows a message as it is now: deleted, its message_deleted follows.
            assertEquals(message.getLong("id"), carols.getJsonObject("message").getLong("id"));
            assertEquals("", carols.getJsonObject("message").getString("content"));
          } else {
            assertEquals(bobsEvent, carols);
          }
        }
        Map<String, Long> kinds = new TreeMap<>();
        bobs.forEach(e -> kinds.merge(e.getString("type"), 1L, Long::sum));
        assertEquals(Map.of("message", 9L, "participant_added", 2L, "participant_removed", 2L, "message_deleted", 2L),
          kinds);
        assertEquals(end, getJson(alice, "/api/chats/" + chatId).getLong("last_seq"));
      }
    }
  }

  @Test
  void aParticipantSeesTheFeedFromItsJoiningAndAfterARejoinFromThen() throws Exception {
    TestClient alice = stack.client().signUp("fj_alice", "student");
    TestClient bob = stack.client().signUp("fj_bob", "student");
    TestClient eve = stack.client().signUp("fj_eve", "student");
    long chatId = alice.createChat("joining", bob.id());
    alice.sendMessage(chatId, "before bob? no, bob was there from the start");
    bob.sendMessage(chatId, "before eve");
    assertStatus(404, eve.get("/api/chats/" + chatId + "/events"));

    assertStatus(200, alice.post("/api/chats/" + chatId + "/participants", new JsonObject().put("user_id", eve.id())));
    eve.sendMessage(chatId, "eve here");
    JsonObject evePage = feed(eve, chatId, "");
    assertEquals(List.of("participant_added", "message"), types(evePage));
    assertEquals(List.of(3L, 4L), seqs(evePage));
    assertEquals(eve.id(), evePage.getJsonArray("events").getJsonObject(0).getJsonObject("user").getLong("id"));
    assertEquals(4, evePage.getLong("last_seq"));

    assertStatus(200, eve.delete("/api/chats/" + chatId + "/participants/" + eve.id()));
    assertStatus(404, eve.get("/api/chats/" + chatId + "/events?after_seq=0"));
    alice.sendMessage(chatId, "eve is away");
    assertStatus(200, bob.post("/api/chats/" + chatId + "/participants", new JsonObject().put("user_id", eve.id())));
    JsonObject rejoined = feed(eve, chatId, "?after_seq=0&limit=500");
    assertEquals(List.of("participant_added"), types(rejoined));
    assertEquals(List.of(7L), seqs(rejoined));
    assertEquals(List.of(1L, 2L, 3L, 4L, 5L, 6L, 7L), seqs(feed(bob, chatId, "?limit=500")));
    // Beyond the newest seq: an empty page, not an error.
    JsonObject beyond = feed(eve, chatId, "?after_seq=999999999999999999");
    assertEquals(new JsonObject().put("events", new JsonArray()).put("has_more", false).put("last_seq", 7), beyond);
    assertEquals(new JsonObject().put("events", new JsonArray()).put("has_more", false).put("last_seq", 7),
      feed(eve, chatId, "?after_seq=7"));
  }

  @Test
  void badAfterSeqOrLimitIs400NamingTheFieldNever500() throws Exception {
    TestClient alice = stack.client().signUp("fb_alice", "student");
    TestClient outsider = stack.client().signUp("fb_out", "student");
    long chatId = alice.createChat("strict");
    alice.sendMessage(chatId, "hello");
    String base = "/api/chats/" + chatId + "/events";
    for (String value : List.of("-1", "1.5", "abc", "1e3", "%2B1", "%20", "0x1", "99999999999999999999",
        "9223372036854775808", "%zz", "%", "%E0%A4%A", "%00", "%FF%FE", "１")) {
      HttpResponse<Buffer> r = alice.get(base + "?after_seq=" + value);
      assertValidation(r, "after_seq", "after_seq=" + value);
    }
    for (String value : List.of("0", "-1", "501", "1.5", "abc", "99999999999999999999", "%zz", "%", "2147483648")) {
      HttpResponse<Buffer> r = alice.get(base + "?limit=" + value);
      assertValidation(r, "limit", "limit=" + value);
    }
    // Both bad: a 400 that names one of them.
    JsonObject both = alice.get(base + "?after_seq=x&limit=0").bodyAsJsonObject().getJsonObject("error");
    assertEquals("validation", both.getString("code"));
    assertTrue(both.getJsonObject("fields").containsKey("after_seq") || both.getJsonObject("fields").containsKey("limit"));
    // Good edges; an empty value is absent.
    assertEquals(1, feed(alice, chatId, "?after_seq=0&limit=1").getJsonArray("events").size());
    assertEquals(1, feed(alice, chatId, "?after_seq=&limit=").getJsonArray("events").size());
    assertEquals(1, feed(alice, chatId, "?limit=500").getJsonArray("events").size());
    // A broken escape in another parameter spoils the whole query: still a 400, never a 500.
    assertValidation(alice.get(base + "?after_seq=1&x=%zz"), "x", "x=%zz");
    assertValidation(alice.get(base + "?%zz=1"), "query", "name %zz");
    // The same holds where a handler, not the router, decodes the query first.
    assertValidation(alice.get("/api/users?search=%zz&limit=5"), "search", "search=%zz");
    assertValidation(alice.get("/api/chats/" + chatId + "/messages?before=%E0%A4%A"), "before", "before=%E0%A4%A");
    // Not a participant, not a chat, not logged in.
    assertStatus(404, outsider.get(base));
    assertStatus(404, alice.get("/api/chats/987654321/events"));
    assertStatus(404, alice.get("/api/chats/abc/events"));
    assertStatus(401, stack.client().get(base));
  }

  // ---- helpers -----------------------------------------------------------------------------

  /** Sends over the bridge and waits for the stored reply. */
  private static JsonObject send(BridgeSocket ws, long chatId, String content) throws InterruptedException {
    JsonObject reply = ws.reply(ws.send("chat." + chatId + ".send", new JsonObject().put("content", content)));
    assertEquals("rec", reply.getString("type"), reply.encode());
    return reply.getJsonObject("body");
  }

  /** Applies the socket's seq-carrying events (in arrival order) until seq {@code upTo}; returns it. */
  private static long applyUntil(BridgeSocket ws, String address, long upTo, Map<Long, JsonObject> applied)
      throws InterruptedException {
    long last = 0;
    for (JsonObject event : liveUntil(ws, address, upTo)) {
      assertNull(applied.put(event.getLong("seq"), event), "a seq arrived twice");
      last = event.getLong("seq");
    }
    return last;
  }

  /** The event bodies with a seq that the socket receives on the address, until the one with seq {@code upTo}. */
  private static List<JsonObject> liveUntil(BridgeSocket ws, String address, long upTo) throws InterruptedException {
    List<JsonObject> events = new ArrayList<>();
    while (true) {
      JsonObject body = ws.await(f -> "rec".equals(f.getString("type")) && address.equals(f.getString("address"))
        && f.getValue("body") instanceof JsonObject && f.getJsonObject("body").containsKey("seq"), 15_000)
        .getJsonObject("body");
      if (!events.isEmpty()) {
        assertEquals(events.get(events.size() - 1).getLong("seq") + 1, body.getLong("seq"), "live seqs are consecutive");
      }
      events.add(body);
      if (body.getLong("seq") >= upTo) {
        return events;
      }
    }
  }

  private static JsonObject feed(TestClient client, long chatId, String query) {
    HttpResponse<Buffer> r = client.get("/api/chats/" + chatId + "/events" + query);
    assertEquals(200, r.statusCode(), r.bodyAsString());
    JsonObject page = r.bodyAsJsonObject();
    assertEquals(Set.of("events", "has_more", "last_seq"), page.fieldNames());
    return page;
  }

  private static JsonObject getJson(TestClient client, String path) {
    HttpResponse<Buffer> r = client.get(path);
    assertEquals(200, r.statusCode(), r.bodyAsString());
    return r.bodyAsJsonObject();
  }

  private static List<String> types(JsonObject page) {
    List<String> types = new ArrayList<>();
    page.getJsonArray("events").forEach(e -> types.add(((JsonObject) e).getString("type")));
    return types;
  }

  private static List<Long> seqs(JsonObject page) {
    List<Long> seqs = new ArrayList<>();
    page.getJsonArray("events").forEach(e -> seqs.add(((JsonObject) e).getLong("seq")));
    return seqs;
  }

  private static void assertStatus(int expected, HttpResponse<Buffer> r) {
    assertEquals(expected, r.statusCode(), r.bodyAsString());
  }

  /** A 400 {@code validation} in the contract's error shape, naming {@code field} when given. */
  private static void assertValidation(HttpResponse<Buffer> r, String field, String what) {
    assertEquals(400, r.statusCode(), what + ": " + r.bodyAsString());
    assertNotEquals(500, r.statusCode());
    JsonObject error = r.bodyAsJsonObject().getJsonObject("error");
    assertEquals("validation", error.getString("code"), what);
    assertFalse(error.getString("message").isBlank(), what);
    if (field != null) {
      assertTrue(error.getJsonObject("fields") != null && error.getJsonObject("fields").containsKey(field),
        what + ": " + error.encode());
    }
  }
}
