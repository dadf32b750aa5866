package chat.chats;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import chat.shared.Addresses;
import io.vertx.core.json.JsonObject;
import java.util.List;
import org.junit.jupiter.api.Test;

class RestartTest extends ChatTestBase {

  @Test
  void messagesMembershipsAndUsersSurviveARestart() throws Exception {
    long chatId = createChat(ALICE, "durable", BOB, CAROL).getLong("id");
    addParticipant(ALICE, chatId, DAVE);
    call(Addresses.CHAT_REMOVE_PARTICIPANT, removeRequest(BOB, "student", chatId, BOB));
    JsonObject keyed = call(Addresses.CHAT_MESSAGE_SEND, sendRequest(ALICE, chatId, "first").put("client_id", "k1"));
    send(CAROL, chatId, "second");
    send(DAVE, chatId, "third");
    JsonObject chatBefore = getChat(ALICE, chatId);
    List<JsonObject> historyBefore = allMessages(ALICE, chatId);

    // Without auth, everything shown must come from the chat service's own database.
    stopAuth();
    restart();

    assertEquals(chatBefore, getChat(ALICE, chatId));
    assertEquals(List.of(ALICE, CAROL, DAVE), participantIds(getChat(DAVE, chatId)));
    assertEquals(historyBefore, allMessages(CAROL, chatId));
    assertTrue(isMember(DAVE, chatId));
    assertFalse(isMember(BOB, chatId));

    // ids go on after the stored ones, and client ids are still remembered
    JsonObject after = send(ALICE, chatId, "after restart");
    assertTrue(after.getLong("id") > historyBefore.get(2).getLong("id"));
    assertEquals(keyed, call(Addresses.CHAT_MESSAGE_SEND, sendRequest(ALICE, chatId, "first").put("client_id", "k1")));
    assertEquals(4, allMessages(ALICE, chatId).size());
  }

  @Test
  void restartOnAnEmptyDatabaseStartsCleanly() throws Exception {
    restart();

    assertEquals("UP", call(Addresses.CHAT_PING, new JsonObject()).getString("status"));
    long chatId = createChat(ALICE, "fresh", BOB).getLong("id");
    assertEquals(1, ids(List.of(send(BOB, chatId, "hello"))).size());
  }
}
