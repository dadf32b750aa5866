package chat.app;

import chat.testing.TestStack;
import chat.testing.TestClient;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import chat.testing.BridgeSocket;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.junit5.VertxExtension;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Read markers, receipts and unread counts of contract v2 over real HTTP, and their {@code read}
 * and {@code unread} events over real bridge WebSocket frames.
 */
@ExtendWith(VertxExtension.class)
class ReadContractTest {

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

  private static HttpResponse<Buffer> markRead(TestClient client, long chatId, Object body) {
    return client.send(HttpMethod.PUT, "/api/chats/" + chatId + "/read", body, true);
  }

  private static JsonObject read(TestClient client, long chatId, long messageId) {
    HttpResponse<Buffer> r = markRead(client, chatId, new JsonObject().put("message_id", messageId));
    assertEquals(200, r.statusCode(), r.bodyAsString());
    return r.bodyAsJsonObject();
  }

  private static JsonObject chat(TestClient client, long chatId) {
    HttpResponse<Buffer> r = client.get("/api/chats/" + chatId);
    assertEquals(200, r.statusCode(), r.bodyAsString());
    return r.bodyAsJsonObject();
  }

  private static JsonObject listed(TestClient client, long chatId) {
    return client.get("/api/chats").bodyAsJsonObject().getJsonArray("chats").stream().map(c -> (JsonObject) c)
      .filter(c -> c.getLong("id") == chatId).findFirst().orElseThrow();
  }

  private static void assertValidation(HttpResponse<Buffer> r, String field) {
    assertEquals(400, r.statusCode(), r.bodyAsString());
    JsonObject error = r.bodyAsJsonObject().getJsonObject("error");
    assertEquals("validation", error.getString("code"));
    assertTrue(error.getJsonObject("fields").containsKey(field), r.bodyAsString());
  }

  private static void assertCode(HttpResponse<Buffer> r, int status, String code) {
    assertEquals(status, r.statusCode(), r.bodyAsString());
    assertEquals(code, r.bodyAsJsonObject().getJsonObject("error").getString("code"));
  }

  @Test
  void markingReadAnswersTheMarkerAndReachesTheChatAndTheReadersOwnAddress() throws Exception {
    TestClient alice = stack.client().signUp("rd_alice", "student");
    TestClient bob = stack.client().signUp("rd_bob", "student");
    long chatId = alice.createChat("reading", bob.id());
    String chatAddress = "chat." + chatId;
    String bobAddress = "user." + bob.id();
    try (BridgeSocket aliceWs = alice.bridge(); BridgeSocket bobWs = bob.bridge(); BridgeSocket bobTab = bob.bridge()) {
      aliceWs.subscribe(chatId);
      bobWs.subscribe(chatId);
      bobTab.subscribeUser(bob.id());
      long m1 = alice.sendMessage(chatId, "one").getLong("id");
      long m2 = alice.sendMessage(chatId, "two").getLong("id");
      long m3 = alice.sendMessage(chatId, "three").getLong("id");
      JsonObject bobSees = chat(bob, chatId);
      assertEquals(3, bobSees.getLong("unread_count"));
      assertEquals(0, bobSees.getLong("last_read_message_id"));
      assertEquals(bobSees, listed(bob, chatId));
      assertEquals(0, chat(alice, chatId).getLong("unread_count"), "alice wrote them");
      assertEquals(m3, chat(alice, chatId).getLong("last_read_message_id"), "sending moved alice's marker");

      JsonObject state = new JsonObject().put("chat_id", chatId).put("user_id", bob.id())
        .put("last_read_message_id", m2).put("unread_count", 1);
      assertEquals(state, read(bob, chatId, m2));
      JsonObject readEvent = new JsonObject().put("type", "read").put("chat_id", chatId).put("user_id", bob.id())
        .put("last_read_message_id", m2);
      assertEquals(readEvent, aliceWs.event(chatAddress, "read").getJsonObject("body"));
      assertEquals(readEvent, bobWs.event(chatAddress, "read").getJsonObject("body"));
      JsonObject unread = bobTab.event(bobAddress, "unread").getJsonObject("body");
      assertEquals(new JsonObject().put("type", "unread").put("chat_id", chatId).put("unread_count", 1)
        .put("last_read_message_id", m2), unread);
      assertFalse(readEvent.containsKey("seq"), "read is live only");

      // At or below the marker: 200 with the current state, and nothing published; the next
      // event is the next real move.
      assertEquals(state, read(bob, chatId, m1));
      assertEquals(state, read(bob, chatId, m2));
      read(bob, chatId, m3);
      assertEquals(m3, aliceWs.event(chatAddress, "read").getJsonObject("body").getLong("last_read_message_id"));
      assertEquals(0, bobTab.event(bobAddress, "unread").getJsonObject("body").getLong("unread_count"));
      assertEquals(0, chat(bob, chatId).getLong("unread_count"));
      assertEquals(m3, listed(bob, chatId).getLong("last_read_message_id"));
    }
  }

