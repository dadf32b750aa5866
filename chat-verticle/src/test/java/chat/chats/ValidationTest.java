package chat.chats;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import chat.shared.ErrorCode;
import chat.shared.ServiceError;
import chat.shared.validation.Fields;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The chat rules as pure functions: over {@link Fields} they collect, over a body (the older
 * signatures, which other code still calls) they throw at once with the same problem.
 */
class ValidationTest {

  private static ServiceError refused(Runnable call) {
    ServiceError error = assertThrows(ServiceError.class, call::run);
    assertEquals(ErrorCode.VALIDATION, error.code());
    return error;
  }

  @Test
  void theSingleRuleCallsStillThrowAtOnce() {
    assertEquals(7, Validation.chatId(new JsonObject().put("chat_id", "7")));
    assertEquals(Set.of("chat_id"), refused(() -> Validation.chatId(new JsonObject().put("chat_id", "07"))).fields().fieldNames());
    assertEquals(3, Validation.id(new JsonObject().put("participant_id", 3), "participant_id", "user_id", false));
    assertEquals(Set.of("user_id"), refused(() -> Validation.id(new JsonObject().put("participant_id", "3"),
      "participant_id", "user_id", false)).fields().fieldNames());
    assertEquals(0, Validation.optionalId(new JsonObject().put("before", ""), "before"));
    assertEquals("Team", Validation.chatName(new JsonObject().put("name", "  Team ")));
    assertEquals("must be a string", refused(() -> Validation.chatName(new JsonObject())).fields().getString("name"));
    assertEquals(List.of(2L, 3L), Validation.participantIds(new JsonObject().put("participant_ids", new JsonArray().add(2).add(3))));
    assertEquals(List.of(), Validation.participantIds(new JsonObject()));
    assertEquals(" hi ", Validation.content(new JsonObject().put("content", " hi "), 10));
    assertEquals("must be at most 2 characters",
      refused(() -> Validation.content(new JsonObject().put("content", "abc"), 2)).fields().getString("content"));
    assertEquals("must be valid Unicode text, without NUL characters",
      refused(() -> Validation.content(new JsonObject().put("content", "a\ud800"), 10)).fields().getString("content"));
    assertNull(Validation.clientId(new JsonObject()));
    refused(() -> Validation.clientId(new JsonObject().put("client_id", "x".repeat(101))));
    assertEquals(new Validation.Paging(50, 0, 0), Validation.paging(new JsonObject()));
    assertEquals(new Validation.Paging(5, 9, 0), Validation.paging(new JsonObject().put("limit", "5").put("before", 9)));
    assertEquals(Set.of("before", "after"),
      refused(() -> Validation.paging(new JsonObject().put("before", 2).put("after", 1))).fields().fieldNames());
    assertEquals(new Validation.FeedPaging(0, 100), Validation.feedPaging(new JsonObject().put("after_seq", "")));
    assertEquals(new Validation.FeedPaging(12, 500), Validation.feedPaging(new JsonObject().put("after_seq", "12").put("limit", 500)));
  }

  @Test
  void theCallerIsAnIdOrNobody() {
    assertEquals(5, Validation.caller(new JsonObject().put("user_id", "5")));
    for (Object id : new Object[] {null, 0, -1, "05", "x", 1.5, true}) {
      ServiceError error = assertThrows(ServiceError.class, () -> Validation.caller(new JsonObject().put("user_id", id)));
      assertEquals(ErrorCode.UNAUTHENTICATED, error.code(), "for " + id);
    }
  }

  @Test
  void overFieldsEveryRuleRecordsAndNoneThrows() {
    Fields in = new Fields(new JsonObject().put("chat_id", "x").put("name", "").put("participant_ids", "all")
      .put("content", "").put("client_id", 5).put("limit", 0).put("after_seq", -1));
    Validation.chatId(in);
    Validation.chatName(in);
    Validation.participantIds(in);
    Validation.content(in, 10);
    Validation.clientId(in);
    Validation.paging(in);
    Validation.feedPaging(in);
    ServiceError error = refused(in::throwIfInvalid);
    assertEquals(Set.of("chat_id", "name", "participant_ids", "content", "client_id", "limit", "after_seq"),
      error.fields().fieldNames());
  }

  @Test
  void blankIsWhiteSpaceOrSpaceCharactersOnly() {
    for (String blank : List.of("", " ", "   \n\t\r ", "\u00a0\u2003\u3000", "\u2028\u2029\u202f")) {
      assertEquals(true, Validation.isBlank(blank), blank);
    }
    for (String text : List.of("a", "  a", "a  ", " \u00a0.", "\uD83D\uDE00", " \uD83D\uDE00 ", "\u200b", "\uD800")) {
      assertEquals(false, Validation.isBlank(text), text);
    }
  }
}
