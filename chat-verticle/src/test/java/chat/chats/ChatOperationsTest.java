package chat.chats;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import chat.shared.Addresses;
import chat.shared.ErrorCode;
import chat.shared.ServiceError;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Set;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

class ChatOperationsTest extends ChatTestBase {

  private static final String TIME = "\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}\\.\\d{3}Z";

  // ---- create ------------------------------------------------------------------------

  @Test
  void createIncludesCreatorCollapsesDuplicatesAndTrimsName() throws Exception {
    JsonObject chat = createChat(ALICE, "  Study group  ", BOB, BOB, ALICE, CAROL);

    assertEquals(Set.of("id", "name", "created_at", "created_by", "participants", "last_activity_at", "last_seq",
      "unread_count", "last_read_message_id"),
      chat.fieldNames());
    assertTrue(chat.getLong("id") > 0);
    assertEquals("Study group", chat.getString("name"));
    assertEquals(ALICE, chat.getLong("created_by"));
    assertTrue(chat.getString("created_at").matches(TIME));
    assertEquals(chat.getString("created_at"), chat.getString("last_activity_at"));
    assertEquals(List.of(ALICE, BOB, CAROL), participantIds(chat));

    JsonObject bob = chat.getJsonArray("participants").getJsonObject(1);
    // Participants see each other without emails (contract v2, "Privacy of user objects").
    assertEquals(new JsonObject().put("id", BOB).put("username", "bob")
      .put("user_type", "student").put("date_joined", "2026-01-02T10:00:00.000Z"), bob);
    assertEquals(chat, getChat(BOB, chat.getLong("id")));
  }

  @Test
  void createWithoutParticipantIdsHasOnlyTheCreator() throws Exception {
    JsonObject absent = call(Addresses.CHAT_CREATE, new JsonObject().put("user_id", ALICE).put("name", "Notes"));
    JsonObject empty = createChat(ALICE, "Notes 2");

    assertEquals(List.of(ALICE), participantIds(absent));
    assertEquals(List.of(ALICE), participantIds(empty));
  }

  @Test
  void createWithUnknownParticipantFailsValidationOnParticipantIds() throws Exception {
    ServiceError error = failure(ErrorCode.VALIDATION, Addresses.CHAT_CREATE, new JsonObject()
      .put("user_id", ALICE).put("name", "Ghosts").put("participant_ids", new JsonArray().add(BOB).add(NOBODY)));

    assertEquals("unknown user id " + NOBODY, error.fields().getString("participant_ids"));
    assertEquals(0, chatsOf(ALICE).size());
  }

  @Test
  void createWithInactiveParticipantFailsValidationOnParticipantIds() throws Exception {
    ServiceError error = failure(ErrorCode.VALIDATION, Addresses.CHAT_CREATE, new JsonObject()
      .put("user_id", ALICE).put("name", "Old friends").put("participant_ids", new JsonArray().add(IVAN)));

    assertEquals("unknown user id " + IVAN, error.fields().getString("participant_ids"));
    assertEquals(0, chatsOf(ALICE).size());
  }

  @Test
  void createRejectsMissingBlankOrTooLongName() throws Exception {
    for (Object name : new Object[] {null, "", "   \t ", 42, new JsonArray(), "n".repeat(201)}) {
      ServiceError error = failure(ErrorCode.VALIDATION, Addresses.CHAT_CREATE,
        new JsonObject().put("user_id", ALICE).put("name", name));
      assertTrue(error.fields().containsKey("name"), "field name for " + name);
    }
    assertEquals("n".repeat(200), createChat(ALICE, "n".repeat(200)).getString("name"));
    assertEquals(1, chatsOf(ALICE).size());
  }

  @Test
  void createRejectsParticipantIdsOfWrongTypes() throws Exception {
    JsonArray tooMany = new JsonArray();
    LongStream.rangeClosed(1, 501).forEach(tooMany::add);
    for (Object ids : new Object[] {"2", 2, new JsonObject(), new JsonArray().add("2"), new JsonArray().add(0),
      new JsonArray().add(-3), new JsonArray().add(2.5), new JsonArray().add(true), new JsonArray().addNull(),
      tooMany}) {
      ServiceError error = failure(ErrorCode.VALIDATION, Addresses.CHAT_CREATE,
        new JsonObject().put("user_id", ALICE).put("name", "Typed").put("participant_ids", ids));
      assertTrue(error.fields().containsKey("participant_ids"), "field participant_ids for " + ids);
    }
    assertEquals(0, chatsOf(ALICE).size());
  }

  @Test
  void createWithoutAuthenticatedCallerIsRefused() {
    failure(ErrorCode.UNAUTHENTICATED, Addresses.CHAT_CREATE, new JsonObject().put("name", "Anonymous"));
  }

  // ---- list and get ------------------------------------------------------------------

