package chat.chats;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import chat.shared.Addresses;
import chat.shared.ErrorCode;
import chat.shared.ServiceError;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The chat service's administration operations, over the event bus. */
class AdminOperationsTest extends ChatTestBase {

  private static final JsonObject ACTOR = new JsonObject().put("id", OLIVIA).put("username", "olivia");

  private JsonObject admin(String address, JsonObject body) throws Exception {
    return call(address, body.copy().put("actor", ACTOR));
  }

  private List<JsonObject> auditEntries() throws Exception {
    JsonObject log = call(Addresses.CHAT_ADMIN_AUDIT, new JsonObject().put("limit", 100));
    List<JsonObject> entries = new ArrayList<>();
    log.getJsonArray("entries").forEach(e -> entries.add((JsonObject) e));
    assertEquals(entries.size(), log.getLong("total"));
    return entries;
  }

  @Test
  void theAdministrationsMessagesShowTheirReactionsAsHistoryDoes() throws Exception {
    long chatId = createChat(ALICE, "reacted", BOB).getLong("id");
    long messageId = send(ALICE, chatId, "react to me").getLong("id");
    send(BOB, chatId, "no reactions");
    call(Addresses.CHAT_REACTION_ADD, new JsonObject().put("user_id", BOB).put("chat_id", chatId)
      .put("message_id", messageId).put("emoji", "\ud83d\udc4d"));
    List<JsonObject> history = allMessages(ALICE, chatId);
    assertEquals(1, history.get(0).getJsonArray("reactions").size());

    JsonArray listed = call(Addresses.CHAT_ADMIN_MESSAGES_LIST, new JsonObject().put("chat_id", chatId)).getJsonArray("messages");
    Map<Long, JsonArray> reactions = new HashMap<>();
    listed.forEach(m -> reactions.put(((JsonObject) m).getLong("id"), ((JsonObject) m).getJsonArray("reactions")));
    for (JsonObject m : history) {
      assertEquals(m.getJsonArray("reactions"), reactions.get(m.getLong("id")), "message " + m.getLong("id"));
    }
  }

  @Test
  void deletingAChatRemovesItsParticipantsAndMessagesThenPublishesOnce() throws Exception {
    long chatId = createChat(ALICE, "doomed", BOB).getLong("id");
    long kept = createChat(ALICE, "kept", BOB).getLong("id");
    send(ALICE, chatId, "one");
    send(BOB, chatId, "two");
    List<JsonObject> events = recordEvents(chatId);

    assertEquals(new JsonObject(), admin(Addresses.CHAT_ADMIN_CHAT_DELETE, new JsonObject().put("chat_id", chatId)));
    waitUntil("chat_deleted published", () -> !ofType(events, "chat_deleted").isEmpty());
    assertEquals(new JsonObject().put("type", "chat_deleted").put("chat_id", chatId), ofType(events, "chat_deleted").get(0));

    assertFalse(isMember(ALICE, chatId));
    failure(ErrorCode.NOT_FOUND, Addresses.CHAT_GET, new JsonObject().put("user_id", ALICE).put("chat_id", chatId));
    failure(ErrorCode.NOT_FOUND, Addresses.CHAT_ADMIN_CHAT_GET, new JsonObject().put("chat_id", chatId));
    failure(ErrorCode.NOT_FOUND, Addresses.CHAT_MESSAGE_SEND, sendRequest(ALICE, chatId, "late"));
    failure(ErrorCode.NOT_FOUND, Addresses.CHAT_ADMIN_CHAT_DELETE, new JsonObject().put("chat_id", chatId).put("actor", ACTOR));
    assertEquals(0, call(Addresses.CHAT_ADMIN_MESSAGES_LIST, new JsonObject().put("chat_id", chatId)).getLong("total"));
    assertEquals(List.of(kept), ids(call(Addresses.CHAT_LIST, new JsonObject().put("user_id", BOB))
      .getJsonArray("chats").stream().map(c -> (JsonObject) c).collect(Collectors.toList())));

    restart();
    assertFalse(isMember(ALICE, chatId), "the deletion was committed");
    failure(ErrorCode.NOT_FOUND, Addresses.CHAT_ADMIN_CHAT_GET, new JsonObject().put("chat_id", chatId));
    JsonObject entry = auditEntries().get(0);
    assertEquals("chat.delete", entry.getString("action"));
    assertEquals("chat", entry.getString("service"));
    assertEquals(ACTOR, entry.getJsonObject("actor"));
    assertEquals("chat:" + chatId, entry.getString("target"));
    assertEquals(new JsonObject().put("name", "doomed").put("participant_ids", new JsonArray().add(ALICE).add(BOB))
      .put("message_count", 2), entry.getJsonObject("details"));
  }

