package chat.chats;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import chat.shared.Addresses;
import chat.shared.ErrorCode;
import chat.shared.Events;
import chat.shared.Settings;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.sql.Connection;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Several chat instances on one PostgreSQL database (issue 12), deployed side by side in one
 * Vert.x: the event bus hands each request to one of them, round-robin, so consecutive requests
 * go to different instances. A change made through one is seen by all at once (a cached "not a
 * participant" is checked with the database; a removed sender is refused under the chat's row
 * lock); presence events are published once per transition and chat, by the chat's owner, and
 * none is lost when an instance dies.
 */
@Tag("postgresql-only")
class ScaleOutTest extends ChatTestBase {

  private static final String LIVENESS_MS = "900";
  private static final int BURST = 20;

  @Override
  JsonObject config() {
    // A small send budget (20 at once, 1 per second), so that the budget test spends it quickly.
    return super.config().put(Settings.INSTANCE_LIVENESS_MS, LIVENESS_MS)
      .put(Settings.MESSAGE_BURST, BURST).put(Settings.MESSAGES_PER_SECOND, 1);
  }

  @Test
  void aParticipantAddedThroughOneInstanceIsServedAtOnceByAnyAndOneRemovedCannotSend() throws Exception {
    addInstance();
    for (int round = 0; round < 6; round++) {
      long chatId = createChat(ALICE, "round " + round).getLong("id");
      addParticipant(ALICE, chatId, BOB);
      // Whichever instance takes them, the very next requests: the chat and its history are
      // shown, and the send is stored.
      assertEquals(List.of(ALICE, BOB), participantIds(getChat(BOB, chatId)));
      assertEquals(0, allMessages(BOB, chatId).size());
      assertEquals("hello " + round, send(BOB, chatId, "hello " + round).getString("content"));
      assertTrue(isMember(BOB, chatId), "the bridge's membership check agrees at once");
      call(Addresses.CHAT_REMOVE_PARTICIPANT, removeRequest(ALICE, "student", chatId, BOB));
      failure(ErrorCode.NOT_FOUND, Addresses.CHAT_MESSAGE_SEND, sendRequest(BOB, chatId, "after removal " + round));
      List<String> contents = allMessages(ALICE, chatId).stream().map(m -> m.getString("content")).toList();
      assertEquals(List.of("hello " + round), contents, "a refused send stores nothing");
    }
  }

  @Test
  void everyInstanceLearnsTheParticipantsAndUsersOfAChatChangedOnAnother() throws Exception {
    addInstance();
    long chatId = createChat(ALICE, "learnt", BOB).getLong("id");
    addParticipant(ALICE, chatId, CAROL);
    // Consecutive requests alternate between the instances: both answer with the same chat.
    waitUntil("both instances show carol with her name", () -> {
      try {
        for (int i = 0; i < 4; i++) {
          JsonObject chat = getChat(CAROL, chatId);
          if (!participantIds(chat).equals(List.of(ALICE, BOB, CAROL))
            || !"carol".equals(chat.getJsonArray("participants").getJsonObject(2).getString("username"))) {
            return false;
          }
        }
        return true;
      } catch (Exception e) {
        return false;
      }
    });
    call(Addresses.CHAT_ADMIN_CHAT_DELETE, new JsonObject().put("actor",
      new JsonObject().put("id", OLIVIA).put("username", "olivia")).put("chat_id", chatId));
    waitUntil("no instance knows the deleted chat", () -> {
      try {
        for (int i = 0; i < 4; i++) {
          if (isMember(ALICE, chatId)) {
            return false;
          }
        }
        return true;
      } catch (Exception e) {
        return false;
      }
    });
    for (int i = 0; i < 4; i++) {
      failure(ErrorCode.NOT_FOUND, Addresses.CHAT_GET, new JsonObject().put("user_id", ALICE).put("chat_id", chatId));
    }
  }

