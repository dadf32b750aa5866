package chat.chats;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import chat.shared.Addresses;
import chat.shared.ErrorCode;
import chat.shared.ServiceError;
import chat.shared.Settings;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.math.BigInteger;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/** Read markers, receipts and unread counts of the chat service, over the event bus. */
class ReadMarkersTest extends ChatTestBase {

  private static final JsonObject OWNER = new JsonObject().put("id", OLIVIA).put("username", "olivia");

  @Override
  JsonObject config() {
    // The randomized scenario sends more than one user's default burst.
    return super.config().put(Settings.MESSAGES_PER_SECOND, 0);
  }

  // ---- the marker --------------------------------------------------------------------

  @Test
  void markerNeverMovesBackwardAndOnlyAMovePublishes() throws Exception {
    long chatId = createChat(ALICE, "forward", BOB).getLong("id");
    List<JsonObject> chatEvents = recordEvents(chatId);
    List<JsonObject> bobEvents = recordUserEvents(BOB);
    long m1 = send(ALICE, chatId, "one").getLong("id");
    long m2 = send(ALICE, chatId, "two").getLong("id");
    long m3 = send(ALICE, chatId, "three").getLong("id");
    assertEquals(3, chatOf(BOB, chatId).getLong("unread_count"));

    assertEquals(state(chatId, BOB, m2, 1), markRead(BOB, chatId, m2));
    assertEquals(state(chatId, BOB, m2, 1), markRead(BOB, chatId, m1), "below the marker: nothing changes");
    assertEquals(state(chatId, BOB, m2, 1), markRead(BOB, chatId, m2), "at the marker: nothing changes");
    assertEquals(m2, chatOf(BOB, chatId).getLong("last_read_message_id"));
    assertEquals(state(chatId, BOB, m3, 0), markRead(BOB, chatId, m3));
    flushEvents(chatEvents, ALICE, chatId);

    // Only the two moves were published; the sends (which moved alice's marker) published none.
    assertEquals(List.of(readEvent(chatId, BOB, m2), readEvent(chatId, BOB, m3)), ofType(chatEvents, "read"));
    waitUntil("bob's second unread event", () -> ofType(bobEvents, "unread").size() == 2);
    assertEquals(List.of(unreadEvent(chatId, 1, m2), unreadEvent(chatId, 0, m3)), ofType(bobEvents, "unread"));

    JsonObject bob = receipt(chatId, BOB);
    assertEquals(m3, bob.getLong("last_read_message_id"));
    assertNotNull(bob.getString("read_at"));
    restart();
    assertEquals(m3, chatOf(BOB, chatId).getLong("last_read_message_id"), "the marker was committed");
  }

  @Test
  void unreadCountExcludesOwnAndDeletedMessages() throws Exception {
    long chatId = createChat(ALICE, "counts", BOB).getLong("id");
    long a1 = send(ALICE, chatId, "a1").getLong("id");
    send(ALICE, chatId, "a2");
    long b1 = send(BOB, chatId, "b1").getLong("id");
    assertEquals(0, chatOf(BOB, chatId).getLong("unread_count"), "sending moved bob's marker past what came before");
    send(ALICE, chatId, "a3");
    long a4 = send(ALICE, chatId, "a4").getLong("id");
    send(ALICE, chatId, "a5");
    long b2 = send(BOB, chatId, "b2 is bob's own").getLong("id");
    send(ALICE, chatId, "a6");
    assertEquals(1, chatOf(BOB, chatId).getLong("unread_count"), "only a6 lies after bob's newest message");
    assertEquals(0, chatOf(ALICE, chatId).getLong("unread_count"));

    assertEquals(b2, markRead(BOB, chatId, b1).getLong("last_read_message_id"), "b2 moved the marker further");
    adminDelete(a4);
    assertEquals(1, chatOf(BOB, chatId).getLong("unread_count"), "a deletion before the marker changes nothing");
    long a7 = send(ALICE, chatId, "a7").getLong("id");
    long a8 = send(ALICE, chatId, "a8").getLong("id");
    assertEquals(3, chatOf(BOB, chatId).getLong("unread_count"));
    adminDelete(a7);
    assertEquals(2, chatOf(BOB, chatId).getLong("unread_count"), "a deleted message is not unread");
    assertEquals(2, listed(BOB, chatId).getLong("unread_count"), "the list agrees");
    assertEquals(1, markRead(BOB, chatId, a7).getLong("unread_count"), "a deleted message may be a marker");
    adminDelete(a8);
    assertEquals(0, chatOf(BOB, chatId).getLong("unread_count"));
    adminDelete(a1);
    assertEquals(0, chatOf(BOB, chatId).getLong("unread_count"));
  }