  @Test
  void listShowsTheCallersChatsMostRecentActivityFirst() throws Exception {
    long first = createChat(ALICE, "first", BOB).getLong("id");
    long second = createChat(ALICE, "second").getLong("id");
    long third = createChat(CAROL, "third", ALICE).getLong("id");
    assertEquals(List.of(third, second, first), ids(chatsOf(ALICE)));

    Thread.sleep(5); // the message must be later than the chats' creation, to the millisecond
    JsonObject message = send(BOB, first, "bump");

    List<JsonObject> chats = chatsOf(ALICE);
    assertEquals(List.of(first, third, second), ids(chats));
    assertEquals(message.getString("created_at"), chats.get(0).getString("last_activity_at"));
    assertEquals(List.of(first), ids(chatsOf(BOB)));
    assertEquals(List.of(), ids(chatsOf(DAVE)));
  }

  @Test
  void getByNonParticipantIsNotFoundLikeAMissingChat() throws Exception {
    long chatId = createChat(ALICE, "private", BOB).getLong("id");

    ServiceError notParticipant = failure(ErrorCode.NOT_FOUND, Addresses.CHAT_GET,
      new JsonObject().put("user_id", DAVE).put("chat_id", chatId));
    ServiceError missing = failure(ErrorCode.NOT_FOUND, Addresses.CHAT_GET,
      new JsonObject().put("user_id", ALICE).put("chat_id", chatId + 1000));

    assertEquals(missing.getMessage(), notParticipant.getMessage());
    assertEquals("Chat not found", notParticipant.getMessage());
  }

  @Test
  void getAcceptsChatIdAsDecimalString() throws Exception {
    long chatId = createChat(ALICE, "by path").getLong("id");

    JsonObject chat = call(Addresses.CHAT_GET, new JsonObject().put("user_id", ALICE).put("chat_id", "" + chatId));

    assertEquals(chatId, chat.getLong("id"));
    failure(ErrorCode.VALIDATION, Addresses.CHAT_GET, new JsonObject().put("user_id", ALICE).put("chat_id", "01"));
  }

  // ---- add participant ---------------------------------------------------------------

  @Test
  void addParticipantIsIdempotentAndPublishesOnce() throws Exception {
    long chatId = createChat(ALICE, "growing", BOB).getLong("id");
    List<JsonObject> events = recordEvents(chatId);

    JsonObject once = addParticipant(BOB, chatId, DAVE);
    JsonObject twice = addParticipant(ALICE, chatId, DAVE);

    assertEquals(List.of(ALICE, BOB, DAVE), participantIds(once));
    assertEquals(once, twice);
    assertTrue(isMember(DAVE, chatId));
    flushEvents(events, DAVE, chatId);
    List<JsonObject> added = ofType(events, "participant_added");
    assertEquals(1, added.size());
    JsonObject dave = AUTH_USERS.get(DAVE).copy();
    dave.remove("is_active");
    dave.remove("email");
    assertEquals(new JsonObject().put("type", "participant_added").put("chat_id", chatId).put("user", dave).put("seq", 1),
      added.get(0));
  }

  @Test
  void addingAPresentParticipantChangesNothing() throws Exception {
    JsonObject chat = createChat(ALICE, "same", BOB);
    List<JsonObject> events = recordEvents(chat.getLong("id"));

    JsonObject again = addParticipant(ALICE, chat.getLong("id"), BOB);

    assertEquals(chat, again);
    flushEvents(events, ALICE, chat.getLong("id"));
    assertEquals(0, ofType(events, "participant_added").size());
  }

  @Test
  void addParticipantRejectsInvalidUnknownAndInactiveUsersOnFieldUserId() throws Exception {
    long chatId = createChat(ALICE, "careful").getLong("id");
    for (Object id : new Object[] {null, "x", -1, 0, 1.5, NOBODY, IVAN}) {
      ServiceError error = failure(ErrorCode.VALIDATION, Addresses.CHAT_ADD_PARTICIPANT,
        new JsonObject().put("user_id", ALICE).put("chat_id", chatId).put("participant_id", id));
      assertTrue(error.fields().containsKey("user_id"), "field user_id for " + id);
    }
    assertEquals(List.of(ALICE), participantIds(getChat(ALICE, chatId)));
  }

  @Test
  void addParticipantByNonParticipantIsNotFound() throws Exception {
    long chatId = createChat(ALICE, "closed").getLong("id");

    failure(ErrorCode.NOT_FOUND, Addresses.CHAT_ADD_PARTICIPANT,
      new JsonObject().put("user_id", DAVE).put("chat_id", chatId).put("participant_id", DAVE));

    assertFalse(isMember(DAVE, chatId));
  }

  // ---- remove participant ------------------------------------------------------------

  @Test
  void participantCanLeaveAndGetsTheChatAsItIsAfterwards() throws Exception {
    long chatId = createChat(ALICE, "leaving", BOB, CAROL).getLong("id");
    List<JsonObject> events = recordEvents(chatId);

    JsonObject chat = call(Addresses.CHAT_REMOVE_PARTICIPANT, removeRequest(BOB, "student", chatId, BOB));

    assertEquals(chatId, chat.getLong("id"));
    assertEquals(List.of(ALICE, CAROL), participantIds(chat));
    assertFalse(isMember(BOB, chatId));
    failure(ErrorCode.NOT_FOUND, Addresses.CHAT_GET, new JsonObject().put("user_id", BOB).put("chat_id", chatId));
    assertRemovedEvent(events, chatId, BOB);
  }

