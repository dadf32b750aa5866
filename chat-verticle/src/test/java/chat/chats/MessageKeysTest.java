package chat.chats;

import static org.junit.jupiter.api.Assertions.assertEquals;

import chat.shared.Addresses;
import chat.shared.Settings;
import chat.testing.TestPostgres;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A message's client_id and its sender are found whenever it was stored: at once, after many
 * batches, after a restart. On SQLite this covers the group commit's keys written a slot of
 * senders per batch (V7, {@link PendingKeys}): held in memory first, written later, or written at
 * start after a restart. On PostgreSQL the same behaviour comes from plain indexes.
 */
class MessageKeysTest extends ChatTestBase {

  /** More sequential sends than there are slots: every slot's keys get written at least once. */
  private static final int MORE_THAN_SLOTS = 2 * PendingKeys.SLOTS + 3;

  /** Hundreds of sends by one user: no send budget (burst 0). */
  @Override
  JsonObject config() {
    return super.config().put(Settings.MESSAGE_BURST, 0);
  }

  @Test
  void aClientIdStoresOnceWhetherItsKeyIsHeldWrittenOrWrittenAtARestart() throws Exception {
    long chatId = createChat(ALICE, "keys", BOB, CAROL).getLong("id");
    JsonObject first = keyed(ALICE, chatId, "k-first");
    // Held: the very next batch.
    assertEquals(first, keyed(ALICE, chatId, "k-first"));
    // Written: after more batches than slots.
    sequentialSends(chatId, MORE_THAN_SLOTS);
    assertEquals(first, keyed(ALICE, chatId, "k-first"));
    // The same client_id of another sender, or in another chat, is another message.
    JsonObject bobs = keyed(BOB, chatId, "k-first");
    long other = createChat(ALICE, "other", BOB).getLong("id");
    JsonObject elsewhere = keyed(ALICE, other, "k-first");
    assertEquals(3, List.of(first.getLong("id"), bobs.getLong("id"), elsewhere.getLong("id")).stream().distinct().count());
    JsonObject late = keyed(CAROL, chatId, "k-late");
    long stored = stored(chatId);

    restart();

    // Whatever was held when the service stopped is written at start: every key still stores once.
    assertEquals(first, keyed(ALICE, chatId, "k-first"));
    assertEquals(bobs, keyed(BOB, chatId, "k-first"));
    assertEquals(elsewhere, keyed(ALICE, other, "k-first"));
    assertEquals(late, keyed(CAROL, chatId, "k-late"));
    assertEquals(stored, stored(chatId));
    sequentialSends(chatId, MORE_THAN_SLOTS);
    assertEquals(late, keyed(CAROL, chatId, "k-late"));
    assertEquals(stored + MORE_THAN_SLOTS, stored(chatId));
  }

  @Test
  void concurrentRetriesInOneBatchStoreOnce() throws Exception {
    long chatId = createChat(ALICE, "burst", BOB).getLong("id");
    List<Future<JsonObject>> sends = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      sends.add(vertx.eventBus().request(Addresses.CHAT_MESSAGE_SEND, sendRequest(i % 2 == 0 ? ALICE : BOB, chatId, "burst " + i)
        .put("client_id", "b" + (i / 4))).map(m -> (JsonObject) m.body()));
    }
    List<Long> ids = new ArrayList<>();
    for (Future<JsonObject> send : sends) {
      ids.add(await(send).getLong("id"));
    }
    // 10 client_ids, each used by both senders: 20 messages.
    assertEquals(20, ids.stream().distinct().count());
    assertEquals(20, allMessages(ALICE, chatId).size());
  }

  @Test
  void theAdministrationFindsEveryMessageOfASenderNewestIncluded() throws Exception {
    long chatId = createChat(ALICE, "by sender", BOB).getLong("id");
    for (int i = 0; i < 5; i++) {
      send(BOB, chatId, "bob " + i);
    }
    assertEquals(5, sentBy(BOB));
    sequentialSends(chatId, MORE_THAN_SLOTS);   // ALICE's
    assertEquals(5, sentBy(BOB));
    assertEquals(MORE_THAN_SLOTS, sentBy(ALICE));
    send(BOB, chatId, "bob newest");
    assertEquals(6, sentBy(BOB));
    JsonObject page = call(Addresses.CHAT_ADMIN_MESSAGES_LIST, new JsonObject().put("sender_id", BOB).put("page_size", 2));
    assertEquals(List.of("bob newest", "bob 4"), messagesOf(page).stream().map(m -> m.getString("content")).toList());

    restart();

    assertEquals(6, sentBy(BOB));
    assertEquals(MORE_THAN_SLOTS, sentBy(ALICE));
  }

  @Test
  void aDeletedChatTakesItsMessagesKeysAlong() throws Exception {
    long doomed = createChat(ALICE, "doomed", BOB).getLong("id");
    keyed(ALICE, doomed, "gone-1");
    sequentialSends(doomed, MORE_THAN_SLOTS);
    keyed(BOB, doomed, "gone-2");
    call(Addresses.CHAT_ADMIN_CHAT_DELETE, new JsonObject().put("chat_id", doomed)
      .put("actor", new JsonObject().put("id", OLIVIA).put("username", "olivia")));

    assertEquals(0, sentBy(ALICE));
    assertEquals(0, sentBy(BOB));
    if (!TestPostgres.selected()) {
      // SQLite's V7 tables: nothing left of the chat's messages once their slots are written too.
      long kept = createChat(ALICE, "kept", BOB).getLong("id");
      sequentialSends(kept, MORE_THAN_SLOTS);
      try (Connection c = database()) {
        assertEquals(0, count(c, "SELECT COUNT(*) FROM client_keys WHERE chat_id = ?", doomed));
        assertEquals(0, count(c, "SELECT COUNT(*) FROM sender_messages s WHERE NOT EXISTS"
          + " (SELECT 1 FROM messages m WHERE m.id = s.message_id) AND ? > 0", doomed));
      }
    }
  }

  private JsonObject keyed(long sender, long chatId, String clientId) throws Exception {
    return call(Addresses.CHAT_MESSAGE_SEND, sendRequest(sender, chatId, "keyed " + clientId).put("client_id", clientId));
  }

  /** ALICE's sends one after the other: one batch each. */
  private void sequentialSends(long chatId, int count) throws Exception {
    for (int i = 0; i < count; i++) {
      send(ALICE, chatId, "filler " + i);
    }
  }

  /** How many messages the chat holds (history pages stop at 200). */
  private long stored(long chatId) throws Exception {
    return call(Addresses.CHAT_ADMIN_MESSAGES_LIST, new JsonObject().put("chat_id", chatId)).getLong("total");
  }

  private long sentBy(long sender) throws Exception {
    return call(Addresses.CHAT_ADMIN_MESSAGES_LIST, new JsonObject().put("sender_id", sender)).getLong("total");
  }

  private static List<JsonObject> messagesOf(JsonObject page) {
    return page.getJsonArray("messages").stream().map(m -> (JsonObject) m).toList();
  }

  private static long count(Connection c, String sql, long param) throws Exception {
    try (PreparedStatement st = c.prepareStatement(sql)) {
      st.setLong(1, param);
      try (ResultSet rows = st.executeQuery()) {
        rows.next();
        return rows.getLong(1);
      }
    }
  }
}
