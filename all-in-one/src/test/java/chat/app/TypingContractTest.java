package chat.app;

import static org.junit.jupiter.api.Assertions.assertEquals;

import chat.shared.Addresses;
import chat.testing.BridgeSocket;
import chat.testing.TestClient;
import chat.testing.TestStack;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Typing notices over real bridge WebSockets: a participant's send of {@code {}} to
 * {@code chat.{id}.typing} reaches the chat's other sockets as a {@code typing} event, never the
 * typer's own, at most once per user per chat per second, and is never stored. "Nothing arrived"
 * is proven by a message sent after it through the typer's own socket (the marker), which every
 * socket of the chat receives after whatever the typing sends before it caused.
 */
@ExtendWith(VertxExtension.class)
class TypingContractTest {

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

  /** A typing send without a reply address, as {@code eb.send(address, {})} writes it. */
  private static void typing(BridgeSocket ws, long chatId, Object body) {
    ws.write(new JsonObject().put("type", "send").put("address", Addresses.chatTyping(chatId)).put("body", body));
  }

  private static void typing(BridgeSocket ws, long chatId) {
    typing(ws, chatId, new JsonObject());
  }

  /** Sends the marker message through this socket and waits for its stored answer. */
  private static void marker(BridgeSocket ws, long chatId, String content) throws InterruptedException {
    JsonObject ack = ws.reply(ws.send(Addresses.chatSend(chatId), new JsonObject().put("content", content)));
    assertEquals("rec", ack.getString("type"), ack.encode());
  }

  /** The typing events a socket got on the chat before (and by the time of) the marker message. */
  private static List<JsonObject> typingUpTo(BridgeSocket ws, long chatId, String marker) throws InterruptedException {
    ws.message(chatId, marker);
    List<JsonObject> typing = new ArrayList<>();
    for (JsonObject frame : ws.drain(Addresses.chatEvents(chatId), 0)) {
      JsonObject body = frame.getValue("body") instanceof JsonObject ? frame.getJsonObject("body") : null;
      if (body != null && "typing".equals(body.getString("type"))) {
        typing.add(body);
      }
    }
    return typing;
  }

  private static JsonObject expectedEvent(long chatId, TestClient typer) {
    return new JsonObject().put("type", "typing").put("chat_id", chatId)
      .put("user", new JsonObject().put("id", typer.id()).put("username", typer.username()));
  }

  @Test
  void typingReachesTheOtherParticipantsButNotTheTypersOwnSockets() throws Exception {
    TestClient alice = stack.client().signUp("ty_alice", "student");
    TestClient bob = stack.client().signUp("ty_bob", "student");
    TestClient carol = stack.client().signUp("ty_carol", "student");
    long chatId = alice.createChat("typing", bob.id(), carol.id());
    try (BridgeSocket aliceWs = alice.bridge(); BridgeSocket aliceTab = alice.bridge();
         BridgeSocket bobWs = bob.bridge(); BridgeSocket carolWs = carol.bridge()) {
      for (BridgeSocket ws : List.of(aliceWs, aliceTab, bobWs, carolWs)) {
        ws.subscribe(chatId);
      }
      // Fields of the body name nobody: the typer is the socket's user.
      typing(aliceWs, chatId, new JsonObject().put("user", new JsonObject().put("id", bob.id()).put("username", "bob"))
        .put("user_id", bob.id()).put("chat_id", 999));
      marker(aliceWs, chatId, "after typing");

      JsonObject expected = expectedEvent(chatId, alice);
      assertEquals(List.of(expected), typingUpTo(bobWs, chatId, "after typing"), "exactly the contract's event, no seq");
      assertEquals(List.of(expected), typingUpTo(carolWs, chatId, "after typing"));
      assertEquals(List.of(), typingUpTo(aliceWs, chatId, "after typing"), "the typing socket does not see itself");
      assertEquals(List.of(), typingUpTo(aliceTab, chatId, "after typing"), "nor does the typer's other tab");
    }
    // Nothing stored: the feed holds the marker message only, and so does the history.
    JsonObject feed = alice.get("/api/chats/" + chatId + "/events?after_seq=0").bodyAsJsonObject();
    assertEquals(List.of("message"), feed.getJsonArray("events").stream()
      .map(e -> ((JsonObject) e).getString("type")).collect(Collectors.toList()));
    assertEquals(1L, feed.getLong("last_seq"));
    assertEquals(1, alice.history(chatId).size());
  }

