package chat.app;

import chat.testing.TestStack;
import chat.testing.TestClient;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import chat.testing.BridgeSocket;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The gateway's own fan-out on one gateway: which sockets of a chat receive is decided by the
 * gateway as events pass (a removed user's sockets and a deleted chat's sockets get nothing
 * more, the others keep receiving), the one consumer per chat comes and goes with its sockets,
 * and {@code user.{id}} is its user's alone. "Nothing more" is proven by a marker that arrives
 * after it on the same socket.
 */
@ExtendWith(VertxExtension.class)
class BridgeFanOutTest {

  @TempDir
  static Path dataDir;
  static TestStack stack;

  @BeforeAll
  static void deploy(Vertx vertx) throws Exception {
    stack = TestStack.deploy(vertx, dataDir, new JsonObject().put("CHAT_MESSAGES_PER_SECOND", 0));
  }

  @AfterAll
  static void undeploy() throws Exception {
    stack.undeploy();
  }

  /** An event the chat service did not send, published on a chat's address as a late event would be. */
  private static void publishLate(long chatId, String content) {
    stack.vertx.eventBus().publish("chat." + chatId, new JsonObject().put("type", "message")
      .put("message", new JsonObject().put("id", 0).put("chat_id", chatId).put("content", content)));
  }

  @Test
  void removedUsersSocketsGetNothingMoreWhileOthersInTheChatKeepReceiving() throws Exception {
    TestClient alice = stack.client().signUp("fo_alice", "student");
    TestClient bob = stack.client().signUp("fo_bob", "student");
    TestClient carol = stack.client().signUp("fo_carol", "student");
    long chatId = alice.createChat("fan-out removal", bob.id(), carol.id());
    long markerChat = alice.createChat("fan-out marker", bob.id());
    try (BridgeSocket aliceWs = alice.bridge(); BridgeSocket bobWs = bob.bridge(); BridgeSocket bobTab = bob.bridge();
         BridgeSocket carolWs = carol.bridge()) {
      for (BridgeSocket ws : List.of(aliceWs, bobWs, bobTab, carolWs)) {
        ws.subscribe(chatId);
      }
      bobWs.subscribe(markerChat);
      bobTab.subscribe(markerChat);

      assertEquals(200, alice.delete("/api/chats/" + chatId + "/participants/" + bob.id()).statusCode());
      for (BridgeSocket ws : List.of(aliceWs, bobWs, bobTab, carolWs)) {
        JsonObject removal = ws.event("chat." + chatId, "participant_removed").getJsonObject("body");
        assertEquals(bob.id(), removal.getJsonObject("user").getLong("id"));
      }
      alice.sendMessage(chatId, "not for bob");
      publishLate(chatId, "late, not for bob either");
      alice.sendMessage(markerChat, "marker");
      for (BridgeSocket ws : List.of(aliceWs, carolWs)) {
        ws.message(chatId, "not for bob");
        ws.message(chatId, "late, not for bob either");
      }
      for (BridgeSocket ws : List.of(bobWs, bobTab)) {
        ws.message(markerChat, "marker");
        assertTrue(ws.drain("chat." + chatId, 0).isEmpty(), "nothing more from the chat bob was removed from");
      }

      // Added back: both of bob's sockets receive again on the registrations they still hold.
      assertEquals(200, alice.post("/api/chats/" + chatId + "/participants", new JsonObject().put("user_id", bob.id())).statusCode());
      alice.sendMessage(chatId, "welcome back");
      for (BridgeSocket ws : List.of(aliceWs, bobWs, bobTab, carolWs)) {
        ws.event("chat." + chatId, "participant_added");
        ws.message(chatId, "welcome back");
      }
    }
  }

  @Test
  void deletedChatsSocketsGetNothingMoreWhileTheirOtherChatsKeepReceiving() throws Exception {
    TestClient owner = stack.client().signUp("fo_owner", "owner");
    TestClient alice = stack.client().signUp("fo_del_alice", "student");
    TestClient bob = stack.client().signUp("fo_del_bob", "student");
    long chatId = alice.createChat("fan-out deleted", bob.id());
    long otherChat = alice.createChat("fan-out kept", bob.id());
    try (BridgeSocket aliceWs = alice.bridge(); BridgeSocket bobWs = bob.bridge()) {
      for (BridgeSocket ws : List.of(aliceWs, bobWs)) {
        ws.subscribe(chatId);
        ws.subscribe(otherChat);
      }
      assertEquals(204, owner.delete("/api/admin/chats/" + chatId).statusCode());
      for (BridgeSocket ws : List.of(aliceWs, bobWs)) {
        assertEquals(chatId, ws.event("chat." + chatId, "chat_deleted").getJsonObject("body").getLong("chat_id"));
      }
      publishLate(chatId, "after the deletion");
      alice.sendMessage(otherChat, "marker");
      for (BridgeSocket ws : List.of(aliceWs, bobWs)) {
        ws.message(otherChat, "marker");
        assertTrue(ws.drain("chat." + chatId, 0).isEmpty(), "nothing more from the deleted chat");
      }
    }
  }