  @Test
  void eachPresenceTransitionIsPublishedOncePerChatAndBothInstancesAnswerWhoIsOnline() throws Exception {
    addInstance();
    List<Long> chats = new ArrayList<>();
    Map<Long, List<JsonObject>> events = new java.util.HashMap<>();
    for (int i = 0; i < 8; i++) {
      long chatId = createChat(ALICE, "presence " + i, BOB).getLong("id");
      chats.add(chatId);
      events.put(chatId, recordEvents(chatId));
    }
    Set<String> owners = new HashSet<>();
    List<String> live = instances.stream().map(ChatVerticle::instanceId).sorted().toList();
    chats.forEach(c -> owners.add(ChatInstances.owner(c, live)));
    assertEquals(2, owners.size(), "the chats are shared out between both instances");
    // Both instances know the chats (the change events arrived) before bob comes online.
    waitUntil("both instances know every chat", () -> {
      try {
        for (long chatId : chats) {
          getChat(BOB, chatId);
          getChat(BOB, chatId);
        }
        return true;
      } catch (Exception e) {
        return false;
      }
    });

    // A gateway's report is published: every instance holds it.
    vertx.eventBus().publish(Addresses.CHAT_PRESENCE_REPORT,
      new JsonObject().put("gateway", "g1").put("user_id", BOB).put("online", true));
    waitUntil("both instances answer bob online", () -> {
      try {
        return online(ALICE, chats.get(0)).contains(BOB) && online(ALICE, chats.get(0)).contains(BOB);
      } catch (Exception e) {
        return false;
      }
    });
    for (long chatId : chats) {
      flushEvents(events.get(chatId), ALICE, chatId);
      assertEquals(1, ofType(events.get(chatId), Events.PRESENCE).size(),
        () -> "one presence event on chat " + chatId + ": " + events.get(chatId));
    }
  }

  @Test
  void theChatsOfAnInstanceThatDiedGetTheTransitionsItNeverPublished() throws Exception {
    // A "ghost" instance beats, so it owns some chats, then dies (stops beating) without
    // having published anything: its chats' transitions of meanwhile are published by the survivor.
    String ghost = "ghost-instance";
    long beats = vertx.setPeriodic(100, t -> vertx.eventBus().publish(Addresses.CHAT_INTERNAL_INSTANCES,
      new JsonObject().put("instance", ghost)));
    List<Long> chats = new ArrayList<>();
    Map<Long, List<JsonObject>> events = new java.util.HashMap<>();
    try {
      waitUntil("the ghost counts live", () -> verticle.liveInstances() == 2);
      for (int i = 0; i < 8; i++) {
        long chatId = createChat(ALICE, "ghost " + i, BOB).getLong("id");
        chats.add(chatId);
        events.put(chatId, recordEvents(chatId));
      }
      vertx.eventBus().publish(Addresses.CHAT_PRESENCE_REPORT,
        new JsonObject().put("gateway", "g1").put("user_id", BOB).put("online", true));
      waitUntil("bob online", () -> {
        try {
          return online(ALICE, chats.get(0)).contains(BOB);
        } catch (Exception e) {
          return false;
        }
      });
    } finally {
      vertx.cancelTimer(beats);
    }
    List<String> live = List.of(ghost, verticle.instanceId()).stream().sorted().toList();
    List<Long> ghostChats = chats.stream().filter(c -> ghost.equals(ChatInstances.owner(c, live))).toList();
    assertFalse(ghostChats.isEmpty(), "the ghost owned some of the chats");
    assertTrue(ghostChats.size() < chats.size(), "and the survivor others");
    waitUntil("the ghost is counted dead", () -> verticle.liveInstances() == 1);
    for (long chatId : chats) {
      flushEvents(events.get(chatId), ALICE, chatId);
      assertEquals(List.of(new JsonObject().put("type", Events.PRESENCE).put("chat_id", chatId).put("user_id", BOB)
          .put("online", true)), ofType(events.get(chatId), Events.PRESENCE),
        () -> "exactly one presence event on chat " + chatId + (ghostChats.contains(chatId) ? " (the ghost's)" : ""));
    }
  }

