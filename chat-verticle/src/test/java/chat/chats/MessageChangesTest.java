package chat.chats;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import chat.shared.Addresses;
import chat.shared.ErrorCode;
import chat.shared.Events;
import chat.shared.ServiceError;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Editing and deleting one message, and renaming a chat: permissions, seqs, events, no-ops. */
class MessageChangesTest extends ChatTestBase {

  long chatId;

  @BeforeEach
  void chatOfAliceWithBobCarolAndOlivia() throws Exception {
    chatId = createChat(ALICE, "Study group", BOB, CAROL, OLIVIA).getLong("id");
  }

  JsonObject editRequest(long user, long chat, long messageId, Object content) {
    return new JsonObject().put("user_id", user).put("chat_id", chat).put("message_id", messageId).put("content", content);
  }

  JsonObject edit(long user, long messageId, String content) throws Exception {
    return call(Addresses.CHAT_MESSAGE_EDIT, editRequest(user, chatId, messageId, content));
  }

  JsonObject deleteRequest(long user, String userType, long chat, long messageId) {
    return new JsonObject().put("user_id", user).put("user_type", userType).put("chat_id", chat).put("message_id", messageId);
  }

  JsonObject renameRequest(long user, String userType, long chat, Object name) {
    return new JsonObject().put("user_id", user).put("user_type", userType).put("chat_id", chat).put("name", name);
  }

  JsonObject feed(long user, long chat, long afterSeq) throws Exception {
    return call(Addresses.CHAT_EVENTS_FEED, new JsonObject().put("user_id", user).put("chat_id", chat)
      .put("after_seq", afterSeq));
  }

  static List<JsonObject> events(JsonObject feed) {
    List<JsonObject> list = new ArrayList<>();
    feed.getJsonArray("events").forEach(e -> list.add((JsonObject) e));
    return list;
  }

  long lastSeq(long user) throws Exception {
    return getChat(user, chatId).getLong("last_seq");
  }

  // ---- edit --------------------------------------------------------------------------

  @Test
  void senderEditsMessageWithEditedAtAndOneSeqPublishedAfterCommit() throws Exception {
    JsonObject sent = send(BOB, chatId, "helo");
    List<JsonObject> published = recordEvents(chatId);
    long before = lastSeq(BOB);

    JsonObject edited = edit(BOB, sent.getLong("id"), "hello");

    assertEquals("hello", edited.getString("content"));
    assertNotNull(edited.getString("edited_at"));
    assertNull(sent.getValue("edited_at"));
    assertEquals(sent.getLong("id"), edited.getLong("id"));
    assertEquals(sent.getLong("seq"), edited.getLong("seq"), "seq stays the seq of the creation");
    assertEquals(sent.getString("created_at"), edited.getString("created_at"));
    assertEquals(before + 1, lastSeq(BOB));
    flushEvents(published, ALICE, chatId);
    List<JsonObject> edits = ofType(published, Events.MESSAGE_EDITED);
    assertEquals(1, edits.size());
    assertEquals(new JsonObject().put("type", Events.MESSAGE_EDITED).put("message", edited).put("seq", before + 1),
      edits.get(0));
    // History shows the new text; the feed shows the edit event with the message as it is now.
    assertEquals(edited, allMessages(CAROL, chatId).get(0));
    List<JsonObject> feedEvents = events(feed(CAROL, chatId, before));
    assertEquals(edits.get(0), feedEvents.get(0));
  }

  @Test
  void onlyTheSenderMayEditOthersAreForbiddenAndStrangersNotFound() throws Exception {
    long messageId = send(BOB, chatId, "mine").getLong("id");

    for (long other : new long[] {ALICE, CAROL, OLIVIA}) {
      failure(ErrorCode.FORBIDDEN, Addresses.CHAT_MESSAGE_EDIT, editRequest(other, chatId, messageId, "theirs"));
    }
    failure(ErrorCode.NOT_FOUND, Addresses.CHAT_MESSAGE_EDIT, editRequest(DAVE, chatId, messageId, "theirs"));
    assertEquals("mine", allMessages(BOB, chatId).get(0).getString("content"));
    assertNull(allMessages(BOB, chatId).get(0).getValue("edited_at"));
  }

  @Test
  void editOfAnUnknownDeletedOrAnotherChatsMessageIsNotFound() throws Exception {
    long otherChat = createChat(BOB, "elsewhere", ALICE).getLong("id");
    long elsewhere = send(BOB, otherChat, "over there").getLong("id");
    long deleted = send(BOB, chatId, "soon gone").getLong("id");
    call(Addresses.CHAT_MESSAGE_DELETE, deleteRequest(BOB, "student", chatId, deleted));

    for (long messageId : new long[] {elsewhere, deleted, 999_999}) {
      ServiceError error = failure(ErrorCode.NOT_FOUND, Addresses.CHAT_MESSAGE_EDIT,
        editRequest(BOB, chatId, messageId, "changed"));
      assertTrue(error.getMessage().contains("Message"), error.getMessage());
    }
    assertEquals("over there", allMessages(BOB, otherChat).get(0).getString("content"));
  }

