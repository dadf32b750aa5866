package chat.chats;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import chat.shared.Addresses;
import chat.shared.ErrorCode;
import chat.shared.ServiceError;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class MessageSendTest extends ChatTestBase {

  private long chatId;

  @BeforeEach
  void createChat() throws Exception {
    chatId = createChat(ALICE, "talk", BOB).getLong("id");
  }

  @Test
  void sendReturnsTheStoredMessageAndPublishesIt() throws Exception {
    List<JsonObject> events = recordEvents(chatId);

    JsonObject message = send(ALICE, chatId, "hello bob");

    assertEquals(Set.of("id", "chat_id", "sender", "content", "created_at", "seq", "edited_at", "reactions", "attachments"),
      message.fieldNames());
    assertEquals(chatId, message.getLong("chat_id"));
    assertEquals(new JsonObject().put("id", ALICE).put("username", "alice").put("user_type", "student"),
      message.getJsonObject("sender"));
    assertEquals("hello bob", message.getString("content"));
    assertTrue(message.getString("created_at").matches("\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}\\.\\d{3}Z"));
    waitUntil("the message event arrived", () -> events.size() == 1);
    assertEquals(new JsonObject().put("type", "message").put("message", message).put("seq", 1), events.get(0));
    assertEquals(List.of(message), allMessages(BOB, chatId));
  }

  @Test
  void sendRejectsContentThatIsNotAString() throws Exception {
    for (Object content : new Object[] {null, 42, true, new JsonObject().put("text", "hi"), new JsonArray().add("hi")}) {
      ServiceError error = failure(ErrorCode.VALIDATION, Addresses.CHAT_MESSAGE_SEND, sendRequest(ALICE, chatId, content));
      assertEquals("must be a string", error.fields().getString("content"), "for " + content);
    }
    assertEquals(List.of(), allMessages(ALICE, chatId));
  }

  @Test
  void sendRejectsEmptyAndWhitespaceOnlyContent() throws Exception {
    for (String content : new String[] {"", " ", "   \n\t\r ", "\u00a0\u2003\u3000"}) {
      ServiceError error = failure(ErrorCode.VALIDATION, Addresses.CHAT_MESSAGE_SEND, sendRequest(ALICE, chatId, content));
      assertTrue(error.fields().containsKey("content"));
    }
    assertEquals(List.of(), allMessages(ALICE, chatId));
  }

  @Test
  void sendRejectsContentLongerThanTheMaximumByOneCodePoint() throws Exception {
    String grin = "\uD83D\uDE00"; // one code point, two UTF-16 chars
    for (String content : new String[] {"a".repeat(8001), grin.repeat(8001), "a".repeat(8000) + grin}) {
      ServiceError error = failure(ErrorCode.VALIDATION, Addresses.CHAT_MESSAGE_SEND, sendRequest(ALICE, chatId, content));
      assertTrue(error.fields().containsKey("content"));
    }
    assertEquals(List.of(), allMessages(ALICE, chatId));
  }

  @Test
  void sendAcceptsContentOfExactlyTheMaximumLength() throws Exception {
    String grin = "\uD83D\uDE00";
    String ascii = "a".repeat(8000);
    String emoji = grin.repeat(8000);

    assertEquals(ascii, send(ALICE, chatId, ascii).getString("content"));
    assertEquals(emoji, send(ALICE, chatId, emoji).getString("content"));

    List<JsonObject> stored = allMessages(ALICE, chatId);
    assertEquals(List.of(ascii, emoji), List.of(stored.get(0).getString("content"), stored.get(1).getString("content")));
  }

  @Test
  void sendRejectsBrokenUnicode() throws Exception {
    failure(ErrorCode.VALIDATION, Addresses.CHAT_MESSAGE_SEND, sendRequest(ALICE, chatId, "half \uD83D"));
    assertEquals(List.of(), allMessages(ALICE, chatId));
  }

  @Test
  void sqlAndHtmlContentRoundTripsLiterally() throws Exception {
    List<JsonObject> events = recordEvents(chatId);
    String sql = "'); DROP TABLE messages;--";
    String html = "<script>alert(1)</script>";
    String spaced = "  keeps \"quotes\", \\backslashes\\ & spaces \n";

    assertEquals(sql, send(ALICE, chatId, sql).getString("content"));
    assertEquals(html, send(BOB, chatId, html).getString("content"));
    assertEquals(spaced, send(BOB, chatId, spaced).getString("content"));

    List<JsonObject> stored = allMessages(ALICE, chatId);
    assertEquals(List.of(sql, html, spaced), stored.stream().map(m -> m.getString("content")).toList());
    waitUntil("three events", () -> events.size() == 3);
    assertEquals(List.of(sql, html, spaced),
      events.stream().map(e -> e.getJsonObject("message").getString("content")).toList());
  }

  @Test
  void sameClientIdTwiceStoresOnceAndPublishesOnce() throws Exception {
    List<JsonObject> events = recordEvents(chatId);

    JsonObject first = call(Addresses.CHAT_MESSAGE_SEND, sendRequest(ALICE, chatId, "only once").put("client_id", "c-1"));
    JsonObject second = call(Addresses.CHAT_MESSAGE_SEND, sendRequest(ALICE, chatId, "only once").put("client_id", "c-1"));

    assertEquals(first, second);
    assertEquals(List.of(first), allMessages(ALICE, chatId));
    flushEvents(events, ALICE, chatId);
    assertEquals(1, events.stream().filter(e -> e.getJsonObject("message").getLong("id").equals(first.getLong("id"))).count());
  }

  @Test
  void retryWithSameClientIdAnswersWithTheFirstMessageEvenIfContentDiffers() throws Exception {
    JsonObject first = call(Addresses.CHAT_MESSAGE_SEND, sendRequest(ALICE, chatId, "v1").put("client_id", "retry"));
    JsonObject retry = call(Addresses.CHAT_MESSAGE_SEND, sendRequest(ALICE, chatId, "v2").put("client_id", "retry"));

    assertEquals(first, retry);
    assertEquals("v1", retry.getString("content"));
  }

  @Test
  void sameClientIdInOneBatchStoresOnce() throws Exception {
    JsonObject request = sendRequest(ALICE, chatId, "double click").put("client_id", "dbl");
    // Fired together, they are accepted into the same queue (very likely the same batch).
    Future<JsonObject> a = bus.request(Addresses.CHAT_MESSAGE_SEND, request);
    Future<JsonObject> b = bus.request(Addresses.CHAT_MESSAGE_SEND, request);

    assertEquals(await(a), await(b));
    assertEquals(1, allMessages(ALICE, chatId).size());
  }

  @Test
  void sameClientIdFromAnotherSenderOrChatIsADifferentMessage() throws Exception {
    long otherChat = createChat(ALICE, "elsewhere", BOB).getLong("id");

    JsonObject alice = call(Addresses.CHAT_MESSAGE_SEND, sendRequest(ALICE, chatId, "one").put("client_id", "k"));
    JsonObject bob = call(Addresses.CHAT_MESSAGE_SEND, sendRequest(BOB, chatId, "two").put("client_id", "k"));
    JsonObject elsewhere = call(Addresses.CHAT_MESSAGE_SEND, sendRequest(ALICE, otherChat, "three").put("client_id", "k"));

    assertNotEquals(alice.getLong("id"), bob.getLong("id"));
    assertNotEquals(alice.getLong("id"), elsewhere.getLong("id"));
    assertEquals(BOB, bob.getJsonObject("sender").getLong("id"));
    assertEquals(2, allMessages(ALICE, chatId).size());
    assertEquals(1, allMessages(ALICE, otherChat).size());
  }

  @Test
  void sendValidatesClientId() throws Exception {
    for (Object clientId : new Object[] {"", "x".repeat(101), 42, new JsonObject()}) {
      ServiceError error = failure(ErrorCode.VALIDATION, Addresses.CHAT_MESSAGE_SEND,
        sendRequest(ALICE, chatId, "hi").put("client_id", clientId));
      assertTrue(error.fields().containsKey("client_id"), "for " + clientId);
    }
    assertEquals(List.of(), allMessages(ALICE, chatId));

    String longest = "x".repeat(100);
    String uuid = "3f2c1a9e-8b7d-4c6e-9f10-2a3b4c5d6e7f";
    long a = call(Addresses.CHAT_MESSAGE_SEND, sendRequest(ALICE, chatId, "a").put("client_id", longest)).getLong("id");
    long b = call(Addresses.CHAT_MESSAGE_SEND, sendRequest(ALICE, chatId, "b").put("client_id", uuid)).getLong("id");
    assertEquals(a, call(Addresses.CHAT_MESSAGE_SEND, sendRequest(ALICE, chatId, "a").put("client_id", longest)).getLong("id"));
    assertEquals(b, call(Addresses.CHAT_MESSAGE_SEND, sendRequest(ALICE, chatId, "b").put("client_id", uuid)).getLong("id"));
    assertEquals(2, allMessages(ALICE, chatId).size());
  }

  @Test
  void sendByNonParticipantOrToMissingChatIsNotFound() throws Exception {
    failure(ErrorCode.NOT_FOUND, Addresses.CHAT_MESSAGE_SEND, sendRequest(DAVE, chatId, "let me in"));
    failure(ErrorCode.NOT_FOUND, Addresses.CHAT_MESSAGE_SEND, sendRequest(ALICE, chatId + 1000, "anyone?"));

    assertEquals(List.of(), allMessages(ALICE, chatId));
  }

  @Test
  void senderIsAlwaysTheCallerWhateverTheBodySays() throws Exception {
    JsonObject message = call(Addresses.CHAT_MESSAGE_SEND, sendRequest(ALICE, chatId, "it's me")
      .put("sender", new JsonObject().put("id", BOB)).put("sender_id", BOB));

    assertEquals(ALICE, message.getJsonObject("sender").getLong("id"));
  }

  @Test
  void removedParticipantCanNoLongerSend() throws Exception {
    call(Addresses.CHAT_REMOVE_PARTICIPANT, removeRequest(ALICE, "student", chatId, BOB));

    failure(ErrorCode.NOT_FOUND, Addresses.CHAT_MESSAGE_SEND, sendRequest(BOB, chatId, "still here?"));
    assertEquals(List.of(), allMessages(ALICE, chatId));
  }
}
