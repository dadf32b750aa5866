package chat.chats;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import chat.shared.Addresses;
import chat.shared.ErrorCode;
import chat.shared.ServiceError;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import org.junit.jupiter.api.Test;

class RobustnessTest extends ChatTestBase {

  private static final List<String> OPERATIONS = List.of(Addresses.CHAT_CREATE, Addresses.CHAT_LIST,
    Addresses.CHAT_GET, Addresses.CHAT_ADD_PARTICIPANT, Addresses.CHAT_REMOVE_PARTICIPANT,
    Addresses.CHAT_MEMBERSHIP, Addresses.CHAT_MESSAGE_SEND, Addresses.CHAT_MESSAGE_HISTORY,
    Addresses.CHAT_RENAME, Addresses.CHAT_MESSAGE_EDIT, Addresses.CHAT_MESSAGE_DELETE,
    Addresses.CHAT_REACTION_ADD, Addresses.CHAT_REACTION_REMOVE);

  @Test
  void pingAnswersUp() throws Exception {
    assertEquals(new JsonObject().put("status", "UP"), call(Addresses.CHAT_PING, new JsonObject()));
  }

  @Test
  void serviceSurvivesBadInputOnEveryOperation() throws Exception {
    long chatId = createChat(ALICE, "sturdy", BOB).getLong("id");
    List<JsonObject> bodies = List.of(
      new JsonObject(),
      new JsonObject().put("user_id", "alice"),
      new JsonObject().put("user_id", -1).put("chat_id", chatId),
      new JsonObject().put("user_id", ALICE).put("chat_id", new JsonArray()),
      new JsonObject().put("user_id", ALICE).put("chat_id", "1; DROP TABLE chats").put("name", "x"),
      new JsonObject().put("user_id", ALICE).put("chat_id", Long.MAX_VALUE).put("participant_id", Long.MAX_VALUE),
      new JsonObject().put("user_id", 1.5).put("chat_id", chatId).put("content", "x"),
      new JsonObject().put("user_id", ALICE).put("chat_id", chatId).put("name", new JsonObject())
        .put("participant_ids", "all").put("content", 7).put("limit", new JsonObject()).put("participant_id", "me"));

    for (String address : OPERATIONS) {
      for (JsonObject body : bodies) {
        try {
          call(address, body);
        } catch (ServiceError e) {
          assertTrue(e.code() == ErrorCode.VALIDATION || e.code() == ErrorCode.NOT_FOUND
            || e.code() == ErrorCode.UNAUTHENTICATED, address + " " + body + " -> " + e.code());
        }
      }
      // not a JSON object at all: answered (ServiceBus.serve refuses it as VALIDATION), not left waiting
      ServiceError raw = ServiceError.from(assertThrowsFuture(vertx.eventBus().request(address, "not json")));
      assertEquals(ErrorCode.VALIDATION, raw.code());
    }

    assertEquals("UP", call(Addresses.CHAT_PING, new JsonObject()).getString("status"));
    assertEquals(List.of(ALICE, BOB), participantIds(getChat(ALICE, chatId)));
    assertNotNull(send(BOB, chatId, "still alive").getLong("id"));
    assertEquals(1, allMessages(ALICE, chatId).size());
  }

  @Test
  void lookupFailureOfAuthIsReportedNotSwallowed() throws Exception {
    stopAuth();

    ServiceError error = failure(ErrorCode.UNAVAILABLE, Addresses.CHAT_CREATE,
      new JsonObject().put("user_id", ALICE).put("name", "no auth"));

    assertNotNull(error.getMessage());
    assertEquals(0, call(Addresses.CHAT_LIST, new JsonObject().put("user_id", ALICE)).getJsonArray("chats").size());
  }

  private static Throwable assertThrowsFuture(Future<?> future) throws Exception {
    try {
      await(future);
    } catch (Exception e) {
      return e;
    }
    throw new AssertionError("expected a failure");
  }
}
