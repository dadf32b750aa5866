package chat.app;

import chat.testing.TestStack;
import chat.testing.TestClient;

import chat.testing.BridgeSocket;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.http.UpgradeRejectedException;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** The SockJS event-bus bridge of the contract, spoken over a real WebSocket with the session cookie. */
@ExtendWith(VertxExtension.class)
class BridgeContractTest {

  @TempDir
  static Path dataDir;
  static TestStack stack;

  @BeforeAll
  static void deploy(Vertx vertx) throws Exception {
    stack = TestStack.deploy(vertx, dataDir, new JsonObject().put("CHAT_MAX_MESSAGE_LENGTH", 100));
  }

  @AfterAll
  static void undeploy() throws Exception {
    stack.undeploy();
  }


  private static JsonObject message(JsonObject frame) {
    return frame.getJsonObject("body").getJsonObject("message");
  }

  @Test
  void participantsReceiveRestAndBridgeMessagesInRealTime() throws Exception {
    TestClient alice = stack.client().signUp("rt_alice", "student");
    TestClient bob = stack.client().signUp("rt_bob", "student");
    long chatId = alice.createChat("realtime", bob.id());
    try (BridgeSocket aliceWs = alice.bridge(); BridgeSocket bobWs = bob.bridge()) {
      aliceWs.subscribe(chatId);
      bobWs.subscribe(chatId);

      JsonObject viaRest = alice.sendMessage(chatId, "over REST");
      assertEquals(viaRest, message(bobWs.event("chat." + chatId, "message")));
      assertEquals(viaRest, message(aliceWs.event("chat." + chatId, "message")));

      String reply = bobWs.send("chat." + chatId + ".send", new JsonObject().put("content", "over the bridge"), null);
      JsonObject ack = bobWs.reply(reply);
      assertEquals("rec", ack.getString("type"), ack.encode());
      JsonObject stored = ack.getJsonObject("body");
      assertEquals("over the bridge", stored.getString("content"));
      assertEquals(bob.id(), stored.getJsonObject("sender").getLong("id"));
      assertEquals(stored, message(aliceWs.event("chat." + chatId, "message")));
      assertEquals(stored, message(bobWs.event("chat." + chatId, "message")));
      assertEquals(List.of("over REST", "over the bridge"), alice.history(chatId, "").stream()
        .map(m -> ((JsonObject) m).getString("content")).collect(Collectors.toList()));
    }
  }

  @Test
  void nonParticipantCannotRegisterOrSendAndNothingIsStored() throws Exception {
    TestClient alice = stack.client().signUp("np_alice", "student");
    TestClient eve = stack.client().signUp("np_eve", "student");
    long chatId = alice.createChat("private");
    try (BridgeSocket eveWs = eve.bridge(); BridgeSocket aliceWs = alice.bridge()) {
      aliceWs.subscribe(chatId);
      eveWs.register("chat." + chatId);
      assertEquals("access_denied", eveWs.refusal().getString("body"));
      eveWs.send("chat." + chatId + ".send", new JsonObject().put("content", "intrusion"), null);
      assertEquals("access_denied", eveWs.refusal().getString("body"));
      alice.sendMessage(chatId, "secret");
      assertTrue(eveWs.drain("chat." + chatId, 300).isEmpty(), "eve receives nothing");
      assertEquals(1, alice.history(chatId, "").size());
    }
  }

  @Test
  void socketWithoutSessionCanDoNothing() throws Exception {
    TestClient alice = stack.client().signUp("anon_alice", "student");
    long chatId = alice.createChat("anon");
    try (BridgeSocket anon = BridgeSocket.open(stack.vertx, stack.port, MultiMap.caseInsensitiveMultiMap())) {
      anon.register("chat." + chatId);
      assertEquals("access_denied", anon.refusal().getString("body"));
      anon.send("chat." + chatId + ".send", new JsonObject().put("content", "x"), null);
      assertEquals("access_denied", anon.refusal().getString("body"));
    }
    assertEquals(0, alice.history(chatId, "").size());
  }