  @Test
  void chatObjectsCarryTheRecipientsMarkerAndCount() throws Exception {
    List<JsonObject> bobEvents = recordUserEvents(BOB);
    JsonObject created = createChat(ALICE, "objects", BOB);
    long chatId = created.getLong("id");
    assertEquals(0, created.getLong("unread_count"));
    assertEquals(0, created.getLong("last_read_message_id"));
    waitUntil("chat_added for bob", () -> !ofType(bobEvents, "chat_added").isEmpty());
    JsonObject addedChat = ofType(bobEvents, "chat_added").get(0).getJsonObject("chat");
    assertEquals(0, addedChat.getLong("unread_count"));
    assertEquals(0, addedChat.getLong("last_read_message_id"));

    long m1 = send(ALICE, chatId, "hello bob").getLong("id");
    JsonObject forAlice = chatOf(ALICE, chatId);
    JsonObject forBob = chatOf(BOB, chatId);
    assertEquals(List.of(0L, m1), List.of(forAlice.getLong("unread_count"), forAlice.getLong("last_read_message_id")));
    assertEquals(List.of(1L, 0L), List.of(forBob.getLong("unread_count"), forBob.getLong("last_read_message_id")));
    assertEquals(forBob, listed(BOB, chatId));

    // The participant answers are the caller's view; a caller that left has no marker.
    JsonObject afterAdd = addParticipant(BOB, chatId, CAROL);
    assertEquals(List.of(1L, 0L), List.of(afterAdd.getLong("unread_count"), afterAdd.getLong("last_read_message_id")));
    JsonObject afterLeave = call(Addresses.CHAT_REMOVE_PARTICIPANT, removeRequest(BOB, "student", chatId, BOB));
    assertEquals(0, afterLeave.getLong("unread_count"));
    assertTrue(afterLeave.containsKey("last_read_message_id"));
    assertNull(afterLeave.getValue("last_read_message_id"));
  }

  @Test
  void participantAddedLateHasReadWhatCameBefore() throws Exception {
    long chatId = createChat(ALICE, "late", BOB).getLong("id");
    send(ALICE, chatId, "history 1");
    send(BOB, chatId, "history 2");
    long newest = send(ALICE, chatId, "history 3").getLong("id");
    List<JsonObject> daveEvents = recordUserEvents(DAVE);

    JsonObject answer = addParticipant(ALICE, chatId, DAVE);
    assertEquals(List.of(0L, newest), List.of(answer.getLong("unread_count"), answer.getLong("last_read_message_id")),
      "the answer is alice's view");
    waitUntil("chat_added for dave", () -> !ofType(daveEvents, "chat_added").isEmpty());
    JsonObject daveSees = ofType(daveEvents, "chat_added").get(0).getJsonObject("chat");
    assertEquals(0, daveSees.getLong("unread_count"));
    assertEquals(newest, daveSees.getLong("last_read_message_id"));
    JsonObject daveReceipt = receipt(chatId, DAVE);
    assertEquals(newest, daveReceipt.getLong("last_read_message_id"));
    assertNull(daveReceipt.getValue("read_at"), "dave has not read anything himself");

    send(ALICE, chatId, "for dave 1");
    send(BOB, chatId, "for dave 2");
    assertEquals(2, chatOf(DAVE, chatId).getLong("unread_count"));
    assertEquals(1, chatOf(ALICE, chatId).getLong("unread_count"));

    // An owner's addition shows the added user its own marker too.
    List<JsonObject> carolEvents = recordUserEvents(CAROL);
    long newer = send(ALICE, chatId, "before carol").getLong("id");
    call(Addresses.CHAT_ADMIN_ADD_PARTICIPANT, new JsonObject().put("actor", OWNER).put("chat_id", chatId)
      .put("participant_id", CAROL));
    waitUntil("chat_added for carol", () -> !ofType(carolEvents, "chat_added").isEmpty());
    JsonObject carolSees = ofType(carolEvents, "chat_added").get(0).getJsonObject("chat");
    assertEquals(List.of(0L, newer), List.of(carolSees.getLong("unread_count"), carolSees.getLong("last_read_message_id")));
  }

