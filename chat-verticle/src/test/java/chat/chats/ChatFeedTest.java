package chat.chats;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import chat.shared.Addresses;
import chat.shared.ErrorCode;
import chat.shared.Events;
import chat.shared.ServiceError;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The change feed of a chat over the event bus: who sees which part of it, paging, bad input. */
class ChatFeedTest extends ChatTestBase {

  private static final JsonObject ACTOR = new JsonObject().put("id", OLIVIA).put("username", "olivia");

  private JsonObject feedRequest(long user, long chatId) {
    return new JsonObject().put("user_id", user).put("chat_id", chatId);
  }

  private JsonObject page(long user, long chatId, Object afterSeq, Object limit) throws Exception {
    JsonObject request = feedRequest(user, chatId);
    if (afterSeq != null) {
      request.put("after_seq", afterSeq);
    }
    if (limit != null) {
      request.put("limit", limit);
    }
    return call(Addresses.CHAT_EVENTS_FEED, request);
  }

  private static List<JsonObject> events(JsonObject page) {
    List<JsonObject> list = new ArrayList<>();
    page.getJsonArray("events").forEach(e -> list.add((JsonObject) e));
    return list;
  }

  private static List<Long> seqs(List<JsonObject> events) {
    return events.stream().map(e -> e.getLong("seq")).toList();
  }

  private static List<String> types(List<JsonObject> events) {
    return events.stream().map(e -> e.getString("type")).toList();
  }

  @Test
  void pagesFollowLimitAndHasMoreUpToLastSeq() throws Exception {
    long chatId = createChat(ALICE, "paged", BOB).getLong("id");
    for (int i = 0; i < 7; i++) {
      send(i % 2 == 0 ? ALICE : BOB, chatId, "m" + i);
    }
    JsonObject first = page(BOB, chatId, null, 3);
    assertEquals(List.of(1L, 2L, 3L), seqs(events(first)));
    assertTrue(first.getBoolean("has_more"));
    assertEquals(7, first.getLong("last_seq"));
    JsonObject second = page(BOB, chatId, "3", "3");
    assertEquals(List.of(4L, 5L, 6L), seqs(events(second)));
    assertTrue(second.getBoolean("has_more"));
    JsonObject last = page(BOB, chatId, 6, 3);
    assertEquals(List.of(7L), seqs(events(last)));
    assertFalse(last.getBoolean("has_more"));
    JsonObject exact = page(BOB, chatId, 4, 3);
    assertEquals(List.of(5L, 6L, 7L), seqs(events(exact)));
    assertFalse(exact.getBoolean("has_more"), "a page that ends at last_seq has no more");
    // Defaults: from the beginning, 100 at most.
    JsonObject whole = call(Addresses.CHAT_EVENTS_FEED, feedRequest(ALICE, chatId));
    assertEquals(List.of(1L, 2L, 3L, 4L, 5L, 6L, 7L), seqs(events(whole)));
    assertEquals(List.of("m0", "m1", "m2", "m3", "m4", "m5", "m6"),
      events(whole).stream().map(e -> e.getJsonObject("message").getString("content")).toList());
    for (int i = 0; i < 100; i++) {
      send(ALICE, chatId, "more " + i);
    }
    JsonObject defaults = call(Addresses.CHAT_EVENTS_FEED, feedRequest(ALICE, chatId));
    assertEquals(100, defaults.getJsonArray("events").size());
    assertTrue(defaults.getBoolean("has_more"));
    assertEquals(107, defaults.getLong("last_seq"));
    assertEquals(107, events(page(ALICE, chatId, 0, 500)).size());
  }