  @Test
  void publishIsRefused() throws Exception {
    TestClient alice = stack.client().signUp("pub_alice", "student");
    long chatId = alice.createChat("publish");
    try (BridgeSocket ws = alice.bridge(); BridgeSocket listener = alice.bridge()) {
      listener.subscribe(chatId);
      JsonObject fake = new JsonObject().put("type", "message").put("message", new JsonObject().put("content", "forged"));
      ws.publish("chat." + chatId, fake);
      assertEquals("err", ws.refusal().getString("type"));
      ws.publish("chat." + chatId + ".send", new JsonObject().put("content", "via publish"));
      assertEquals("err", ws.refusal().getString("type"));
      assertTrue(listener.drain("chat." + chatId, 300).isEmpty(), "nothing published");
      assertEquals(0, alice.history(chatId, "").size());
    }
  }

  @Test
  void lookAlikeAndInternalAddressesAreRefused() throws Exception {
    TestClient alice = stack.client().signUp("la_alice", "student");
    long chatId = alice.createChat("lookalike");
    List<String> bad = List.of("chat." + chatId + ".x", "chat.0" + chatId, "chatX" + chatId, "chat." + chatId + "a",
      "chat.-" + chatId, "chat." + "9".repeat(40), "chat." + chatId + ".send.x", "x".repeat(300),
      "svc.chat.messages.send", "svc.auth.login", "svc.auth.users.search", "gateway.sessions.ended", "__vertx.reply.1");
    try (BridgeSocket ws = alice.bridge()) {
      for (String address : bad) {
        ws.register(address);
        assertEquals("err", ws.refusal().getString("type"), address);
        ws.send(address, new JsonObject().put("content", "x").put("username", "a").put("password", "b").put("ids", List.of(1)), null);
        assertEquals("err", ws.refusal().getString("type"), address);
      }
      ws.send("chat." + chatId, new JsonObject().put("content", "to the events address"), null);
      assertEquals("access_denied", ws.refusal().getString("body"));
    }
    assertEquals(0, alice.history(chatId, "").size());
  }

  @Test
  void spoofedSenderHeadersAndFieldsAreIgnored() throws Exception {
    TestClient alice = stack.client().signUp("sp_alice", "student");
    TestClient bob = stack.client().signUp("sp_bob", "student");
    long chatId = alice.createChat("spoof", bob.id());
    try (BridgeSocket ws = alice.bridge()) {
      ws.subscribe(chatId);
      JsonObject headers = new JsonObject().put("chat.sender", Long.toString(bob.id())).put("user_id", Long.toString(bob.id()));
      JsonObject body = new JsonObject().put("content", "who am I").put("sender", new JsonObject().put("id", bob.id()))
        .put("user_id", bob.id()).put("sender_id", bob.id()).put("chat_id", 999);
      JsonObject ack = ws.reply(ws.send("chat." + chatId + ".send", body, headers));
      assertEquals(alice.id(), ack.getJsonObject("body").getJsonObject("sender").getLong("id"));
      assertEquals(chatId, ack.getJsonObject("body").getLong("chat_id"));
    }
    JsonObject stored = alice.history(chatId, "").getJsonObject(0);
    assertEquals(alice.id(), stored.getJsonObject("sender").getLong("id"));
  }

  @Test
  void bridgeSendFailuresReplyWithContractCodes() throws Exception {
    TestClient alice = stack.client().signUp("bf_alice", "student");
    long chatId = alice.createChat("bridge failures");
    try (BridgeSocket ws = alice.bridge()) {
      for (Object body : List.of(new JsonObject().put("content", ""), new JsonObject().put("content", 5),
        new JsonObject().put("content", "z".repeat(101)), new JsonObject(), "just a string")) {
        JsonObject err = ws.reply(ws.send("chat." + chatId + ".send", body, null));
        assertEquals("err", err.getString("type"), err.encode());
        assertEquals(400, err.getInteger("failureCode"));
        assertEquals("validation", err.getString("message"));
      }
    }
    assertEquals(0, alice.history(chatId, "").size());
  }

  @Test
  void bridgeSendWithClientIdIsIdempotent() throws Exception {
    TestClient alice = stack.client().signUp("bi_alice", "student");
    long chatId = alice.createChat("bridge idem");
    try (BridgeSocket ws = alice.bridge()) {
      JsonObject body = new JsonObject().put("content", "once").put("client_id", "c-1");
      JsonObject first = ws.reply(ws.send("chat." + chatId + ".send", body, null)).getJsonObject("body");
      JsonObject second = ws.reply(ws.send("chat." + chatId + ".send", body, null)).getJsonObject("body");
      assertEquals(first, second);
    }
    assertEquals(1, alice.history(chatId, "").size());
  }