  @Test
  void editValidatesContentLikeASend() throws Exception {
    long messageId = send(BOB, chatId, "original").getLong("id");

    for (Object bad : new Object[] {null, 7, "", " \t\n\u00a0", "x".repeat(8001), "half \uD83D", new JsonArray()}) {
      ServiceError error = failure(ErrorCode.VALIDATION, Addresses.CHAT_MESSAGE_EDIT,
        editRequest(BOB, chatId, messageId, bad));
      assertTrue(error.fields().containsKey("content"), "content field for " + bad);
    }
    for (Object badId : new Object[] {null, 0, -1, "x", 1.5}) {
      ServiceError error = failure(ErrorCode.VALIDATION, Addresses.CHAT_MESSAGE_EDIT,
        new JsonObject().put("user_id", BOB).put("chat_id", chatId).put("message_id", badId).put("content", "ok"));
      assertTrue(error.fields().containsKey("message_id"), "message_id field for " + badId);
    }
    assertEquals("x".repeat(8000), edit(BOB, messageId, "x".repeat(8000)).getString("content"));
  }

  @Test
  void editToTheSameContentChangesNothingAndTakesNoSeq() throws Exception {
    JsonObject sent = send(BOB, chatId, "same");
    List<JsonObject> published = recordEvents(chatId);
    long before = lastSeq(BOB);

    JsonObject answer = edit(BOB, sent.getLong("id"), "same");

    assertEquals(sent, answer, "answered as it is, edited_at still null");
    assertEquals(before, lastSeq(BOB));
    flushEvents(published, ALICE, chatId);
    assertEquals(List.of(), ofType(published, Events.MESSAGE_EDITED));
    // A real edit afterwards takes the very next seq: nothing was skipped.
    edit(BOB, sent.getLong("id"), "different");
    assertEquals(before + 2, lastSeq(BOB), "the marker message took one seq, the edit the next");
  }

  // ---- delete ------------------------------------------------------------------------

  @Test
  void senderCreatorAndOwnersMayDeleteOtherParticipantsAreForbidden() throws Exception {
    long bobs1 = send(BOB, chatId, "bob 1").getLong("id");
    long bobs2 = send(BOB, chatId, "bob 2").getLong("id");
    long bobs3 = send(BOB, chatId, "bob 3").getLong("id");
    long carols = send(CAROL, chatId, "carol").getLong("id");

    failure(ErrorCode.FORBIDDEN, Addresses.CHAT_MESSAGE_DELETE, deleteRequest(CAROL, "university_staff", chatId, bobs1));
    failure(ErrorCode.FORBIDDEN, Addresses.CHAT_MESSAGE_DELETE, deleteRequest(BOB, "student", chatId, carols));
    // A client cannot claim to be an owner: the type is the gateway's, from the session; but the
    // service also knows Olivia is one without it.
    failure(ErrorCode.NOT_FOUND, Addresses.CHAT_MESSAGE_DELETE, deleteRequest(DAVE, "owner", chatId, bobs1));
    assertEquals(4, allMessages(ALICE, chatId).size());

    assertEquals(new JsonObject(), call(Addresses.CHAT_MESSAGE_DELETE, deleteRequest(BOB, "student", chatId, bobs1)));
    call(Addresses.CHAT_MESSAGE_DELETE, deleteRequest(ALICE, "student", chatId, bobs2));
    call(Addresses.CHAT_MESSAGE_DELETE, new JsonObject().put("user_id", OLIVIA).put("chat_id", chatId)
      .put("message_id", bobs3));

    assertEquals(List.of(carols), ids(allMessages(ALICE, chatId)));
  }