  @Test
  void afterSeqAtOrBeyondLastSeqIsAnEmptyPage() throws Exception {
    long chatId = createChat(ALICE, "ahead", BOB).getLong("id");
    send(ALICE, chatId, "one");
    send(BOB, chatId, "two");
    for (Object beyond : new Object[] {2, 3, "1000", 999_999_999_999_999_999L, Long.MAX_VALUE, "999999999999999999"}) {
      JsonObject page = page(BOB, chatId, beyond, null);
      assertEquals(List.of(), events(page), "after_seq " + beyond);
      assertFalse(page.getBoolean("has_more"));
      assertEquals(2, page.getLong("last_seq"));
    }
    // A chat without any change yet.
    long quiet = createChat(ALICE, "quiet", BOB).getLong("id");
    JsonObject empty = page(ALICE, quiet, 0, 10);
    assertEquals(new JsonObject().put("events", new JsonArray()).put("has_more", false).put("last_seq", 0), empty);
  }

  @Test
  void aParticipantAddedLaterSeesTheFeedFromItsParticipantAddedOn() throws Exception {
    long chatId = createChat(ALICE, "late", BOB).getLong("id");
    send(ALICE, chatId, "before carol 1");
    send(BOB, chatId, "before carol 2");
    addParticipant(ALICE, chatId, CAROL);
    send(CAROL, chatId, "carol here");

    List<JsonObject> carols = events(page(CAROL, chatId, 0, 100));
    assertEquals(List.of(3L, 4L), seqs(carols));
    assertEquals(Events.PARTICIPANT_ADDED, carols.get(0).getString("type"));
    assertEquals(CAROL, carols.get(0).getJsonObject("user").getLong("id"));
    assertEquals("carol here", carols.get(1).getJsonObject("message").getString("content"));
    // Asking for earlier seqs does not reach before the joining; the participants from the start see all.
    assertEquals(List.of(4L), seqs(events(page(CAROL, chatId, 3, 100))));
    assertEquals(List.of(1L, 2L, 3L, 4L), seqs(events(page(BOB, chatId, 0, 100))));
    // Paging from before the joining with a small limit: has_more counts from the joining.
    JsonObject small = page(CAROL, chatId, 1, 1);
    assertEquals(List.of(3L), seqs(events(small)));
    assertTrue(small.getBoolean("has_more"));
  }

  @Test
  void removedThenAddedAgainSeesTheFeedFromTheRejoinOn() throws Exception {
    long chatId = createChat(ALICE, "rejoin", BOB, CAROL).getLong("id");
    send(CAROL, chatId, "carol's first");
    call(Addresses.CHAT_REMOVE_PARTICIPANT, removeRequest(ALICE, "student", chatId, CAROL));
    send(ALICE, chatId, "while carol was away");

    // Removed: the chat is gone for carol, feed included.
    ServiceError gone = failure(ErrorCode.NOT_FOUND, Addresses.CHAT_EVENTS_FEED, feedRequest(CAROL, chatId));
    assertEquals(404, gone.code().httpStatus());

    call(Addresses.CHAT_ADMIN_ADD_PARTICIPANT, new JsonObject().put("actor", ACTOR).put("chat_id", chatId)
      .put("participant_id", CAROL));
    send(BOB, chatId, "welcome back");
    List<JsonObject> carols = events(page(CAROL, chatId, 0, 100));
    assertEquals(List.of(4L, 5L), seqs(carols));
    assertEquals(List.of(Events.PARTICIPANT_ADDED, Events.MESSAGE), types(carols));
    assertEquals(List.of(Events.MESSAGE, Events.PARTICIPANT_REMOVED, Events.MESSAGE, Events.PARTICIPANT_ADDED,
      Events.MESSAGE), types(events(page(ALICE, chatId, 0, 100))));
  }