  @Test
  void receiptsListEveryParticipant() {
    TestClient alice = stack.client().signUp("rc_alice", "student");
    TestClient bob = stack.client().signUp("rc_bob", "student");
    long chatId = alice.createChat("receipts", bob.id());
    long m1 = alice.sendMessage(chatId, "one").getLong("id");

    HttpResponse<Buffer> r = bob.get("/api/chats/" + chatId + "/reads");
    assertEquals(200, r.statusCode(), r.bodyAsString());
    JsonArray reads = r.bodyAsJsonObject().getJsonArray("reads");
    assertEquals(2, reads.size());
    JsonObject aliceReceipt = reads.getJsonObject(0);
    assertEquals(alice.id(), aliceReceipt.getLong("user_id"));
    assertEquals(m1, aliceReceipt.getLong("last_read_message_id"));
    assertNotNull(aliceReceipt.getString("read_at"));
    assertEquals(new JsonObject().put("user_id", bob.id()).put("last_read_message_id", 0).putNull("read_at"),
      reads.getJsonObject(1));
  }

  @Test
  void badMarkersAndNonParticipantsAreRefused() {
    TestClient alice = stack.client().signUp("rx_alice", "student");
    TestClient bob = stack.client().signUp("rx_bob", "student");
    TestClient eve = stack.client().signUp("rx_eve", "student");
    long chatId = alice.createChat("refusals", bob.id());
    long other = alice.createChat("elsewhere", bob.id());
    long m1 = alice.sendMessage(chatId, "here").getLong("id");
    long elsewhere = alice.sendMessage(other, "there").getLong("id");

    for (Object body : List.of(new JsonObject().put("message_id", elsewhere), new JsonObject().put("message_id", m1 + 10_000),
      new JsonObject(), new JsonObject().put("message_id", "1"), new JsonObject().put("message_id", -1),
      new JsonObject().put("message_id", 1.5))) {
      assertValidation(markRead(bob, chatId, body), "message_id");
    }
    HttpResponse<Buffer> notJson = markRead(bob, chatId, "not json");
    assertCode(notJson, 400, "validation");
    HttpResponse<Buffer> noXsrf = bob.send(HttpMethod.PUT, "/api/chats/" + chatId + "/read",
      new JsonObject().put("message_id", m1), false);
    assertCode(noXsrf, 403, "csrf");
    assertEquals(0, chat(bob, chatId).getLong("last_read_message_id"), "nothing moved");

    assertCode(markRead(eve, chatId, new JsonObject().put("message_id", m1)), 404, "not_found");
    assertCode(eve.get("/api/chats/" + chatId + "/reads"), 404, "not_found");
    assertCode(markRead(bob, 0, new JsonObject().put("message_id", m1)), 404, "not_found");
    assertCode(stack.client().send(HttpMethod.GET, "/api/chats/" + chatId + "/reads", null, true), 401, "unauthenticated");
  }

  @Test
  void chatAddedShowsTheAddedUsersMarker() throws Exception {
    TestClient alice = stack.client().signUp("ra_alice", "student");
    TestClient carol = stack.client().signUp("ra_carol", "student");
    long chatId = alice.createChat("joining");
    alice.sendMessage(chatId, "history");
    long newest = alice.sendMessage(chatId, "more history").getLong("id");
    try (BridgeSocket carolWs = carol.bridge()) {
      carolWs.subscribeUser(carol.id());
      HttpResponse<Buffer> added = alice.post("/api/chats/" + chatId + "/participants",
        new JsonObject().put("user_id", carol.id()));
      assertEquals(200, added.statusCode(), added.bodyAsString());
      assertEquals(newest, added.bodyAsJsonObject().getLong("last_read_message_id"), "the answer is alice's view");
      JsonObject seen = carolWs.event("user." + carol.id(), "chat_added").getJsonObject("body").getJsonObject("chat");
      assertEquals(chatId, seen.getLong("id"));
      assertEquals(0, seen.getLong("unread_count"), "history is not unread");
      assertEquals(newest, seen.getLong("last_read_message_id"));
    }
    alice.sendMessage(chatId, "for carol");
    assertEquals(1, chat(carol, chatId).getLong("unread_count"));

    HttpResponse<Buffer> left = carol.delete("/api/chats/" + chatId + "/participants/" + carol.id());
    assertEquals(200, left.statusCode(), left.bodyAsString());
    assertNull(left.bodyAsJsonObject().getValue("last_read_message_id"), "no marker after leaving");
    assertEquals(0, left.bodyAsJsonObject().getLong("unread_count"));
  }
}