  @Test
  void chatKeepsDeliveringAsItsSocketsComeAndGo() throws Exception {
    TestClient alice = stack.client().signUp("fo_cycle_alice", "student");
    long chatId = alice.createChat("fan-out cycle");
    BridgeSocket first = alice.bridge();
    BridgeSocket second = alice.bridge();
    try (BridgeSocket third = alice.bridge()) {
      first.subscribe(chatId);
      second.subscribe(chatId);
      third.subscribe(chatId);
      first.close();
      second.unregister("chat." + chatId);
      alice.sendMessage(chatId, "one left");
      third.message(chatId, "one left");
      alice.sendMessage(chatId, "marker for second");
      third.message(chatId, "marker for second");
      second.ping();
      second.await(f -> "pong".equals(f.getString("type")), 15_000);
      assertTrue(second.drainMessages(chatId, 0).isEmpty(), "an unregistered socket gets nothing");

      // The last socket leaves (its chat consumer goes), then the chat is registered again.
      third.unregister("chat." + chatId);
      second.subscribe(chatId);
      alice.sendMessage(chatId, "again");
      second.message(chatId, "again");
      third.ping();
      third.await(f -> "pong".equals(f.getString("type")), 15_000);
      assertTrue(third.drainMessages(chatId, 0).isEmpty());
    } finally {
      second.close();
    }
  }

  @Test
  void userAddressIsItsOwnersOnly() throws Exception {
    TestClient alice = stack.client().signUp("fo_user_alice", "student");
    TestClient eve = stack.client().signUp("fo_user_eve", "student");
    String aliceAddress = "user." + alice.id();
    try (BridgeSocket aliceWs = alice.bridge(); BridgeSocket aliceTab = alice.bridge(); BridgeSocket eveWs = eve.bridge();
         BridgeSocket anonymous = BridgeSocket.open(stack.vertx, stack.port, io.vertx.core.MultiMap.caseInsensitiveMultiMap())) {
      JsonObject subscribed = aliceWs.subscribeUser(alice.id());
      assertEquals(alice.id(), subscribed.getLong("user_id"));
      aliceTab.subscribeUser(alice.id());

      eveWs.register(aliceAddress);
      assertEquals("access_denied", eveWs.refusal().getString("body"));
      anonymous.register(aliceAddress);
      assertEquals("access_denied", anonymous.refusal().getString("body"));
      for (BridgeSocket ws : List.of(aliceWs, eveWs)) {
        ws.send(aliceAddress, new JsonObject().put("type", "chat_removed").put("chat_id", 1));
        assertEquals("access_denied", ws.refusal().getString("body"));
        ws.send(aliceAddress + ".send", new JsonObject().put("content", "x"));
        assertEquals("access_denied", ws.refusal().getString("body"));
        ws.publish(aliceAddress, new JsonObject().put("type", "chat_removed").put("chat_id", 1));
        assertEquals("rejected", ws.refusal().getString("body"));
      }

      // What is published there reaches each of alice's registered sockets, and nobody else.
      JsonObject event = new JsonObject().put("type", "chat_removed").put("chat_id", 42);
      stack.vertx.eventBus().publish(aliceAddress, event);
      for (BridgeSocket ws : List.of(aliceWs, aliceTab)) {
        assertEquals(event, ws.event(aliceAddress, "chat_removed").getJsonObject("body"));
      }
      eveWs.ping();
      eveWs.await(f -> "pong".equals(f.getString("type")), 15_000);
      assertTrue(eveWs.drain(aliceAddress, 0).isEmpty(), "forged sends and publishes delivered nothing");
      aliceWs.ping();
      aliceWs.await(f -> "pong".equals(f.getString("type")), 15_000);
      assertEquals(List.of(), aliceWs.drain(aliceAddress, 0), "forged sends and publishes delivered nothing");
    }
  }

