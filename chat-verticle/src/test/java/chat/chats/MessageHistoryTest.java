package chat.chats;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import chat.shared.Addresses;
import chat.shared.ErrorCode;
import chat.shared.ServiceError;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class MessageHistoryTest extends ChatTestBase {

  private long chatId;
  /** Ids of m1..m7, oldest first. */
  private final List<Long> sent = new ArrayList<>();

  @BeforeEach
  void sendSevenMessages() throws Exception {
    chatId = createChat(ALICE, "history", BOB).getLong("id");
    long other = createChat(BOB, "noise").getLong("id");
    for (int i = 1; i <= 7; i++) {
      sent.add(send(i % 2 == 0 ? BOB : ALICE, chatId, "m" + i).getLong("id"));
      send(BOB, other, "noise " + i);
    }
  }

  @Test
  void withoutCursorReturnsTheNewestInAscendingOrder() throws Exception {
    JsonObject page = history(BOB, chatId, new JsonObject().put("limit", 3));

    assertEquals(sent.subList(4, 7), ids(messages(page)));
    assertEquals(List.of("m5", "m6", "m7"), messages(page).stream().map(m -> m.getString("content")).toList());
    assertTrue(page.getBoolean("has_more"));
  }

  @Test
  void defaultLimitAndExactFitHaveNoMore() throws Exception {
    JsonObject all = history(ALICE, chatId, new JsonObject());
    JsonObject exact = history(ALICE, chatId, new JsonObject().put("limit", 7));

    assertEquals(sent, ids(messages(all)));
    assertFalse(all.getBoolean("has_more"));
    assertEquals(sent, ids(messages(exact)));
    assertFalse(exact.getBoolean("has_more"));
  }

  @Test
  void beforePagesBackwardWithHasMoreAtTheBoundary() throws Exception {
    JsonObject middle = history(ALICE, chatId, new JsonObject().put("limit", 3).put("before", sent.get(4)));
    JsonObject exactlyToTheStart = history(ALICE, chatId, new JsonObject().put("limit", 3).put("before", sent.get(3)));
    JsonObject pastTheStart = history(ALICE, chatId, new JsonObject().put("limit", 3).put("before", sent.get(1)));
    JsonObject nothingOlder = history(ALICE, chatId, new JsonObject().put("before", sent.get(0)));

    assertEquals(sent.subList(1, 4), ids(messages(middle)));
    assertTrue(middle.getBoolean("has_more"));
    assertEquals(sent.subList(0, 3), ids(messages(exactlyToTheStart)));
    assertFalse(exactlyToTheStart.getBoolean("has_more"));
    assertEquals(sent.subList(0, 1), ids(messages(pastTheStart)));
    assertFalse(pastTheStart.getBoolean("has_more"));
    assertEquals(List.of(), ids(messages(nothingOlder)));
    assertFalse(nothingOlder.getBoolean("has_more"));
  }

  @Test
  void afterPagesForwardWithHasMoreAtTheBoundary() throws Exception {
    JsonObject middle = history(ALICE, chatId, new JsonObject().put("limit", 3).put("after", sent.get(0)));
    JsonObject exactlyToTheEnd = history(ALICE, chatId, new JsonObject().put("limit", 3).put("after", sent.get(3)));
    JsonObject nothingNewer = history(ALICE, chatId, new JsonObject().put("after", sent.get(6)));

    assertEquals(sent.subList(1, 4), ids(messages(middle)));
    assertTrue(middle.getBoolean("has_more"));
    assertEquals(sent.subList(4, 7), ids(messages(exactlyToTheEnd)));
    assertFalse(exactlyToTheEnd.getBoolean("has_more"));
    assertEquals(List.of(), ids(messages(nothingNewer)));
    assertFalse(nothingNewer.getBoolean("has_more"));
  }

  @Test
  void pagingValuesMayBeNumericStrings() throws Exception {
    JsonObject page = history(ALICE, chatId, new JsonObject().put("limit", "2").put("after", "" + sent.get(2)));
    JsonObject emptyMeansAbsent = history(ALICE, chatId, new JsonObject().put("limit", "").put("before", ""));

    assertEquals(sent.subList(3, 5), ids(messages(page)));
    assertTrue(page.getBoolean("has_more"));
    assertEquals(sent, ids(messages(emptyMeansAbsent)));
  }

  @Test
  void limitMustBeFromOneToTwoHundred() throws Exception {
    for (Object limit : new Object[] {0, -1, 201, "0", "201", "abc", 2.5, true}) {
      ServiceError error = failure(ErrorCode.VALIDATION, Addresses.CHAT_MESSAGE_HISTORY,
        new JsonObject().put("user_id", ALICE).put("chat_id", chatId).put("limit", limit));
      assertTrue(error.fields().containsKey("limit"), "for " + limit);
    }
    assertEquals(sent.subList(6, 7), ids(messages(history(ALICE, chatId, new JsonObject().put("limit", 1)))));
    assertEquals(sent, ids(messages(history(ALICE, chatId, new JsonObject().put("limit", 200)))));
  }

  @Test
  void cursorsMustBePositiveAndNotBoth() throws Exception {
    for (String field : new String[] {"before", "after"}) {
      for (Object value : new Object[] {0, -4, "x", 1.5}) {
        ServiceError error = failure(ErrorCode.VALIDATION, Addresses.CHAT_MESSAGE_HISTORY,
          new JsonObject().put("user_id", ALICE).put("chat_id", chatId).put(field, value));
        assertTrue(error.fields().containsKey(field), field + " = " + value);
      }
    }
    ServiceError both = failure(ErrorCode.VALIDATION, Addresses.CHAT_MESSAGE_HISTORY,
      new JsonObject().put("user_id", ALICE).put("chat_id", chatId).put("before", sent.get(5)).put("after", sent.get(1)));
    assertTrue(both.fields().containsKey("before") && both.fields().containsKey("after"));
  }

  @Test
  void historyOfNonParticipantOrMissingChatIsNotFound() {
    failure(ErrorCode.NOT_FOUND, Addresses.CHAT_MESSAGE_HISTORY, new JsonObject().put("user_id", DAVE).put("chat_id", chatId));
    failure(ErrorCode.NOT_FOUND, Addresses.CHAT_MESSAGE_HISTORY,
      new JsonObject().put("user_id", ALICE).put("chat_id", chatId + 1000));
  }

  @Test
  void emptyChatHasAnEmptyPage() throws Exception {
    long empty = createChat(ALICE, "quiet").getLong("id");

    JsonObject page = history(ALICE, empty, new JsonObject());

    assertEquals(List.of(), messages(page));
    assertFalse(page.getBoolean("has_more"));
  }
}
