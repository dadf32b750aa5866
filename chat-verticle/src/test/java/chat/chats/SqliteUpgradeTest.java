package chat.chats;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import chat.shared.Addresses;
import io.vertx.core.json.JsonObject;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * An existing SQLite deployment keeps working after the migrations moved from {@code db/chat} to
 * {@code db/chat/sqlite}. The fixture {@code fixtures/chat-main-e8598dc.sqlite} is a chat.db written
 * by main at e8598dc (before the move), through the service itself: chat 1 "before the move" of
 * alice with bob and carol, messages "one" (client_id k1, bob's 👍), "two" (edited by bob to
 * "two, edited") and "three", renamed to "renamed on main", dave added; chat 2 of bob with dave,
 * empty.
 */
@Tag("sqlite-only")
class SqliteUpgradeTest extends ChatTestBase {

  /** A chat.db a newer release migrated (a version this build does not know) is refused at start, not served. */
  @Test
  void aChatDbOfANewerReleaseIsRefused() throws Exception {
    await(vertx.undeploy(deploymentId));
    deploymentId = null;
    try (Connection c = database(); Statement s = c.createStatement()) {
      s.execute("INSERT INTO flyway_schema_history (installed_rank, version, description, type, script, checksum,"
        + " installed_by, installed_on, execution_time, success) VALUES (99, '99', 'from the future', 'SQL',"
        + " 'V99__from_the_future.sql', 0, 'test', '2026-12-02 00:00:00', 1, 1)");
    }
    Exception refused = org.junit.jupiter.api.Assertions.assertThrows(Exception.class, this::deploy);
    String message = String.valueOf(refused.getMessage());
    assertTrue(message.contains("99"), message);
  }

  @Test
  void aChatDbMigratedBeforeTheMoveStartsAndKeepsItsData() throws Exception {
    await(vertx.undeploy(deploymentId));
    deploymentId = null;
    for (String suffix : List.of("", "-wal", "-shm")) {
      Files.deleteIfExists(dataDir.resolve(SqliteChatDatabase.FILE_NAME + suffix));
    }
    try (InputStream fixture = getClass().getResourceAsStream("/fixtures/chat-main-e8598dc.sqlite")) {
      assertNotNull(fixture);
      Files.copy(fixture, dataDir.resolve(SqliteChatDatabase.FILE_NAME), StandardCopyOption.REPLACE_EXISTING);
    }
    stopAuth();
    deploy();

    // Flyway took the history as it was: the same four scripts, nothing run again; then the later
    // ones (V5 attachments, V6 search, V7 the message keys) on top.
    assertEquals(List.of("1 V1__schema.sql", "2 V2__audit.sql", "3 V3__write_probe.sql", "4 V4__conversation_state.sql",
      "5 V5__attachments.sql", "6 V6__search.sql", "7 V7__deferred_message_keys.sql"), history());
    // V6 indexed the messages stored before it: found by their text, the edited one by its new text.
    assertEquals(List.of(2L), ids(call(Addresses.CHAT_SEARCH, new JsonObject().put("user_id", DAVE).put("q", "edited"))
      .getJsonArray("results").stream().map(r -> ((JsonObject) r).getJsonObject("message")).toList()));

    JsonObject chat = getChat(CAROL, 1);
    assertEquals("renamed on main", chat.getString("name"));
    assertEquals(List.of(ALICE, BOB, CAROL, DAVE), participantIds(chat));
    assertEquals(7, chat.getLong("last_seq"));
    List<JsonObject> messages = allMessages(DAVE, 1);
    assertEquals(List.of("one", "two, edited", "three"), messages.stream().map(m -> m.getString("content")).toList());
    assertEquals(List.of(1L, 2L, 3L), ids(messages));
    assertEquals("👍", messages.get(0).getJsonArray("reactions").getJsonObject(0).getString("emoji"));
    assertEquals(List.of(BOB, DAVE), participantIds(getChat(DAVE, 2)));
    assertEquals("UP", call(Addresses.CHAT_PING, new JsonObject()).getString("status"));

    // V7 rebuilt the messages table: nothing refers to a missing row, and the administration finds
    // every message by its sender.
    try (Connection c = database(); Statement s = c.createStatement(); ResultSet r = s.executeQuery("PRAGMA foreign_key_check")) {
      assertFalse(r.next(), "a row refers to a missing one");
    }
    long total = call(Addresses.CHAT_ADMIN_MESSAGES_LIST, new JsonObject()).getLong("total");
    long bySender = 0;
    for (long sender : List.of(ALICE, BOB, CAROL, DAVE)) {
      bySender += call(Addresses.CHAT_ADMIN_MESSAGES_LIST, new JsonObject().put("sender_id", sender)).getLong("total");
    }
    assertTrue(total > 0);
    assertEquals(total, bySender);

    // It goes on where main stopped: the client_id is remembered, ids and seqs continue.
    assertEquals(1, call(Addresses.CHAT_MESSAGE_SEND, sendRequest(ALICE, 1, "one").put("client_id", "k1")).getLong("id"));
    JsonObject next = send(BOB, 1, "after the move");
    assertEquals(4, next.getLong("id"));
    assertEquals(8, next.getLong("seq"));
    JsonObject feed = call(Addresses.CHAT_EVENTS_FEED, new JsonObject().put("user_id", ALICE).put("chat_id", 1)
      .put("after_seq", 0));
    assertEquals(8, feed.getJsonArray("events").size());
    assertEquals(8, feed.getLong("last_seq"));
  }

  private List<String> history() throws Exception {
    List<String> rows = new ArrayList<>();
    try (Connection c = database(); Statement s = c.createStatement();
         ResultSet r = s.executeQuery("SELECT version, script FROM flyway_schema_history WHERE success = 1"
           + " ORDER BY installed_rank")) {
      while (r.next()) {
        rows.add(r.getString(1) + " " + r.getString(2));
      }
    }
    return rows;
  }
}