  @Test
  void loggedOutUsersSocketStopsReceiving() throws Exception {
    TestClient alice = stack.client().signUp("lo_alice", "student");
    TestClient bob = stack.client().signUp("lo_bob", "student");
    long chatId = alice.createChat("logout", bob.id());
    try (BridgeSocket bobWs = bob.bridge()) {
      bobWs.subscribe(chatId);
      alice.sendMessage(chatId, "before");
      bobWs.event("chat." + chatId, "message");
      assertEquals(204, bob.post("/api/auth/logout", null).statusCode());
      bobWs.awaitClosed(5000);
      alice.sendMessage(chatId, "after");
      assertTrue(bobWs.drain("chat." + chatId, 300).isEmpty());
    }
  }

  @Test
  void removedParticipantsSocketStopsReceivingThatChatOnly() throws Exception {
    TestClient alice = stack.client().signUp("rm_alice", "student");
    TestClient bob = stack.client().signUp("rm_bob", "student");
    long chatId = alice.createChat("removal", bob.id());
    long otherChat = alice.createChat("still here", bob.id());
    try (BridgeSocket bobWs = bob.bridge()) {
      bobWs.subscribe(chatId);
      bobWs.subscribe(otherChat);
      assertEquals(200, alice.delete("/api/chats/" + chatId + "/participants/" + bob.id()).statusCode());
      JsonObject removal = bobWs.event("chat." + chatId, "participant_removed");
      assertEquals(bob.id(), removal.getJsonObject("body").getJsonObject("user").getLong("id"));
      alice.sendMessage(chatId, "not for bob");
      alice.sendMessage(otherChat, "for bob");
      assertEquals("for bob", message(bobWs.event("chat." + otherChat, "message")).getString("content"));
      assertTrue(bobWs.drain("chat." + chatId, 300).isEmpty(), "nothing more from the chat bob left");
      bobWs.send("chat." + chatId + ".send", new JsonObject().put("content", "still?"), null);
      assertEquals("access_denied", bobWs.refusal().getString("body"));

      // added back: delivery resumes on the registration the socket still holds
      assertEquals(200, alice.post("/api/chats/" + chatId + "/participants", new JsonObject().put("user_id", bob.id())).statusCode());
      bobWs.event("chat." + chatId, "participant_added");
      alice.sendMessage(chatId, "welcome back");
      assertEquals("welcome back", message(bobWs.event("chat." + chatId, "message")).getString("content"));
    }
  }

  @Test
  void removedParticipantsSocketNotOnTheChatIsDeniedItsNextSendAtOnce() throws Exception {
    TestClient alice = stack.client().signUp("rs_alice", "student");
    TestClient bob = stack.client().signUp("rs_bob", "student");
    long chatId = alice.createChat("removed sender", bob.id());
    try (BridgeSocket bobWs = bob.bridge()) {
      // Not registered on the chat: the gateway asked whether bob may send, and was told yes.
      JsonObject ack = bobWs.reply(bobWs.send("chat." + chatId + ".send", new JsonObject().put("content", "while in"), null));
      assertEquals("rec", ack.getString("type"), ack.encode());
      assertEquals(200, alice.delete("/api/chats/" + chatId + "/participants/" + bob.id()).statusCode());
      // At once, not after the gateway's memory of that answer runs out: a non-participant's refusal.
      bobWs.send("chat." + chatId + ".send", new JsonObject().put("content", "after removal"), null);
      assertEquals("access_denied", bobWs.refusal().getString("body"));
      bobWs.send("chat." + chatId + ".send", new JsonObject().put("content", "and again"), null);
      assertEquals("access_denied", bobWs.refusal().getString("body"));
    }
    assertEquals(List.of("while in"), alice.history(chatId, "").stream()
      .map(m -> ((JsonObject) m).getString("content")).collect(Collectors.toList()));
  }