  @Test
  void extraTypingNoticesWithinASecondAreDroppedSilently() throws Exception {
    TestClient alice = stack.client().signUp("tr_alice", "student");
    TestClient bob = stack.client().signUp("tr_bob", "student");
    long chatId = alice.createChat("typing fast", bob.id());
    long otherChat = alice.createChat("typing elsewhere", bob.id());
    try (BridgeSocket aliceWs = alice.bridge(); BridgeSocket aliceTab = alice.bridge(); BridgeSocket bobWs = bob.bridge()) {
      aliceWs.subscribe(chatId);
      bobWs.subscribe(chatId);
      bobWs.subscribe(otherChat);
      for (int i = 0; i < 20; i++) {
        typing(aliceWs, chatId);
      }
      // From another socket of the same user: the limit is the user's, not the socket's.
      typing(aliceTab, chatId);
      // One with a reply address is answered "ok" whether it was passed on or dropped.
      JsonObject ok = aliceWs.reply(aliceWs.send(Addresses.chatTyping(chatId), new JsonObject()));
      assertEquals("rec", ok.getString("type"), ok.encode());
      assertEquals(new JsonObject(), ok.getJsonObject("body"));
      // Other users and other chats have their own limit.
      typing(bobWs, chatId);
      typing(aliceWs, otherChat);
      marker(aliceWs, chatId, "marker one");
      marker(aliceWs, otherChat, "marker two");

      assertEquals(List.of(expectedEvent(chatId, alice)), typingUpTo(bobWs, chatId, "marker one"),
        "one of 22 notices within a second is passed on");
      assertEquals(List.of(expectedEvent(otherChat, alice)), typingUpTo(bobWs, otherChat, "marker two"));
      assertEquals(List.of(expectedEvent(chatId, bob)), typingUpTo(aliceWs, chatId, "marker one"));
      for (BridgeSocket ws : List.of(aliceWs, aliceTab)) {
        List<JsonObject> errors = new ArrayList<>();
        ws.ping();
        ws.await(f -> {
          if ("err".equals(f.getString("type"))) {
            errors.add(f);
          }
          return "pong".equals(f.getString("type"));
        }, 15_000);
        assertEquals(List.of(), errors, "dropped without an error");
      }
    }
  }

  @Test
  void aSecondLaterTheNextNoticeIsPassedOn() throws Exception {
    TestClient alice = stack.client().signUp("tn_alice", "student");
    TestClient bob = stack.client().signUp("tn_bob", "student");
    long chatId = alice.createChat("typing on", bob.id());
    try (BridgeSocket aliceWs = alice.bridge(); BridgeSocket bobWs = bob.bridge()) {
      bobWs.subscribe(chatId);
      typing(aliceWs, chatId);
      assertEquals(expectedEvent(chatId, alice), bobWs.event(Addresses.chatEvents(chatId), "typing").getJsonObject("body"));
      // Well past the interval on both the sending and the delivering side.
      Thread.sleep(1_500);
      typing(aliceWs, chatId);
      assertEquals(expectedEvent(chatId, alice), bobWs.event(Addresses.chatEvents(chatId), "typing").getJsonObject("body"));
    }
  }

  @Test
  void nonParticipantsAndAnonymousSocketsAreDenied() throws Exception {
    TestClient alice = stack.client().signUp("td_alice", "student");
    TestClient bob = stack.client().signUp("td_bob", "student");
    TestClient eve = stack.client().signUp("td_eve", "student");
    long chatId = alice.createChat("typing private", bob.id());
    try (BridgeSocket aliceWs = alice.bridge(); BridgeSocket bobWs = bob.bridge(); BridgeSocket eveWs = eve.bridge();
         BridgeSocket anon = BridgeSocket.open(stack.vertx, stack.port, MultiMap.caseInsensitiveMultiMap())) {
      bobWs.subscribe(chatId);
      aliceWs.subscribe(chatId);
      for (BridgeSocket intruder : List.of(eveWs, anon)) {
        typing(intruder, chatId);
        assertEquals("access_denied", intruder.refusal().getString("body"));
        intruder.send(Addresses.chatTyping(chatId), new JsonObject());
        assertEquals("access_denied", intruder.refusal().getString("body"));
      }
      // A removed participant is refused too, from then on.
      assertEquals(200, alice.delete("/api/chats/" + chatId + "/participants/" + bob.id()).statusCode());
      bobWs.event(Addresses.chatEvents(chatId), "participant_removed");
      typing(bobWs, chatId);
      assertEquals("access_denied", bobWs.refusal().getString("body"));
      marker(aliceWs, chatId, "still private");
      assertEquals(List.of(), typingUpTo(aliceWs, chatId, "still private"), "no typing of eve, nobody, or bob");
    }
  }