  @Test
  void deletedMessageLeavesHistoryTheFeedShowsItEmptiedAndDeletingAgainIsNotFound() throws Exception {
    long kept = send(BOB, chatId, "kept").getLong("id");
    JsonObject doomed = send(BOB, chatId, "doomed");
    long messageId = doomed.getLong("id");
    call(Addresses.CHAT_REACTION_ADD, new JsonObject().put("user_id", ALICE).put("chat_id", chatId)
      .put("message_id", messageId).put("emoji", "👍"));
    List<JsonObject> published = recordEvents(chatId);
    long before = lastSeq(BOB);

    call(Addresses.CHAT_MESSAGE_DELETE, deleteRequest(BOB, "student", chatId, messageId));

    assertEquals(before + 1, lastSeq(BOB));
    flushEvents(published, ALICE, chatId);
    assertEquals(List.of(new JsonObject().put("type", Events.MESSAGE_DELETED).put("chat_id", chatId)
      .put("message_id", messageId).put("seq", before + 1)), ofType(published, Events.MESSAGE_DELETED));
    assertEquals(List.of(kept), ids(allMessages(CAROL, chatId)).subList(0, 1));
    assertFalse(ids(allMessages(CAROL, chatId)).contains(messageId));
    assertFalse(ids(messages(history(CAROL, chatId, new JsonObject().put("after", kept)))).contains(messageId));

    // The feed still holds the message's creation, now empty and marked deleted, then the delete.
    List<JsonObject> feed = events(feed(CAROL, chatId, 0));
    JsonObject created = feed.stream().filter(e -> e.getLong("seq").equals(doomed.getLong("seq"))).findFirst().orElseThrow();
    assertEquals("", created.getJsonObject("message").getString("content"));
    assertEquals(new JsonArray(), created.getJsonObject("message").getJsonArray("reactions"));
    assertNotNull(created.getJsonObject("message").getString("deleted_at"));
    assertEquals(Events.MESSAGE_DELETED, feed.stream().filter(e -> e.getLong("seq") == before + 1).findFirst()
      .orElseThrow().getString("type"));

    failure(ErrorCode.NOT_FOUND, Addresses.CHAT_MESSAGE_DELETE, deleteRequest(BOB, "student", chatId, messageId));
    assertEquals(before + 2, lastSeq(BOB), "the marker took a seq, the second delete none");
  }

  @Test
  void deleteOfAnotherChatsOrAnUnknownMessageIsNotFound() throws Exception {
    long otherChat = createChat(BOB, "elsewhere", ALICE).getLong("id");
    long elsewhere = send(BOB, otherChat, "over there").getLong("id");

    failure(ErrorCode.NOT_FOUND, Addresses.CHAT_MESSAGE_DELETE, deleteRequest(ALICE, "student", chatId, elsewhere));
    failure(ErrorCode.NOT_FOUND, Addresses.CHAT_MESSAGE_DELETE, deleteRequest(ALICE, "student", chatId, 999_999));
    assertEquals(List.of(elsewhere), ids(allMessages(BOB, otherChat)));
  }

  // ---- rename ------------------------------------------------------------------------

  @Test
  void creatorAndOwnersRenameWithASeqOtherParticipantsAreForbidden() throws Exception {
    List<JsonObject> published = recordEvents(chatId);
    long before = lastSeq(ALICE);

    JsonObject renamed = call(Addresses.CHAT_RENAME, renameRequest(ALICE, "student", chatId, "  Exam prep  "));
    assertEquals("Exam prep", renamed.getString("name"));
    assertEquals(before + 1, renamed.getLong("last_seq"));
    assertEquals(renamed, getChat(BOB, chatId));

    JsonObject byOwner = call(Addresses.CHAT_RENAME, renameRequest(OLIVIA, "owner", chatId, "Finals"));
    assertEquals("Finals", byOwner.getString("name"));
    failure(ErrorCode.FORBIDDEN, Addresses.CHAT_RENAME, renameRequest(BOB, "student", chatId, "Bob's"));
    failure(ErrorCode.NOT_FOUND, Addresses.CHAT_RENAME, renameRequest(DAVE, "owner", chatId, "Dave's"));
    assertEquals("Finals", getChat(BOB, chatId).getString("name"));

    flushEvents(published, ALICE, chatId);
    assertEquals(List.of(
        new JsonObject().put("type", Events.CHAT_RENAMED).put("chat_id", chatId).put("name", "Exam prep").put("seq", before + 1),
        new JsonObject().put("type", Events.CHAT_RENAMED).put("chat_id", chatId).put("name", "Finals").put("seq", before + 2)),
      ofType(published, Events.CHAT_RENAMED));
    assertEquals(ofType(published, Events.CHAT_RENAMED), ofType(events(feed(BOB, chatId, before)), Events.CHAT_RENAMED));
  }

  @Test
  void renameToTheSameNameChangesNothingAndNamesAreValidatedLikeCreate() throws Exception {
    List<JsonObject> published = recordEvents(chatId);
    long before = lastSeq(ALICE);

    JsonObject same = call(Addresses.CHAT_RENAME, renameRequest(ALICE, "student", chatId, " Study group "));
    assertEquals(getChat(ALICE, chatId), same);
    assertEquals(before, same.getLong("last_seq"));

    for (Object bad : new Object[] {null, "", "   ", 5, "n".repeat(201)}) {
      ServiceError error = failure(ErrorCode.VALIDATION, Addresses.CHAT_RENAME, renameRequest(ALICE, "student", chatId, bad));
      assertTrue(error.fields().containsKey("name"), "name field for " + bad);
    }
    flushEvents(published, ALICE, chatId);
    assertEquals(List.of(), ofType(published, Events.CHAT_RENAMED));
    assertEquals("n".repeat(200),
      call(Addresses.CHAT_RENAME, renameRequest(ALICE, "student", chatId, "n".repeat(200))).getString("name"));
  }
}
