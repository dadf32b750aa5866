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
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The chat service's side of presence, spoken to as gateways do: reports of transitions,
 * heartbeats with the set's count and sum, whole sets; the lease that drops a silent gateway's
 * users; {@code presence} events on every chat of the user, and the participants-only query.
 */
class PresenceTest extends ChatTestBase {

  /** Short, so a silent gateway expires quickly; live gateways in these tests beat far more often. */
  private static final long LEASE_MS = 600;

  @Override
  JsonObject config() {
    return super.config().put(Settings.PRESENCE_LEASE_MS, LEASE_MS);
  }

  private JsonObject report(String gateway, long userId, boolean online) throws Exception {
    return call(Addresses.CHAT_PRESENCE_REPORT, new JsonObject().put("gateway", gateway).put("user_id", userId)
      .put("online", online));
  }

  private boolean heartbeat(String gateway, long... users) throws Exception {
    long sum = 0;
    for (long user : users) {
      sum += user;
    }
    return call(Addresses.CHAT_PRESENCE_HEARTBEAT, new JsonObject().put("gateway", gateway)
      .put("count", users.length).put("sum", sum)).getBoolean("in_sync");
  }

  private JsonArray online(long caller, long chatId) throws Exception {
    return call(Addresses.CHAT_PRESENCE, new JsonObject().put("user_id", caller).put("chat_id", chatId))
      .getJsonArray("online");
  }

  private static JsonObject presence(long chatId, long userId, boolean online) {
    return new JsonObject().put("type", Events.PRESENCE).put("chat_id", chatId).put("user_id", userId)
      .put("online", online);
  }

  @Test
  void onlyTheFirstGatewayOnAndTheLastOffPublishOnEveryChatOfTheUser() throws Exception {
    long shared = createChat(ALICE, "shared", BOB).getLong("id");
    long other = createChat(CAROL, "other", BOB).getLong("id");
    long elsewhere = createChat(ALICE, "without bob", CAROL).getLong("id");
    List<JsonObject> onShared = recordEvents(shared);
    List<JsonObject> onOther = recordEvents(other);
    List<JsonObject> onElsewhere = recordEvents(elsewhere);

    report("g1", BOB, true);
    report("g2", BOB, true);
    assertEquals(new JsonArray().add(BOB), online(ALICE, shared));
    report("g1", BOB, false);
    assertEquals(new JsonArray().add(BOB), online(CAROL, other), "still on g2");
    report("g2", BOB, false);
    assertEquals(new JsonArray(), online(ALICE, shared));

    flushEvents(onShared, ALICE, shared);
    flushEvents(onOther, CAROL, other);
    flushEvents(onElsewhere, ALICE, elsewhere);
    for (List<JsonObject> events : List.of(onShared, onOther)) {
      long chatId = events == onShared ? shared : other;
      assertEquals(List.of(presence(chatId, BOB, true), presence(chatId, BOB, false)), ofType(events, Events.PRESENCE),
        "one online when the first gateway had him, one offline when the last let go");
      events.stream().filter(e -> Events.PRESENCE.equals(e.getString("type")))
        .forEach(e -> assertFalse(e.containsKey("seq"), "presence is live only"));
    }
    assertTrue(ofType(onElsewhere, Events.PRESENCE).isEmpty(), "a chat bob is not in hears nothing of him");
  }

  @Test
  void theQueryListsOnlineParticipantsInJoiningOrderAndOnlyToParticipants() throws Exception {
    long chatId = createChat(ALICE, "who is here", BOB, CAROL).getLong("id");
    report("g1", CAROL, true);
    report("g1", ALICE, true);
    report("g1", DAVE, true);
    assertEquals(new JsonArray().add(ALICE).add(CAROL), online(BOB, chatId), "dave is online but not a participant");
    failure(ErrorCode.NOT_FOUND, Addresses.CHAT_PRESENCE, new JsonObject().put("user_id", DAVE).put("chat_id", chatId));
    failure(ErrorCode.NOT_FOUND, Addresses.CHAT_PRESENCE, new JsonObject().put("user_id", ALICE).put("chat_id", 424242));
    failure(ErrorCode.VALIDATION, Addresses.CHAT_PRESENCE_REPORT, new JsonObject().put("gateway", "g1").put("user_id", "x"));
    failure(ErrorCode.VALIDATION, Addresses.CHAT_PRESENCE_REPORT, new JsonObject().put("user_id", ALICE).put("online", true));
  }

  @Test
  void aSilentGatewaysUsersGoOfflineWhileAHeartbeatingOnesStay() throws Exception {
    long chatId = createChat(ALICE, "lease", BOB).getLong("id");
    List<JsonObject> events = recordEvents(chatId);
    List<JsonObject> carolChat = recordEvents(createChat(CAROL, "carol's", ALICE).getLong("id"));
    report("alive", ALICE, true);
    report("alive", BOB, true);
    report("crashed", BOB, true);
    report("crashed", CAROL, true);
    // "alive" beats every 100 ms, well within the lease; "crashed" never does again.
    long beats = vertx.setPeriodic(100, id -> vertx.eventBus().request(Addresses.CHAT_PRESENCE_HEARTBEAT,
      new JsonObject().put("gateway", "alive").put("count", 2).put("sum", ALICE + BOB)));
    try {
      waitUntil("carol went offline with the crashed gateway", () -> ofType(carolChat, Events.PRESENCE).stream()
        .anyMatch(e -> e.getLong("user_id") == CAROL && !e.getBoolean("online")));
      assertEquals(new JsonArray().add(ALICE).add(BOB), online(ALICE, chatId), "bob is still held by the live gateway");
      flushEvents(events, ALICE, chatId);
      assertTrue(ofType(events, Events.PRESENCE).stream().noneMatch(e -> !e.getBoolean("online")),
        "nobody of this chat went offline: " + events);
    } finally {
      vertx.cancelTimer(beats);
    }
  }

  @Test
  void afterARestartAHeartbeatAsksForTheWholeSetWhichRestoresPresence() throws Exception {
    long chatId = createChat(ALICE, "restart", BOB).getLong("id");
    report("g1", BOB, true);
    assertTrue(heartbeat("g1", BOB));
    assertFalse(heartbeat("g1", BOB, ALICE), "another set than the one held");
    assertTrue(heartbeat("g-new"), "an unknown gateway holding nobody is in sync");

    restart();
    assertEquals(new JsonArray(), online(ALICE, chatId), "nothing is stored");
    assertFalse(heartbeat("g1", BOB), "the restarted service asks for the set");
    List<JsonObject> events = recordEvents(chatId);
    call(Addresses.CHAT_PRESENCE_SYNC, new JsonObject().put("gateway", "g1").put("users", new JsonArray().add(BOB).add(ALICE)));
    assertTrue(heartbeat("g1", BOB, ALICE));
    assertEquals(new JsonArray().add(ALICE).add(BOB), online(BOB, chatId));
    // A smaller set: whoever it no longer holds goes offline at once.
    call(Addresses.CHAT_PRESENCE_SYNC, new JsonObject().put("gateway", "g1").put("users", new JsonArray().add(ALICE)));
    flushEvents(events, ALICE, chatId);
    List<JsonObject> seen = ofType(events, Events.PRESENCE);
    assertEquals(3, seen.size(), seen.toString());
    assertTrue(seen.containsAll(List.of(presence(chatId, BOB, true), presence(chatId, ALICE, true))), seen.toString());
    assertEquals(presence(chatId, BOB, false), seen.get(2));
  }
}