  @Test
  void sendsRacingAChatDeletionNeverFailOtherChatsSends() throws Exception {
    long doomed = createChat(ALICE, "doomed", BOB).getLong("id");
    long other = createChat(BOB, "other", ALICE).getLong("id");
    List<Future<JsonObject>> doomedSends = new ArrayList<>();
    List<Future<JsonObject>> otherSends = new ArrayList<>();
    Future<JsonObject> deletion = vertx.<Future<JsonObject>>executeBlocking(() -> {
      for (int i = 0; i < 50; i++) {
        doomedSends.add(bus.request(Addresses.CHAT_MESSAGE_SEND, sendRequest(ALICE, doomed, "d" + i)));
        otherSends.add(bus.request(Addresses.CHAT_MESSAGE_SEND, sendRequest(BOB, other, "o" + i)));
      }
      Future<JsonObject> delete = bus.request(Addresses.CHAT_ADMIN_CHAT_DELETE,
        new JsonObject().put("chat_id", doomed).put("actor", ACTOR));
      for (int i = 50; i < 100; i++) {
        doomedSends.add(bus.request(Addresses.CHAT_MESSAGE_SEND, sendRequest(ALICE, doomed, "d" + i)));
        otherSends.add(bus.request(Addresses.CHAT_MESSAGE_SEND, sendRequest(BOB, other, "o" + i)));
      }
      return delete;
    }).compose(f -> f);
    await(deletion);
    for (Future<JsonObject> send : otherSends) {
      assertEquals(other, await(send).getLong("chat_id"));
    }
    for (Future<JsonObject> send : doomedSends) {
      try {
        await(send);
      } catch (ServiceError e) {
        assertEquals(ErrorCode.NOT_FOUND, e.code(), e.getMessage());
      }
    }
    assertEquals(100, allMessages(BOB, other).size());
    assertEquals(0, call(Addresses.CHAT_ADMIN_MESSAGES_LIST, new JsonObject().put("chat_id", doomed)).getLong("total"));
  }

  @Test
  void ownersManageParticipantsWithoutBeingMembers() throws Exception {
    long chatId = createChat(ALICE, "managed", BOB).getLong("id");
    List<JsonObject> events = recordEvents(chatId);
    JsonObject request = new JsonObject().put("chat_id", chatId).put("participant_id", CAROL);

    JsonObject chat = admin(Addresses.CHAT_ADMIN_ADD_PARTICIPANT, request);
    assertEquals(List.of(ALICE, BOB, CAROL), participantIds(chat));
    assertEquals(0, chat.getLong("message_count"));
    assertEquals(List.of(ALICE, BOB, CAROL), participantIds(admin(Addresses.CHAT_ADMIN_ADD_PARTICIPANT, request)));
    ServiceError inactive = failure(ErrorCode.VALIDATION, Addresses.CHAT_ADMIN_ADD_PARTICIPANT,
      request.copy().put("participant_id", IVAN).put("actor", ACTOR));
    assertTrue(inactive.fields().containsKey("user_id"));
    failure(ErrorCode.NOT_FOUND, Addresses.CHAT_ADMIN_ADD_PARTICIPANT, request.copy().put("chat_id", 999).put("actor", ACTOR));
    failure(ErrorCode.UNAUTHENTICATED, Addresses.CHAT_ADMIN_ADD_PARTICIPANT, request);

    assertEquals(List.of(ALICE, CAROL), participantIds(admin(Addresses.CHAT_ADMIN_REMOVE_PARTICIPANT,
      request.copy().put("participant_id", BOB))));
    failure(ErrorCode.NOT_FOUND, Addresses.CHAT_ADMIN_REMOVE_PARTICIPANT,
      request.copy().put("participant_id", BOB).put("actor", ACTOR));
    assertFalse(isMember(BOB, chatId));

    flushEvents(events, ALICE, chatId);
    assertEquals(List.of("participant_added", "participant_removed", "message"),
      events.stream().map(e -> e.getString("type")).collect(Collectors.toList()));
    assertEquals(CAROL, events.get(0).getJsonObject("user").getLong("id"));
    assertEquals(BOB, events.get(1).getJsonObject("user").getLong("id"));
    assertEquals(List.of("chat.participant.remove", "chat.participant.add", "chat.participant.add"),
      auditEntries().stream().map(e -> e.getString("action")).collect(Collectors.toList()));
  }