  @Test
  void theSendBudgetIsSharedOutByTheLiveInstances() throws Exception {
    addInstance();
    long chatId = createChat(ALICE, "budget").getLong("id");
    int stored = 0;
    int limited = 0;
    long started = System.nanoTime();
    for (int i = 0; i < 3 * BURST; i++) {
      try {
        send(ALICE, chatId, "m" + i);
        stored++;
      } catch (chat.shared.ServiceError e) {
        assertEquals(ErrorCode.RATE_LIMITED, e.code(), e.getMessage());
        limited++;
      }
    }
    double seconds = (System.nanoTime() - started) / 1e9;
    // Round-robin: each instance took every other send and allowed half of the burst (plus half
    // of what refilled meanwhile), so the two together allow one budget, not two.
    assertTrue(stored >= BURST, "the whole burst was allowed: " + stored);
    assertTrue(stored <= BURST + Math.ceil(seconds) + 1, stored + " stored in " + seconds + " s, " + limited + " refused");
    assertEquals(stored, allMessages(ALICE, chatId).size(), "a refused send stores nothing");
  }

  /**
   * Another instance's removal commits before its event reaches this instance's membership cache:
   * emulated by removing the participant in the database only, so that both instances' caches
   * still say yes. Edits, deletes and reactions check participation under the chat's lock, as
   * sends do, so each is refused on either instance and nothing changes.
   */
  @Test
  void aParticipantRemovedBehindTheCachesCanNeitherEditNorDeleteNorReact() throws Exception {
    addInstance();
    long chatId = createChat(ALICE, "stale cache").getLong("id");
    addParticipant(ALICE, chatId, BOB);
    long messageId = send(BOB, chatId, "before").getLong("id");
    long seqBefore = queryLong("SELECT last_seq FROM chats WHERE id = " + chatId);
    try (Connection c = database(); Statement st = c.createStatement()) {
      assertEquals(1, st.executeUpdate("DELETE FROM participants WHERE chat_id = " + chatId + " AND user_id = " + BOB));
    }
    // Round-robin: consecutive requests go to different instances; both caches still say yes.
    assertTrue(isMember(BOB, chatId) && isMember(BOB, chatId), "the caches do not know of the removal");
    for (int round = 0; round < 2; round++) {
      failure(ErrorCode.NOT_FOUND, Addresses.CHAT_MESSAGE_EDIT, new JsonObject().put("user_id", BOB)
        .put("chat_id", chatId).put("message_id", messageId).put("content", "after " + round));
      failure(ErrorCode.NOT_FOUND, Addresses.CHAT_REACTION_ADD, new JsonObject().put("user_id", BOB)
        .put("chat_id", chatId).put("message_id", messageId).put("emoji", "👍"));
      failure(ErrorCode.NOT_FOUND, Addresses.CHAT_MESSAGE_DELETE, new JsonObject().put("user_id", BOB)
        .put("user_type", "student").put("chat_id", chatId).put("message_id", messageId));
    }
    assertEquals(0, queryLong("SELECT COUNT(*) FROM messages WHERE id = " + messageId
      + " AND (content <> 'before' OR edited_at IS NOT NULL OR deleted_at IS NOT NULL)"), "the message is unchanged");
    assertEquals(0, queryLong("SELECT COUNT(*) FROM reactions WHERE message_id = " + messageId), "no reaction");
    assertEquals(seqBefore, queryLong("SELECT last_seq FROM chats WHERE id = " + chatId), "no change took a seq");
  }

  private JsonArray online(long caller, long chatId) throws Exception {
    return call(Addresses.CHAT_PRESENCE, new JsonObject().put("user_id", caller).put("chat_id", chatId))
      .getJsonArray("online");
  }
}
