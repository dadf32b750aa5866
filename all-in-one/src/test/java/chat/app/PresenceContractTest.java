package chat.app;

import chat.testing.TestClient;
import chat.testing.TestStack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import chat.testing.BridgeSocket;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.junit5.VertxExtension;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Presence of contract v2 over real bridge WebSocket frames and real HTTP: {@code presence}
 * events on every chat of a user when its first socket opens and after its last one closed
 * (and the grace passed), no flap on a quick reconnect, logout, and
 * {@code GET /api/chats/{id}/presence} for participants only.
 */
@ExtendWith(VertxExtension.class)
class PresenceContractTest {

  /** Short enough for quick tests, long enough that a reconnect on loopback always fits in it. */
  private static final long GRACE_MS = 2000;
  private static final long WAIT_MS = 15_000;

  @TempDir
  static Path dataDir;
  static TestStack stack;

  @BeforeAll
  static void deploy(Vertx vertx) throws Exception {
    stack = TestStack.deploy(vertx, dataDir, new JsonObject().put("CHAT_PRESENCE_GRACE_MS", GRACE_MS));
  }

  @AfterAll
  static void undeploy() throws Exception {
    stack.undeploy();
  }

  private static JsonObject presence(long chatId, long userId, boolean online) {
    return new JsonObject().put("type", "presence").put("chat_id", chatId).put("user_id", userId).put("online", online);
  }

  /** The next presence event on the chat about this user. */
  private static JsonObject presenceOf(BridgeSocket ws, long chatId, long userId) throws InterruptedException {
    String address = "chat." + chatId;
    return ws.await(f -> "rec".equals(f.getString("type")) && address.equals(f.getString("address"))
      && f.getValue("body") instanceof JsonObject && "presence".equals(f.getJsonObject("body").getString("type"))
      && f.getJsonObject("body").getLong("user_id") == userId, WAIT_MS).getJsonObject("body");
  }

  private static JsonArray online(TestClient client, long chatId) {
    HttpResponse<Buffer> r = client.get("/api/chats/" + chatId + "/presence");
    assertEquals(200, r.statusCode(), r.bodyAsString());
    return r.bodyAsJsonObject().getJsonArray("online");
  }

  @Test
  void firstSocketOpenAndLastSocketCloseReachEveryChatOfTheUser() throws Exception {
    TestClient alice = stack.client().signUp("pr_alice", "student");
    TestClient bob = stack.client().signUp("pr_bob", "student");
    TestClient carol = stack.client().signUp("pr_carol", "student");
    long withAlice = alice.createChat("presence one", bob.id());
    long withCarol = carol.createChat("presence two", bob.id());
    try (BridgeSocket aliceWs = alice.bridge(); BridgeSocket carolWs = carol.bridge()) {
      aliceWs.subscribe(withAlice);
      carolWs.subscribe(withCarol);
      assertEquals(new JsonArray().add(alice.id()), online(bob, withAlice), "bob has no socket yet");

      BridgeSocket first = bob.bridge();
      assertEquals(presence(withAlice, bob.id(), true), presenceOf(aliceWs, withAlice, bob.id()));
      assertEquals(presence(withCarol, bob.id(), true), presenceOf(carolWs, withCarol, bob.id()));
      assertEquals(new JsonArray().add(alice.id()).add(bob.id()), online(alice, withAlice));
      assertEquals(new JsonArray().add(carol.id()).add(bob.id()), online(bob, withCarol));

      // A second socket, and the first one closing: bob is still online, so nothing is said.
      BridgeSocket second = bob.bridge();
      first.close();
      second.close();
      JsonObject offline = presenceOf(aliceWs, withAlice, bob.id());
      assertEquals(presence(withAlice, bob.id(), false), offline, "one offline, after his last socket closed");
      assertFalse(offline.containsKey("seq"), "presence is live only");
      assertEquals(presence(withCarol, bob.id(), false), presenceOf(carolWs, withCarol, bob.id()));
      assertEquals(new JsonArray().add(alice.id()), online(alice, withAlice));
    }
  }

