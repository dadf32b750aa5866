package chat.chats;

import static org.junit.jupiter.api.Assertions.assertEquals;

import chat.shared.Addresses;
import chat.shared.ErrorCode;
import chat.shared.ServiceError;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** A request with several bad fields is refused once, naming every one of them (the shared Fields toolkit). */
class BadFieldsTest extends ChatTestBase {

  private static final JsonObject ACTOR = new JsonObject().put("id", OLIVIA).put("username", "olivia");

  private void assertFields(ServiceError error, String... fields) {
    assertEquals(Set.of(fields), error.fields().fieldNames(), () -> "fields of " + error.fields());
  }

  @Test
  void createNamesBothTheNameAndTheParticipantIds() throws Exception {
    ServiceError error = failure(ErrorCode.VALIDATION, Addresses.CHAT_CREATE,
      new JsonObject().put("user_id", ALICE).put("name", "   ").put("participant_ids", new JsonArray().add(BOB).add(0)));
    assertFields(error, "name", "participant_ids");
    assertEquals("must not be empty", error.fields().getString("name"));
    assertEquals(0, call(Addresses.CHAT_LIST, new JsonObject().put("user_id", ALICE)).getJsonArray("chats").size());
  }

  @Test
  void sendNamesTheChatTheContentAndTheClientId() throws Exception {
    ServiceError error = failure(ErrorCode.VALIDATION, Addresses.CHAT_MESSAGE_SEND,
      new JsonObject().put("user_id", ALICE).put("chat_id", "01").put("content", " \u00a0").put("client_id", ""));
    assertFields(error, "chat_id", "content", "client_id");
    assertEquals("Invalid fields: chat_id, content, client_id", error.getMessage());
  }

  @Test
  void historyAndFeedNameEveryBadPagingField() throws Exception {
    long chatId = createChat(ALICE, "paged").getLong("id");
    assertFields(failure(ErrorCode.VALIDATION, Addresses.CHAT_MESSAGE_HISTORY,
      new JsonObject().put("user_id", ALICE).put("chat_id", chatId).put("limit", "0").put("before", "01").put("after", 1.0)),
      "limit", "before", "after");
    assertFields(failure(ErrorCode.VALIDATION, Addresses.CHAT_EVENTS_FEED,
      new JsonObject().put("user_id", ALICE).put("chat_id", chatId).put("after_seq", "-1").put("limit", "+5")),
      "after_seq", "limit");
    // Empty query parameters still mean "not given".
    assertEquals(List.of(), messages(history(ALICE, chatId, new JsonObject().put("limit", "").put("after", ""))));
  }