  @Test
  void bulkDeletePublishesOneEventPerDeletedMessageAndIgnoresUnknownIds() throws Exception {
    long first = createChat(ALICE, "first", BOB).getLong("id");
    long second = createChat(BOB, "second").getLong("id");
    List<Long> a = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      a.add(send(ALICE, first, "a" + i).getLong("id"));
    }
    long b = send(BOB, second, "b").getLong("id");
    List<JsonObject> firstEvents = recordEvents(first);
    List<JsonObject> secondEvents = recordEvents(second);

    JsonArray doomed = new JsonArray().add(a.get(3)).add(a.get(1)).add(b).add(99999).add(a.get(1));
    assertEquals(new JsonObject().put("deleted", 3), admin(Addresses.CHAT_ADMIN_MESSAGES_DELETE, new JsonObject().put("ids", doomed)));
    flushEvents(firstEvents, ALICE, first);
    assertEquals(List.of(a.get(1), a.get(3)), ofType(firstEvents, "message_deleted").stream()
      .map(e -> e.getLong("message_id")).collect(Collectors.toList()));
    waitUntil("second chat's event", () -> ofType(secondEvents, "message_deleted").size() == 1);
    assertEquals(new JsonObject().put("type", "message_deleted").put("chat_id", second).put("message_id", b).put("seq", 2),
      ofType(secondEvents, "message_deleted").get(0));
    assertEquals(List.of(a.get(0), a.get(2)), ids(allMessages(ALICE, first)).subList(0, 2));

    for (JsonObject bad : List.of(new JsonObject(), new JsonObject().put("ids", new JsonArray()),
      new JsonObject().put("ids", new JsonArray().add(-1)), new JsonObject().put("ids", new JsonArray().add("1")))) {
      failure(ErrorCode.VALIDATION, Addresses.CHAT_ADMIN_MESSAGES_DELETE, bad.put("actor", ACTOR));
    }
    JsonObject entry = auditEntries().get(0);
    assertEquals("messages.delete", entry.getString("action"));
    assertEquals(new JsonObject().put("requested", 4).put("ids", new JsonArray().add(a.get(1)).add(a.get(3)).add(b))
      .put("chat_ids", new JsonArray().add(first).add(second)), entry.getJsonObject("details"));
  }

  @Test
  void messageListRoundsTimesSoBoundsAreExact() throws Exception {
    long chatId = createChat(ALICE, "timed", BOB).getLong("id");
    JsonObject m = send(ALICE, chatId, "at a millisecond");
    String at = m.getString("created_at");
    JsonObject exact = call(Addresses.CHAT_ADMIN_MESSAGES_LIST, new JsonObject().put("from", at));
    assertEquals(1, exact.getLong("total"));
    assertEquals(0, call(Addresses.CHAT_ADMIN_MESSAGES_LIST, new JsonObject().put("to", at)).getLong("total"));
    // a bound a fraction of a millisecond after the message excludes it from "from", includes it in "to"
    String fraction = at.replace("Z", "500Z");
    assertEquals(0, call(Addresses.CHAT_ADMIN_MESSAGES_LIST, new JsonObject().put("from", fraction)).getLong("total"));
    assertEquals(1, call(Addresses.CHAT_ADMIN_MESSAGES_LIST, new JsonObject().put("to", fraction)).getLong("total"));
    failure(ErrorCode.VALIDATION, Addresses.CHAT_ADMIN_MESSAGES_LIST, new JsonObject().put("from", 5));
  }
}