  @Test
  void twoHundredRapidSendsArriveInStoredOrder() throws Exception {
    TestClient alice = stack.client().signUp("rapid_alice", "student");
    TestClient bob = stack.client().signUp("rapid_bob", "student");
    long chatId = alice.createChat("rapid", bob.id());
    try (BridgeSocket aliceWs = alice.bridge(); BridgeSocket bobWs = bob.bridge()) {
      bobWs.subscribe(chatId);
      List<String> replies = new ArrayList<>();
      for (int i = 0; i < 200; i++) {
        replies.add(aliceWs.send("chat." + chatId + ".send", new JsonObject().put("content", "n" + i), null));
      }
      List<Long> received = new ArrayList<>();
      for (int i = 0; i < 200; i++) {
        received.add(message(bobWs.event("chat." + chatId, "message")).getLong("id"));
      }
      for (String reply : replies) {
        assertEquals("rec", aliceWs.reply(reply).getString("type"));
      }
      List<Long> stored = new ArrayList<>();
      Long before = null;
      while (stored.size() < 200) {
        JsonObject page = alice.get("/api/chats/" + chatId + "/messages?limit=200" + (before == null ? "" : "&before=" + before)).bodyAsJsonObject();
        List<Long> ids = page.getJsonArray("messages").stream().map(m -> ((JsonObject) m).getLong("id")).collect(Collectors.toList());
        stored.addAll(0, ids);
        before = ids.get(0);
      }
      assertEquals(stored, received);
      List<String> contents = alice.history(chatId, "?limit=200").stream().map(m -> ((JsonObject) m).getString("content")).collect(Collectors.toList());
      for (int i = 0; i < 200; i++) {
        assertEquals("n" + i, contents.get(i), "one sender's messages are stored in the order sent");
      }
    }
  }

  @Test
  void foreignOriginHandshakeIsRefused() throws Exception {
    TestClient alice = stack.client().signUp("origin_alice", "student");
    WebSocketConnectOptions foreign = new WebSocketConnectOptions().setHost("127.0.0.1").setPort(stack.port)
      .setURI("/eventbus/websocket").addHeader("Cookie", alice.cookieHeader()).addHeader("Origin", "http://evil.example");
    var client = stack.vertx.createWebSocketClient();
    try {
      Throwable failure = null;
      try {
        client.connect(foreign).await(10, TimeUnit.SECONDS);
      } catch (Exception e) {
        failure = e;
      }
      assertNotNull(failure, "foreign origin refused");
      assertTrue(failure instanceof UpgradeRejectedException, String.valueOf(failure));
      assertEquals(403, ((UpgradeRejectedException) failure).getStatus());

      WebSocketConnectOptions allowed = new WebSocketConnectOptions(foreign).setHeaders(MultiMap.caseInsensitiveMultiMap()
        .add("Cookie", alice.cookieHeader()).add("Origin", "http://allowed.example"));
      client.connect(allowed).await(10, TimeUnit.SECONDS).close();
      WebSocketConnectOptions own = new WebSocketConnectOptions(foreign).setHeaders(MultiMap.caseInsensitiveMultiMap()
        .add("Cookie", alice.cookieHeader()).add("Origin", "http://127.0.0.1:" + stack.port));
      client.connect(own).await(10, TimeUnit.SECONDS).close();
    } finally {
      client.close();
    }
  }

  @Test
  void sockJsInfoAndXhrTransportAnswer() throws Exception {
    // One connection per request: vertx-web's xhr-polling transport closes the connection after
    // each poll response (no Connection: close header), so a pooled one may be reused as it closes.
    HttpClient http = stack.vertx.createHttpClient(new HttpClientOptions().setKeepAlive(false));
    try {
      RequestOptions base = new RequestOptions().setHost("127.0.0.1").setPort(stack.port);
      Buffer info = http.request(new RequestOptions(base).setURI("/eventbus/info"))
        .compose(req -> req.send().compose(HttpClientResponse::body)).await(10, TimeUnit.SECONDS);
      assertTrue(info.toJsonObject().getBoolean("websocket"));
      // xhr-polling: the open frame, then a send is accepted (needs the BodyHandler ahead of SockJS)
      String session = "/eventbus/000/s" + System.nanoTime() + "/";
      Buffer open = http.request(new RequestOptions(base).setMethod(HttpMethod.POST).setURI(session + "xhr"))
        .compose(req -> req.send().compose(HttpClientResponse::body)).await(10, TimeUnit.SECONDS);
      assertEquals("o", open.toString().trim());
      int status = http.request(new RequestOptions(base).setMethod(HttpMethod.POST).setURI(session + "xhr_send"))
        .compose(req -> req.putHeader("Content-Type", "text/plain").send("[\"{\\\"type\\\":\\\"ping\\\"}\"]"))
        .map(HttpClientResponse::statusCode).await(10, TimeUnit.SECONDS);
      assertEquals(204, status);
    } finally {
      http.close();
    }
  }
}