  /**
   * Text neither store can keep as given (U+0000: PostgreSQL's text refuses it; an unpaired
   * surrogate: UTF-8 cannot encode it, so it would be stored as '?') is refused in every text
   * field, on both stores, and changes nothing.
   */
  @Test
  void textNoStoreCanKeepIsRefusedInEveryFieldAndChangesNothing() throws Exception {
    JsonObject chat = createChat(ALICE, "plain", BOB);
    long chatId = chat.getLong("id");
    JsonObject sent = send(ALICE, chatId, "first");
    long messageId = sent.getLong("id");
    for (String bad : List.of("a\u0000b", "a\ud800b", "\udfffa", "a\ud83d")) {
      String problem = "must be valid Unicode text, without NUL characters";
      assertEquals(problem, failure(ErrorCode.VALIDATION, Addresses.CHAT_CREATE,
        new JsonObject().put("user_id", ALICE).put("name", bad)).fields().getString("name"));
      assertEquals(problem, failure(ErrorCode.VALIDATION, Addresses.CHAT_RENAME,
        new JsonObject().put("user_id", ALICE).put("user_type", "student").put("chat_id", chatId).put("name", bad))
        .fields().getString("name"));
      assertEquals(problem, failure(ErrorCode.VALIDATION, Addresses.CHAT_MESSAGE_SEND, sendRequest(ALICE, chatId, bad))
        .fields().getString("content"));
      assertEquals(problem, failure(ErrorCode.VALIDATION, Addresses.CHAT_MESSAGE_SEND,
        sendRequest(ALICE, chatId, "fine").put("client_id", bad)).fields().getString("client_id"));
      assertEquals(problem, failure(ErrorCode.VALIDATION, Addresses.CHAT_MESSAGE_EDIT, new JsonObject()
        .put("user_id", ALICE).put("chat_id", chatId).put("message_id", messageId).put("content", bad))
        .fields().getString("content"));
      assertEquals(problem, failure(ErrorCode.VALIDATION, Addresses.CHAT_REACTION_ADD, new JsonObject()
        .put("user_id", ALICE).put("chat_id", chatId).put("message_id", messageId).put("emoji", bad))
        .fields().getString("emoji"));
      assertEquals(problem, failure(ErrorCode.VALIDATION, Addresses.CHAT_SEARCH,
        new JsonObject().put("user_id", ALICE).put("q", bad)).fields().getString("q"));
      assertEquals(problem, failure(ErrorCode.VALIDATION, Addresses.CHAT_ADMIN_CHATS_LIST,
        new JsonObject().put("search", bad)).fields().getString("search"));
    }
    assertEquals(1, call(Addresses.CHAT_LIST, new JsonObject().put("user_id", ALICE)).getJsonArray("chats").size());
    assertEquals("plain", getChat(ALICE, chatId).getString("name"));
    List<JsonObject> all = allMessages(ALICE, chatId);
    assertEquals(List.of(messageId), ids(all));
    assertEquals("first", all.get(0).getString("content"));
    assertEquals(0, all.get(0).getJsonArray("reactions").size());
  }

  @Test
  void participantOperationsNameTheChatAndTheUser() {
    for (String address : List.of(Addresses.CHAT_ADD_PARTICIPANT, Addresses.CHAT_REMOVE_PARTICIPANT)) {
      assertFields(failure(ErrorCode.VALIDATION, address,
        new JsonObject().put("user_id", ALICE).put("chat_id", "abc").put("participant_id", -1)), "chat_id", "user_id");
    }
  }

  @Test
  void theCallerIsCheckedBeforeAnyField() {
    failure(ErrorCode.UNAUTHENTICATED, Addresses.CHAT_CREATE, new JsonObject().put("name", 5).put("participant_ids", "x"));
  }

  @Test
  void adminMessageListNamesEveryBadFilter() {
    ServiceError error = failure(ErrorCode.VALIDATION, Addresses.CHAT_ADMIN_MESSAGES_LIST, new JsonObject()
      .put("page", "0").put("page_size", 101).put("chat_id", "0").put("sender_id", "-3")
      .put("from", "yesterday").put("to", 5));
    assertFields(error, "page", "page_size", "chat_id", "sender_id", "from", "to");
  }

  @Test
  void adminListsAndOperationsNameEveryBadField() throws Exception {
    assertFields(failure(ErrorCode.VALIDATION, Addresses.CHAT_ADMIN_CHATS_LIST,
      new JsonObject().put("page", -1).put("search", "s".repeat(Validation.MAX_NAME_LENGTH + 1))), "page", "search");
    assertFields(failure(ErrorCode.VALIDATION, Addresses.CHAT_ADMIN_ADD_PARTICIPANT,
      new JsonObject().put("actor", ACTOR).put("chat_id", 0).put("participant_id", "2")), "chat_id", "user_id");
    assertFields(failure(ErrorCode.VALIDATION, Addresses.CHAT_ADMIN_MESSAGES_DELETE,
      new JsonObject().put("actor", ACTOR).put("ids", new JsonArray().add(1).add("2"))), "ids");
    assertFields(failure(ErrorCode.VALIDATION, Addresses.CHAT_ADMIN_AUDIT, new JsonObject().put("limit", "0")), "limit");
    assertEquals(0, call(Addresses.CHAT_ADMIN_AUDIT, new JsonObject().put("limit", "")).getLong("total"),
      "an empty limit is the default");
  }
}
