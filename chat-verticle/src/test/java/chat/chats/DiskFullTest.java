package chat.chats;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import chat.shared.Addresses;
import chat.shared.ErrorCode;
import chat.shared.ServiceError;
import chat.shared.Settings;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * A full database, for real: SQLite's own SQLITE_FULL, reached through the operator's size cap
 * ({@code CHAT_DB_MAX_BYTES}, SQLite's {@code max_page_count} on the writer connection), which
 * fails exactly where a full file system fails: when the file must grow. Space is then freed
 * through another connection, as an operator deleting data would. (PostgreSQL's equivalent, a
 * server that goes away and comes back: {@code PostgresStoreTest}.)
 */
@Tag("sqlite-only")
class DiskFullTest extends ChatTestBase {

  private static final String BIG = "y".repeat(7000);
  /** Pages of room left under the cap: two or three long messages. */
  private static final long ROOM_PAGES = 6;

  private long maxBytes;

  @Override
  JsonObject config() {
    JsonObject config = super.config();
    if (maxBytes > 0) {
      config.put(Settings.CHAT_DB_MAX_BYTES, maxBytes);
    }
    return config;
  }

  @Test
  void fullDatabaseFailsSendsUnavailableReportsDownAndRecoversOnceSpaceIsFreed() throws Exception {
    long chatId = createChat(ALICE, "full", BOB).getLong("id");
    for (int i = 0; i < 10; i++) {
      send(ALICE, chatId, "filler " + i + " " + BIG);
    }
    // Cap the file a few pages above its size now.
    maxBytes = (pageCount() + ROOM_PAGES) * SqliteChatDatabase.PAGE_SIZE;
    restart();
    assertEquals("UP", ping());
    List<JsonObject> events = recordEvents(chatId);

    // Fill it: long sends succeed until the file would have to grow past the cap.
    List<Long> storedWhileFilling = new ArrayList<>();
    ServiceError full = null;
    for (int i = 0; i < 50 && full == null; i++) {
      JsonObject request = sendRequest(ALICE, chatId, "fill " + i + " " + BIG).put("client_id", "fill-" + i);
      try {
        storedWhileFilling.add(call(Addresses.CHAT_MESSAGE_SEND, request).getLong("id"));
      } catch (ServiceError e) {
        full = e;
      }
    }
    assertNotNull(full, "the capped database filled up");
    assertEquals(ErrorCode.UNAVAILABLE, full.code(), full.getMessage());
    assertEquals("DOWN", ping(), "readiness is DOWN while the database cannot be written");

    // Sends queued together while full: each one answered, none stored.
    List<Future<JsonObject>> whileFull = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      whileFull.add(bus.request(Addresses.CHAT_MESSAGE_SEND,
        sendRequest(BOB, chatId, "while full " + i + " " + BIG).put("client_id", "while-full-" + i)));
    }
    for (Future<JsonObject> send : whileFull) {
      ServiceError error = ServiceError.from(await(send.transform(ar -> ar.succeeded()
        ? Future.failedFuture(new AssertionError("stored while full: " + ar.result()))
        : Future.succeededFuture(ar.cause()))));
      assertEquals(ErrorCode.UNAVAILABLE, error.code(), error.getMessage());
    }
    assertEquals("DOWN", ping());
    assertEquals(0, countWhere("content LIKE 'while full %' OR client_id = 'fill-" + storedWhileFilling.size() + "'"),
      "nothing half-written");

    // Free space through another connection: the service notices by itself (its probe).
    try (Connection operator = DriverManager.getConnection(jdbcUrl()); Statement s = operator.createStatement()) {
      s.execute("PRAGMA busy_timeout = 5000");
      // (The driver's update count includes the rows the search index's trigger changes: count the rows instead.)
      s.executeUpdate("DELETE FROM messages WHERE content LIKE 'filler %'");
    }
    assertEquals(0, countWhere("content LIKE 'filler %'"));
    waitUntil("readiness is UP again", () -> "UP".equals(pingQuietly()));

    // Sends are stored, answered and published live again.
    long after = send(BOB, chatId, "after the space came back").getLong("id");
    JsonObject retried = call(Addresses.CHAT_MESSAGE_SEND,
      sendRequest(BOB, chatId, "while full 0 " + BIG).put("client_id", "while-full-0"));
    JsonObject again = call(Addresses.CHAT_MESSAGE_SEND,
      sendRequest(BOB, chatId, "while full 0 " + BIG).put("client_id", "while-full-0"));
    assertEquals(retried, again, "a retry with the same client_id stores once");
    waitUntil("both published on chat." + chatId, () -> messageIds(events).containsAll(List.of(after, retried.getLong("id"))));
    assertEquals(1, countWhere("client_id = 'while-full-0'"));
    assertEquals(0, countWhere("client_id IN ('while-full-1', 'while-full-2', 'while-full-3', 'while-full-4')"));
    assertTrue(after > storedWhileFilling.get(storedWhileFilling.size() - 1), "ids keep growing");
    List<Long> history = ids(allMessages(BOB, chatId));
    assertEquals(history.stream().sorted().toList(), history);
    assertFalse(history.isEmpty());
  }

  private String ping() throws Exception {
    return call(Addresses.CHAT_PING, new JsonObject()).getString("status");
  }

  private String pingQuietly() {
    try {
      return ping();
    } catch (Exception e) {
      return "unanswered";
    }
  }

  private static List<Long> messageIds(List<JsonObject> events) {
    return ofType(events, "message").stream().map(e -> e.getJsonObject("message").getLong("id")).toList();
  }

  private String jdbcUrl() {
    return "jdbc:sqlite:" + dataDir.toAbsolutePath().resolve(SqliteChatDatabase.FILE_NAME);
  }

  private long pageCount() throws Exception {
    try (Connection c = DriverManager.getConnection(jdbcUrl()); Statement s = c.createStatement();
         ResultSet rows = s.executeQuery("PRAGMA page_count")) {
      rows.next();
      return rows.getLong(1);
    }
  }

  private long countWhere(String condition) throws Exception {
    try (Connection c = DriverManager.getConnection(jdbcUrl()); Statement s = c.createStatement();
         ResultSet rows = s.executeQuery("SELECT COUNT(*) FROM messages WHERE " + condition)) {
      rows.next();
      return rows.getLong(1);
    }
  }
}