  @Test
  void removedParticipantsTypingIsDeniedAtOnceFromASocketNotOnTheChat() throws Exception {
    TestClient alice = stack.client().signUp("tx_alice", "student");
    TestClient bob = stack.client().signUp("tx_bob", "student");
    TestClient carol = stack.client().signUp("tx_carol", "student");
    long chatId = alice.createChat("typing after removal", bob.id(), carol.id());
    try (BridgeSocket aliceWs = alice.bridge(); BridgeSocket carolWs = carol.bridge(); BridgeSocket bobWs = bob.bridge()) {
      aliceWs.subscribe(chatId);
      carolWs.subscribe(chatId);
      // Bob's socket is not registered on the chat; it was allowed to send there a moment ago.
      marker(bobWs, chatId, "bob was here");
      assertEquals(200, alice.delete("/api/chats/" + chatId + "/participants/" + bob.id()).statusCode());
      // Right after the removal, with and without a reply address.
      bobWs.send(Addresses.chatTyping(chatId), new JsonObject());
      assertEquals("access_denied", bobWs.refusal().getString("body"));
      typing(bobWs, chatId);
      assertEquals("access_denied", bobWs.refusal().getString("body"));
      marker(aliceWs, chatId, "after bob left");
      assertEquals(List.of(), typingUpTo(carolWs, chatId, "after bob left"), "nobody hears the removed user typing");
      assertEquals(List.of(), typingUpTo(aliceWs, chatId, "after bob left"));
    }
  }

  @Test
  void badBodiesAndOtherFramesOnTheTypingAddress() throws Exception {
    TestClient alice = stack.client().signUp("tb_alice", "student");
    TestClient bob = stack.client().signUp("tb_bob", "student");
    long chatId = alice.createChat("typing bodies", bob.id());
    try (BridgeSocket aliceWs = alice.bridge(); BridgeSocket bobWs = bob.bridge()) {
      aliceWs.subscribe(chatId);
      bobWs.subscribe(chatId);
      List<Object> bad = List.of("typing", 5, true, new JsonArray().add(1));
      for (Object body : bad) {
        JsonObject err = aliceWs.reply(aliceWs.send(Addresses.chatTyping(chatId), body));
        assertEquals("err", err.getString("type"), err.encode());
        assertEquals(400, err.getInteger("failureCode"));
        assertEquals("validation", err.getString("message"));
      }
      JsonObject missing = aliceWs.reply(aliceWs.send(Addresses.chatTyping(chatId), null));
      assertEquals(400, missing.getInteger("failureCode"), missing.encode());
      for (Object body : bad) {
        typing(aliceWs, chatId, body); // without a reply address: dropped, nothing to answer
      }
      aliceWs.publish(Addresses.chatTyping(chatId), new JsonObject());
      assertEquals("rejected", aliceWs.refusal().getString("body"));
      aliceWs.register(Addresses.chatTyping(chatId));
      assertEquals("access_denied", aliceWs.refusal().getString("body"));
      marker(aliceWs, chatId, "after bad bodies");
      assertEquals(List.of(), typingUpTo(bobWs, chatId, "after bad bodies"), "no bad body is passed on");

      // The limit was not spent on them: a good one now passes.
      typing(aliceWs, chatId);
      assertEquals(expectedEvent(chatId, alice), bobWs.event(Addresses.chatEvents(chatId), "typing").getJsonObject("body"));
    }
    assertEquals(1, alice.history(chatId).size());
  }
}
