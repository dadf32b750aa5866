package chat.app;

import chat.testing.TestStack;
import chat.testing.TestClient;

import chat.testing.BridgeSocket;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.junit5.VertxExtension;
import java.nio.file.Path;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Contract v2, "Privacy of user objects": a user's email goes only to that user and to owners.
 * The user objects the chat service hands participants (a chat's {@code participants}, a
 * message's {@code sender}, the {@code user} of participant events) carry none.
 */
@ExtendWith(VertxExtension.class)
class ChatPrivacyTest {

  /** What a participant may see of another user. */
  private static final Set<String> PARTICIPANT_FIELDS = Set.of("id", "username", "user_type", "date_joined");

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
  void chatObjectsOverRestCarryNoEmails() {
    TestClient alice = stack.client().signUp("priv_alice", "student");
    TestClient bob = stack.client().signUp("priv_bob", "university_staff");
    TestClient carol = stack.client().signUp("priv_carol", "student");

    HttpResponse<Buffer> created = alice.post("/api/chats", new JsonObject().put("name", "private")
      .put("participant_ids", new JsonArray().add(bob.id())));
    assertEquals(201, created.statusCode(), created.bodyAsString());
    long chatId = created.bodyAsJsonObject().getLong("id");
    assertParticipantsWithoutEmail(created.bodyAsJsonObject());

    HttpResponse<Buffer> one = bob.get("/api/chats/" + chatId);
    assertEquals(200, one.statusCode(), one.bodyAsString());
    assertParticipantsWithoutEmail(one.bodyAsJsonObject());

    HttpResponse<Buffer> list = bob.get("/api/chats");
    assertEquals(200, list.statusCode(), list.bodyAsString());
    list.bodyAsJsonObject().getJsonArray("chats").forEach(c -> assertParticipantsWithoutEmail((JsonObject) c));

    HttpResponse<Buffer> added = alice.post("/api/chats/" + chatId + "/participants",
      new JsonObject().put("user_id", carol.id()));
    assertEquals(200, added.statusCode(), added.bodyAsString());
    assertParticipantsWithoutEmail(added.bodyAsJsonObject());

    HttpResponse<Buffer> removed = alice.delete("/api/chats/" + chatId + "/participants/" + carol.id());
    assertEquals(200, removed.statusCode(), removed.bodyAsString());
    assertParticipantsWithoutEmail(removed.bodyAsJsonObject());

    JsonObject message = alice.sendMessage(chatId, "who am I");
    assertEquals(Set.of("id", "username", "user_type"), message.getJsonObject("sender").fieldNames());
    bob.history(chatId, "").forEach(m ->
      assertEquals(Set.of("id", "username", "user_type"), ((JsonObject) m).getJsonObject("sender").fieldNames()));
    for (TestClient c : new TestClient[] {alice, bob}) {
      for (String path : new String[] {"/api/chats/" + chatId, "/api/chats", "/api/chats/" + chatId + "/messages"}) {
        assertFalse(c.get(path).bodyAsString().contains("@"), path + " shows no email to participants");
      }
    }
    // The user itself still sees its own email.
    assertEquals(alice.user.getString("email"), alice.get("/api/auth/me").bodyAsJsonObject().getString("email"));
  }

  @Test
  void participantEventsOnTheBridgeCarryNoEmails() throws Exception {
    TestClient alice = stack.client().signUp("privws_alice", "student");
    TestClient bob = stack.client().signUp("privws_bob", "student");
    TestClient dave = stack.client().signUp("privws_dave", "student");
    long chatId = alice.createChat("events", bob.id());
    try (BridgeSocket bobWs = bob.bridge()) {
      bobWs.subscribe(chatId);

      assertEquals(200, alice.post("/api/chats/" + chatId + "/participants",
        new JsonObject().put("user_id", dave.id())).statusCode());
      JsonObject addedEvent = bobWs.event("chat." + chatId, "participant_added").getJsonObject("body");
      assertEquals(dave.id(), addedEvent.getJsonObject("user").getLong("id"));
      assertEquals(PARTICIPANT_FIELDS, addedEvent.getJsonObject("user").fieldNames(), addedEvent.encode());

      assertEquals(200, alice.delete("/api/chats/" + chatId + "/participants/" + dave.id()).statusCode());
      JsonObject removedEvent = bobWs.event("chat." + chatId, "participant_removed").getJsonObject("body");
      assertEquals(dave.id(), removedEvent.getJsonObject("user").getLong("id"));
      assertEquals(PARTICIPANT_FIELDS, removedEvent.getJsonObject("user").fieldNames(), removedEvent.encode());

      JsonObject sent = alice.sendMessage(chatId, "after the events");
      JsonObject messageEvent = bobWs.event("chat." + chatId, "message").getJsonObject("body");
      assertEquals(sent, messageEvent.getJsonObject("message"));
      assertFalse(messageEvent.encode().contains("@"), "no email in the message event");
    }
  }

  private static void assertParticipantsWithoutEmail(JsonObject chat) {
    JsonArray participants = chat.getJsonArray("participants");
    assertFalse(participants.isEmpty());
    participants.forEach(p -> assertEquals(PARTICIPANT_FIELDS, ((JsonObject) p).fieldNames(), chat.encode()));
  }
}