  @Test
  void userAddressHearsOfChatsAddedAndRemoved() throws Exception {
    TestClient owner = stack.client().signUp("fo_ev_owner", "owner");
    TestClient alice = stack.client().signUp("fo_ev_alice", "student");
    TestClient bob = stack.client().signUp("fo_ev_bob", "student");
    String aliceAddress = "user." + alice.id();
    String bobAddress = "user." + bob.id();
    try (BridgeSocket aliceWs = alice.bridge(); BridgeSocket bobWs = bob.bridge()) {
      aliceWs.subscribeUser(alice.id());
      bobWs.subscribeUser(bob.id());

      long chatId = alice.createChat("fan-out user events", bob.id());
      for (BridgeSocket ws : List.of(aliceWs, bobWs)) {
        JsonObject added = ws.event(ws == aliceWs ? aliceAddress : bobAddress, "chat_added").getJsonObject("body");
        assertEquals(chatId, added.getJsonObject("chat").getLong("id"), "the creator and the participants hear of it");
        assertEquals(2, added.getJsonObject("chat").getJsonArray("participants").size());
      }

      assertEquals(200, alice.delete("/api/chats/" + chatId + "/participants/" + bob.id()).statusCode());
      assertEquals(chatId, bobWs.event(bobAddress, "chat_removed").getJsonObject("body").getLong("chat_id"));
      assertEquals(200, alice.post("/api/chats/" + chatId + "/participants", new JsonObject().put("user_id", bob.id())).statusCode());
      assertEquals(chatId, bobWs.event(bobAddress, "chat_added").getJsonObject("body").getJsonObject("chat").getLong("id"));
      assertEquals(200, bob.delete("/api/chats/" + chatId + "/participants/" + bob.id()).statusCode());
      assertEquals(chatId, bobWs.event(bobAddress, "chat_removed").getJsonObject("body").getLong("chat_id"), "leaving");

      assertEquals(200, owner.post("/api/admin/chats/" + chatId + "/participants", new JsonObject().put("user_id", bob.id())).statusCode());
      JsonObject byOwner = bobWs.event(bobAddress, "chat_added").getJsonObject("body").getJsonObject("chat");
      assertEquals(chatId, byOwner.getLong("id"));
      byOwner.getJsonArray("participants").forEach(u -> assertTrue(!((JsonObject) u).containsKey("email"),
        "participants as participants see them: " + u));
      assertEquals(200, owner.delete("/api/admin/chats/" + chatId + "/participants/" + bob.id()).statusCode());
      assertEquals(chatId, bobWs.event(bobAddress, "chat_removed").getJsonObject("body").getLong("chat_id"));

      assertEquals(204, owner.delete("/api/admin/chats/" + chatId).statusCode());
      assertEquals(chatId, aliceWs.event(aliceAddress, "chat_removed").getJsonObject("body").getLong("chat_id"), "deleted");
      // Marker: bob, no longer a participant, heard nothing of the deletion.
      long marker = alice.createChat("fan-out user marker", bob.id());
      bobWs.event(bobAddress, "chat_added");
      assertEquals(List.of(), bobWs.drain(bobAddress, 0));
      assertEquals(marker, aliceWs.event(aliceAddress, "chat_added").getJsonObject("body").getJsonObject("chat").getLong("id"));
    }
  }

  // ---- several chat instances (issue 12): a chat's events in seq order --------------------

  /** A message event as another chat instance would publish it, with its seq. */
  private static void publishWithSeq(long chatId, long seq, String content) {
    stack.vertx.eventBus().publish("chat." + chatId, new JsonObject().put("type", "message").put("seq", seq)
      .put("message", new JsonObject().put("id", 1_000_000 + seq).put("chat_id", chatId).put("content", content)
        .put("seq", seq)));
  }

  @Test
  void eventsOfAChatPublishedOutOfSeqOrderReachTheSocketsInSeqOrder() throws Exception {
    TestClient alice = stack.client().signUp("fo_seq_alice", "student");
    long chatId = alice.createChat("fan-out seq order");
    try (BridgeSocket ws = alice.bridge()) {
      ws.subscribe(chatId);
      alice.sendMessage(chatId, "one");   // seq 1, from the chat service
      assertEquals(List.of("one"), contents(ws.messages(chatId, 1)));
      // Two instances' commits 2 and 3, published in the other order: delivered 2, then 3.
      publishWithSeq(chatId, 3, "three");
      publishWithSeq(chatId, 2, "two");
      assertEquals(List.of("two", "three"), contents(ws.messages(chatId, 2)));
      // Seq 4 does not come in time (its instance was killed before publishing, or is slow): 5
      // goes out after the wait, and a late 4 is dropped (the socket saw the gap and fills it
      // from the feed), so the seqs a socket gets only grow.
      publishWithSeq(chatId, 5, "five");
      assertEquals(List.of("five"), contents(ws.messages(chatId, 1)));
      publishWithSeq(chatId, 4, "four, late");
      publishWithSeq(chatId, 6, "six");
      assertEquals(List.of("six"), contents(ws.messages(chatId, 1)));
    }
  }

  private static List<String> contents(List<JsonObject> messages) {
    return messages.stream().map(m -> m.getString("content")).toList();
  }
}