  // ---- receipts ----------------------------------------------------------------------

  @Test
  void receiptsListEveryParticipantInJoiningOrder() throws Exception {
    long chatId = createChat(ALICE, "receipts", BOB, CAROL).getLong("id");
    long m1 = send(ALICE, chatId, "one").getLong("id");
    markRead(CAROL, chatId, m1);

    JsonArray reads = call(Addresses.CHAT_READS, new JsonObject().put("user_id", BOB).put("chat_id", chatId))
      .getJsonArray("reads");
    assertEquals(3, reads.size());
    assertEquals(List.of(ALICE, BOB, CAROL), reads.stream().map(r -> ((JsonObject) r).getLong("user_id")).toList());
    JsonObject bob = reads.getJsonObject(1);
    assertEquals(new JsonObject().put("user_id", BOB).put("last_read_message_id", 0L).putNull("read_at"), bob);
    assertEquals(m1, reads.getJsonObject(2).getLong("last_read_message_id"));
    assertTrue(reads.getJsonObject(2).getString("read_at").matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z"));
  }

  // ---- refusals ----------------------------------------------------------------------

  @Test
  void anotherChatsMessageOrAMissingOneFailsValidation() throws Exception {
    long chatId = createChat(ALICE, "mine", BOB).getLong("id");
    long otherChat = createChat(ALICE, "other", BOB).getLong("id");
    long mine = send(ALICE, chatId, "here").getLong("id");
    long elsewhere = send(ALICE, otherChat, "there").getLong("id");

    for (long messageId : new long[] {elsewhere, elsewhere + 1000, 999_999_999_999_999_999L}) {
      ServiceError error = failure(ErrorCode.VALIDATION, Addresses.CHAT_READ_MARK, readRequest(BOB, chatId, messageId));
      assertEquals("is not a message of this chat", error.fields().getString("message_id"), "message " + messageId);
    }
    assertEquals(0, chatOf(BOB, chatId).getLong("last_read_message_id"));
    assertEquals(mine, markRead(BOB, chatId, mine).getLong("last_read_message_id"));
  }

  @Test
  void badMessageIdsFailValidation() throws Exception {
    long chatId = createChat(ALICE, "bad", BOB).getLong("id");
    send(ALICE, chatId, "one");
    Object[] bad = {null, 0, -1, 1.5, "1", "abc", true, new JsonArray().add(1), new JsonObject(),
      new BigInteger("99999999999999999999")};
    for (Object value : bad) {
      JsonObject request = new JsonObject().put("user_id", BOB).put("chat_id", chatId).put("message_id", value);
      ServiceError error = failure(ErrorCode.VALIDATION, Addresses.CHAT_READ_MARK, request);
      assertTrue(error.fields().containsKey("message_id"), "fields.message_id for " + value);
    }
    ServiceError absent = failure(ErrorCode.VALIDATION, Addresses.CHAT_READ_MARK,
      new JsonObject().put("user_id", BOB).put("chat_id", chatId));
    assertTrue(absent.fields().containsKey("message_id"));
    assertEquals(1, chatOf(BOB, chatId).getLong("unread_count"), "nothing moved");
  }

  @Test
  void nonParticipantsGetNotFound() throws Exception {
    long chatId = createChat(ALICE, "closed", BOB).getLong("id");
    long m1 = send(ALICE, chatId, "secret").getLong("id");
    failure(ErrorCode.NOT_FOUND, Addresses.CHAT_READ_MARK, readRequest(CAROL, chatId, m1));
    failure(ErrorCode.NOT_FOUND, Addresses.CHAT_READS, new JsonObject().put("user_id", CAROL).put("chat_id", chatId));
    failure(ErrorCode.NOT_FOUND, Addresses.CHAT_READ_MARK, readRequest(ALICE, chatId + 1000, m1));
    failure(ErrorCode.NOT_FOUND, Addresses.CHAT_READS, new JsonObject().put("user_id", ALICE).put("chat_id", chatId + 1000));
    // A former participant is a non-participant.
    call(Addresses.CHAT_REMOVE_PARTICIPANT, removeRequest(BOB, "student", chatId, BOB));
    failure(ErrorCode.NOT_FOUND, Addresses.CHAT_READ_MARK, readRequest(BOB, chatId, m1));
    assertEquals(List.of(ALICE), call(Addresses.CHAT_READS, new JsonObject().put("user_id", ALICE).put("chat_id", chatId))
      .getJsonArray("reads").stream().map(r -> ((JsonObject) r).getLong("user_id")).toList());
  }

  // ---- exactness -----------------------------------------------------------------------

  /**
   * Random sends, deletions, markers and late joinings across several chats: after each round,
   * every participant's unread count in its list and in the single chat equals a brute-force
   * COUNT over the messages table, and its marker equals the one a model of the rules predicts.
   */
  @Test
  void unreadCountsEqualABruteForceCountInARandomizedScenario() throws Exception {
    Random random = new Random(20261201);
    long[] people = {ALICE, BOB, CAROL, DAVE, OLIVIA};
    List<Long> chats = new ArrayList<>();
    Map<Long, Set<Long>> members = new HashMap<>();
    Map<Long, List<long[]>> messages = new HashMap<>();  // chat -> [id, sender], in id order
    Set<Long> deleted = new LinkedHashSet<>();
    Map<List<Long>, Long> markers = new HashMap<>();     // [chat, user] -> message id
    for (int c = 0; c < 4; c++) {
      long chatId = createChat(ALICE, "random " + c, BOB, CAROL).getLong("id");
      chats.add(chatId);
      members.put(chatId, new LinkedHashSet<>(List.of(ALICE, BOB, CAROL)));
      messages.put(chatId, new ArrayList<>());
      for (long user : members.get(chatId)) {
        markers.put(List.of(chatId, user), 0L);
      }
    }
    for (int round = 0; round < 6; round++) {
      for (int op = 0; op < 40; op++) {
        long chatId = chats.get(random.nextInt(chats.size()));
        List<Long> in = new ArrayList<>(members.get(chatId));
        List<long[]> all = messages.get(chatId);
        int dice = random.nextInt(100);
        if (dice < 55 || all.isEmpty()) {
          long sender = in.get(random.nextInt(in.size()));
          long id = send(sender, chatId, "r" + round + "." + op).getLong("id");
          all.add(new long[] {id, sender});
          markers.merge(List.of(chatId, sender), id, Math::max);
        } else if (dice < 70) {
          long[] victim = all.get(random.nextInt(all.size()));
          if (deleted.add(victim[0])) {
            adminDelete(victim[0]);
          }
        } else if (dice < 95) {
          long reader = in.get(random.nextInt(in.size()));
          long target = all.get(random.nextInt(all.size()))[0];
          long before = markers.get(List.of(chatId, reader));
          JsonObject answer = markRead(reader, chatId, target);
          markers.put(List.of(chatId, reader), Math.max(before, target));
          assertEquals(Math.max(before, target), answer.getLong("last_read_message_id"));
          assertEquals(bruteForceUnread(chatId, reader, Math.max(before, target)), answer.getLong("unread_count"));
        } else {
          for (long person : people) {
            if (!members.get(chatId).contains(person)) {
              addParticipant(in.get(0), chatId, person);
              members.get(chatId).add(person);
              markers.put(List.of(chatId, person), all.get(all.size() - 1)[0]);
              break;
            }
          }
        }
      }
      for (long person : people) {
        Map<Long, JsonObject> listed = new LinkedHashMap<>();
        call(Addresses.CHAT_LIST, new JsonObject().put("user_id", person)).getJsonArray("chats")
          .forEach(c -> listed.put(((JsonObject) c).getLong("id"), (JsonObject) c));
        for (long chatId : chats) {
          if (!members.get(chatId).contains(person)) {
            continue;
          }
          long marker = markers.get(List.of(chatId, person));
          long expected = bruteForceUnread(chatId, person, marker);
          String where = "round " + round + ", user " + person + ", chat " + chatId;
          assertEquals(marker, listed.get(chatId).getLong("last_read_message_id"), where);
          assertEquals(expected, listed.get(chatId).getLong("unread_count"), where);
          assertEquals(expected, chatOf(person, chatId).getLong("unread_count"), where);
        }
      }
    }
    assertTrue(deleted.size() > 5, "the scenario deleted messages");
  }

  // ---- helpers -----------------------------------------------------------------------

  /** Messages of the chat after the marker, not the user's, not deleted: the definition, counted row by row. */
  private long bruteForceUnread(long chatId, long userId, long marker) throws Exception {
    try (Connection c = database();
         PreparedStatement s = c.prepareStatement("SELECT COUNT(*) FROM messages WHERE chat_id = ? AND id > ?"
           + " AND sender_id <> ? AND deleted_at IS NULL")) {
      s.setLong(1, chatId);
      s.setLong(2, marker);
      s.setLong(3, userId);
      try (ResultSet rows = s.executeQuery()) {
        rows.next();
        return rows.getLong(1);
      }
    }
  }

  private JsonObject readRequest(long user, long chatId, long messageId) {
    return new JsonObject().put("user_id", user).put("chat_id", chatId).put("message_id", messageId);
  }

  private JsonObject markRead(long user, long chatId, long messageId) throws Exception {
    return call(Addresses.CHAT_READ_MARK, readRequest(user, chatId, messageId));
  }

  private JsonObject chatOf(long user, long chatId) throws Exception {
    return getChat(user, chatId);
  }

  private JsonObject listed(long user, long chatId) throws Exception {
    return call(Addresses.CHAT_LIST, new JsonObject().put("user_id", user)).getJsonArray("chats").stream()
      .map(c -> (JsonObject) c).filter(c -> c.getLong("id") == chatId).findFirst().orElseThrow();
  }

  private JsonObject receipt(long chatId, long user) throws Exception {
    return call(Addresses.CHAT_READS, new JsonObject().put("user_id", user).put("chat_id", chatId))
      .getJsonArray("reads").stream().map(r -> (JsonObject) r).filter(r -> r.getLong("user_id") == user)
      .findFirst().orElseThrow();
  }

  private void adminDelete(long messageId) throws Exception {
    assertEquals(1, call(Addresses.CHAT_ADMIN_MESSAGES_DELETE, new JsonObject().put("actor", OWNER)
      .put("ids", new JsonArray().add(messageId))).getInteger("deleted"));
  }

  /** Everything published on {@code user.{id}} from now on. */
  private List<JsonObject> recordUserEvents(long userId) throws Exception {
    List<JsonObject> events = new CopyOnWriteArrayList<>();
    MessageConsumer<JsonObject> consumer =
      vertx.eventBus().consumer(Addresses.userEvents(userId), msg -> events.add(msg.body()));
    await(consumer.completion());
    return events;
  }

  private static JsonObject state(long chatId, long userId, long lastRead, long unread) {
    return new JsonObject().put("chat_id", chatId).put("user_id", userId).put("last_read_message_id", lastRead)
      .put("unread_count", unread);
  }

  private static JsonObject readEvent(long chatId, long userId, long lastRead) {
    return new JsonObject().put("type", "read").put("chat_id", chatId).put("user_id", userId)
      .put("last_read_message_id", lastRead);
  }

  private static JsonObject unreadEvent(long chatId, long unread, long lastRead) {
    return new JsonObject().put("type", "unread").put("chat_id", chatId).put("unread_count", unread)
      .put("last_read_message_id", lastRead);
  }
}