  @Test
  void nonParticipantsAndUnknownChatsAreNotFound() throws Exception {
    long chatId = createChat(ALICE, "private", BOB).getLong("id");
    send(ALICE, chatId, "secret");
    failure(ErrorCode.NOT_FOUND, Addresses.CHAT_EVENTS_FEED, feedRequest(DAVE, chatId));
    failure(ErrorCode.NOT_FOUND, Addresses.CHAT_EVENTS_FEED, feedRequest(NOBODY, chatId));
    failure(ErrorCode.NOT_FOUND, Addresses.CHAT_EVENTS_FEED, feedRequest(ALICE, 424242));
    // Without the caller the gateway stamps there is nobody to serve.
    failure(ErrorCode.UNAUTHENTICATED, Addresses.CHAT_EVENTS_FEED, new JsonObject().put("chat_id", chatId));
  }

  @Test
  void badAfterSeqAndLimitAreValidationErrorsNamingTheField() throws Exception {
    long chatId = createChat(ALICE, "strict", BOB).getLong("id");
    send(ALICE, chatId, "hello");
    Object[] badAfterSeq = {-1, "-1", 1.5, "1.5", "abc", "1e3", " 1", "0x10", "%zz", "%", "１", true,
      new JsonObject(), new JsonArray().add(1), "99999999999999999999", new BigInteger("99999999999999999999"),
      Long.MIN_VALUE, "+1"};
    for (Object value : badAfterSeq) {
      ServiceError error = failure(ErrorCode.VALIDATION, Addresses.CHAT_EVENTS_FEED,
        feedRequest(ALICE, chatId).put("after_seq", value));
      assertTrue(error.fields().containsKey("after_seq"), "after_seq " + value + ": " + error.fields());
    }
    Object[] badLimit = {0, "0", -1, 501, "501", 1.5, "1.5", "abc", "%zz", true, new JsonObject(),
      "99999999999999999999", Long.MAX_VALUE, Integer.MAX_VALUE + 1L, "1 "};
    for (Object value : badLimit) {
      ServiceError error = failure(ErrorCode.VALIDATION, Addresses.CHAT_EVENTS_FEED,
        feedRequest(ALICE, chatId).put("limit", value));
      assertTrue(error.fields().containsKey("limit"), "limit " + value + ": " + error.fields());
    }
    // The edges are fine; an empty string counts as absent.
    assertEquals(1, events(page(ALICE, chatId, 0, 1)).size());
    assertEquals(1, events(page(ALICE, chatId, "0", "500")).size());
    assertEquals(1, events(page(ALICE, chatId, "", "")).size());
  }

  @Test
  void eventsShowWhatTheyNameAsItIsNow() throws Exception {
    long chatId = createChat(ALICE, "current", BOB).getLong("id");
    List<JsonObject> live = recordEvents(chatId);
    JsonObject kept = send(ALICE, chatId, "kept");
    JsonObject doomed = send(BOB, chatId, "doomed");
    call(Addresses.CHAT_ADMIN_MESSAGES_DELETE, new JsonObject().put("actor", ACTOR)
      .put("ids", new JsonArray().add(doomed.getLong("id"))));
    waitUntil("three events", () -> live.size() == 3);

    List<JsonObject> served = events(page(ALICE, chatId, 0, 100));
    assertEquals(List.of(Events.MESSAGE, Events.MESSAGE, Events.MESSAGE_DELETED), types(served));
    assertEquals(live.get(0), served.get(0));
    assertEquals(kept, served.get(0).getJsonObject("message"));
    JsonObject deletedNow = served.get(1).getJsonObject("message");
    assertEquals(doomed.getLong("id"), deletedNow.getLong("id"));
    assertEquals(doomed.getLong("seq"), deletedNow.getLong("seq"));
    assertEquals("", deletedNow.getString("content"));
    assertTrue(deletedNow.containsKey("deleted_at"));
    assertEquals(live.get(2), served.get(2));
    assertEquals(new JsonObject().put("type", Events.MESSAGE_DELETED).put("chat_id", chatId)
      .put("message_id", doomed.getLong("id")).put("seq", 3), served.get(2));
    // History no longer has it; the feed keeps its place.
    assertEquals(List.of(kept.getLong("id")), ids(allMessages(BOB, chatId)));
  }
}