  @Test
  void creatorRemovesAnyone() throws Exception {
    long chatId = createChat(ALICE, "mine", BOB, CAROL).getLong("id");
    List<JsonObject> events = recordEvents(chatId);

    JsonObject chat = call(Addresses.CHAT_REMOVE_PARTICIPANT, removeRequest(ALICE, "student", chatId, CAROL));

    assertEquals(List.of(ALICE, BOB), participantIds(chat));
    assertRemovedEvent(events, chatId, CAROL);
  }

  @Test
  void ownerRemovesAnyone() throws Exception {
    long chatId = createChat(ALICE, "moderated", BOB, OLIVIA).getLong("id");
    List<JsonObject> events = recordEvents(chatId);

    JsonObject chat = call(Addresses.CHAT_REMOVE_PARTICIPANT, removeRequest(OLIVIA, "owner", chatId, BOB));

    assertEquals(List.of(ALICE, OLIVIA), participantIds(chat));
    assertRemovedEvent(events, chatId, BOB);
  }

  @Test
  void otherParticipantCannotRemoveSomeoneElse() throws Exception {
    long chatId = createChat(ALICE, "flat", BOB, CAROL).getLong("id");
    List<JsonObject> events = recordEvents(chatId);

    failure(ErrorCode.FORBIDDEN, Addresses.CHAT_REMOVE_PARTICIPANT, removeRequest(BOB, "student", chatId, CAROL));

    assertTrue(isMember(CAROL, chatId));
    flushEvents(events, ALICE, chatId);
    assertEquals(0, ofType(events, "participant_removed").size());
  }

  @Test
  void removingANonParticipantIsNotFound() throws Exception {
    long chatId = createChat(ALICE, "small", BOB).getLong("id");

    ServiceError error = failure(ErrorCode.NOT_FOUND, Addresses.CHAT_REMOVE_PARTICIPANT,
      removeRequest(ALICE, "student", chatId, DAVE));

    assertEquals("Participant not found", error.getMessage());
  }

  @Test
  void removeByNonParticipantIsNotFoundEvenForAnOwner() throws Exception {
    long chatId = createChat(ALICE, "outside", BOB).getLong("id");

    ServiceError error = failure(ErrorCode.NOT_FOUND, Addresses.CHAT_REMOVE_PARTICIPANT,
      removeRequest(OLIVIA, "owner", chatId, BOB));

    assertEquals("Chat not found", error.getMessage());
    assertTrue(isMember(BOB, chatId));
  }

  // ---- membership and the user projection --------------------------------------------

  @Test
  void membershipFollowsParticipantChanges() throws Exception {
    long chatId = createChat(ALICE, "members", BOB).getLong("id");
    assertTrue(isMember(ALICE, chatId));
    assertTrue(isMember(BOB, chatId));
    assertFalse(isMember(DAVE, chatId));
    assertFalse(isMember(ALICE, chatId + 1000));

    addParticipant(ALICE, chatId, DAVE);
    call(Addresses.CHAT_REMOVE_PARTICIPANT, removeRequest(BOB, "student", chatId, BOB));

    assertTrue(isMember(DAVE, chatId));
    assertFalse(isMember(BOB, chatId));
  }

  @Test
  void userUpdatedEventRefreshesAKnownUser() throws Exception {
    long chatId = createChat(ALICE, "renamed", BOB).getLong("id");

    vertx.eventBus().publish(Addresses.AUTH_USER_EVENTS, new JsonObject().put("type", "user_updated")
      .put("user", authUser(BOB, "robert", "university_staff", true)));

    waitUntil("bob is known as robert", () -> {
      try {
        JsonObject bob = getChat(ALICE, chatId).getJsonArray("participants").getJsonObject(1);
        return "robert".equals(bob.getString("username")) && "university_staff".equals(bob.getString("user_type"));
      } catch (Exception e) {
        return false;
      }
    });
    assertEquals("robert", send(BOB, chatId, "hi").getJsonObject("sender").getString("username"));
  }

  // ---------------------------------------------------------------------------------------

  private List<JsonObject> chatsOf(long user) throws Exception {
    JsonArray chats = call(Addresses.CHAT_LIST, new JsonObject().put("user_id", user)).getJsonArray("chats");
    return chats.stream().map(c -> (JsonObject) c).collect(java.util.stream.Collectors.toList());
  }

  private void assertRemovedEvent(List<JsonObject> events, long chatId, long removed) throws InterruptedException {
    waitUntil("participant_removed arrived", () -> ofType(events, "participant_removed").size() == 1);
    JsonObject event = ofType(events, "participant_removed").get(0);
    assertEquals(chatId, event.getLong("chat_id"));
    assertEquals(Set.of("id", "username", "user_type", "date_joined"), event.getJsonObject("user").fieldNames());
    assertEquals(removed, event.getJsonObject("user").getLong("id"));
  }
}