  /**
   * Bob's socket closes and he reconnects at once, within the grace; carol's closes after that.
   * Had bob been reported offline, his grace (started first) would have ended first: the first
   * presence event after carol's close that alice sees is carol's offline, never bob's.
   */
  @Test
  void aQuickReconnectIsNoFlap() throws Exception {
    TestClient alice = stack.client().signUp("pf_alice", "student");
    TestClient bob = stack.client().signUp("pf_bob", "student");
    TestClient carol = stack.client().signUp("pf_carol", "student");
    long chatId = alice.createChat("no flap", bob.id(), carol.id());
    String address = "chat." + chatId;
    try (BridgeSocket aliceWs = alice.bridge()) {
      aliceWs.subscribe(chatId);
      BridgeSocket bobWs = bob.bridge();
      assertEquals(presence(chatId, bob.id(), true), presenceOf(aliceWs, chatId, bob.id()));
      BridgeSocket carolWs = carol.bridge();
      assertEquals(presence(chatId, carol.id(), true), presenceOf(aliceWs, chatId, carol.id()));

      bobWs.close();
      try (BridgeSocket bobAgain = bob.bridge()) {
        bobAgain.ping();
        bobAgain.await(f -> "pong".equals(f.getString("type")), WAIT_MS);
        carolWs.close();
        JsonObject next = aliceWs.await(f -> "rec".equals(f.getString("type")) && address.equals(f.getString("address"))
          && f.getValue("body") instanceof JsonObject && "presence".equals(f.getJsonObject("body").getString("type")), WAIT_MS)
          .getJsonObject("body");
        assertEquals(presence(chatId, carol.id(), false), next, "bob never went offline");
        assertEquals(new JsonArray().add(alice.id()).add(bob.id()), online(alice, chatId));
      }
    }
  }

  @Test
  void logoutClosesTheSocketsAndTheUserGoesOffline() throws Exception {
    TestClient alice = stack.client().signUp("pl_alice", "student");
    TestClient bob = stack.client().signUp("pl_bob", "student");
    long chatId = alice.createChat("logout presence", bob.id());
    try (BridgeSocket aliceWs = alice.bridge()) {
      aliceWs.subscribe(chatId);
      BridgeSocket bobWs = bob.bridge();
      assertEquals(presence(chatId, bob.id(), true), presenceOf(aliceWs, chatId, bob.id()));
      assertEquals(new JsonArray().add(alice.id()).add(bob.id()), online(alice, chatId));
      assertEquals(204, bob.post("/api/auth/logout", null).statusCode());
      bobWs.awaitClosed(WAIT_MS);
      bobWs.close();
      assertEquals(presence(chatId, bob.id(), false), presenceOf(aliceWs, chatId, bob.id()));
      assertEquals(new JsonArray().add(alice.id()), online(alice, chatId));
    }
  }

  @Test
  void onlyParticipantsMayAskWhoIsOnline() {
    TestClient alice = stack.client().signUp("pn_alice", "student");
    TestClient eve = stack.client().signUp("pn_eve", "student");
    long chatId = alice.createChat("private presence");
    for (String path : new String[] {"/api/chats/" + chatId + "/presence", "/api/chats/987654321/presence"}) {
      HttpResponse<Buffer> r = eve.get(path);
      assertEquals(404, r.statusCode(), r.bodyAsString());
      assertEquals("not_found", r.bodyAsJsonObject().getJsonObject("error").getString("code"));
    }
    HttpResponse<Buffer> anonymous = stack.client().get("/api/chats/" + chatId + "/presence");
    assertEquals(401, anonymous.statusCode(), anonymous.bodyAsString());
    assertEquals(new JsonArray(), online(alice, chatId), "alice has no socket");
  }
}
