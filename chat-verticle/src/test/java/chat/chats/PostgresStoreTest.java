package chat.chats;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import chat.shared.Addresses;
import chat.shared.ErrorCode;
import chat.shared.ServiceError;
import chat.testing.TestPostgres;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Comparator;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * What only the PostgreSQL store has: its own schema in a shared database, a server that can go
 * away and come back, and other writers. This class runs its own throw-away server ({@code scripts/pg-test.sh}
 * in a temporary directory), because it stops it.
 */
@Tag("postgresql-only")
class PostgresStoreTest extends ChatTestBase {

  private static Path serverDir;
  private static String databaseUrl;

  @BeforeAll
  static void startOwnServer() throws Exception {
    serverDir = Files.createTempDirectory("chat-pg-fault-");
    String admin = TestPostgres.script("start", serverDir);
    TestPostgres.psql(admin, "CREATE DATABASE chatbus");
    databaseUrl = admin.substring(0, admin.lastIndexOf('/') + 1) + "chatbus";
  }

  @AfterAll
  static void stopOwnServer() throws Exception {
    if (serverDir != null) {
      TestPostgres.script("stop", serverDir);
      try (var paths = Files.walk(serverDir)) {
        paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }

  @Override
  String pgUrl() {
    return databaseUrl;
  }

  @Test
  void theServiceKeepsToItsSchemaAndItsConnectionsSearchIt() throws Exception {
    long chatId = createChat(ALICE, "schema", BOB).getLong("id");
    send(BOB, chatId, "hello");

    assertEquals(0, queryLong("SELECT COUNT(*) FROM information_schema.tables WHERE table_schema NOT IN"
      + " ('chat', 'pg_catalog', 'information_schema')"), "nothing outside the schema chat");
    assertEquals(1, queryLong("SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = 'chat'"
      + " AND table_name = 'flyway_schema_history'"), "its migration history is in it too");
    // V1 to V6 (V5: attachments, V6: search).
    assertEquals(6, queryLong("SELECT COUNT(*) FROM chat.flyway_schema_history WHERE success AND version IS NOT NULL"));
    assertTrue(queryLong("SELECT COUNT(*) FROM pg_stat_activity WHERE application_name = 'chatbus-chat'"
      + " AND datname = current_database()") > 0, "the service's connections are named");
    // Every connection of the service reads the schema chat (search_path), none other.
    assertEquals(1, queryLong("SELECT COUNT(*) FROM chat.messages WHERE content = 'hello'"));
  }

  @Test
  void aServerThatGoesAwayAnswers503NeverA500AndTheServiceRecoversWhenItIsBack() throws Exception {
    long chatId = createChat(ALICE, "outage", BOB).getLong("id");
    long before = send(ALICE, chatId, "before the outage").getLong("id");
    assertEquals("UP", ping());

    TestPostgres.script("stop", serverDir);
    try {
      assertEquals("DOWN", ping(), "readiness is DOWN as soon as the server is gone, before any write fails");
      ServiceError send = failure(ErrorCode.UNAVAILABLE, Addresses.CHAT_MESSAGE_SEND,
        sendRequest(BOB, chatId, "while down").put("client_id", "down-1"));
      assertTrue(send.getMessage().contains("try again") || send.getMessage().contains("retry"), send.getMessage());
      // Reads fail the same way, and so do other writes.
      failure(ErrorCode.UNAVAILABLE, Addresses.CHAT_MESSAGE_HISTORY,
        new JsonObject().put("user_id", ALICE).put("chat_id", chatId));
      failure(ErrorCode.UNAVAILABLE, Addresses.CHAT_LIST, new JsonObject().put("user_id", ALICE));
      failure(ErrorCode.UNAVAILABLE, Addresses.CHAT_ADD_PARTICIPANT,
        new JsonObject().put("user_id", ALICE).put("chat_id", chatId).put("participant_id", CAROL));
      assertEquals("DOWN", ping(), "readiness is DOWN while the database cannot be written");
    } finally {
      TestPostgres.script("restart", serverDir);
    }

    // The service notices by itself (its write probe), without a request.
    waitUntil("readiness is UP again", () -> "UP".equals(pingQuietly()));
    JsonObject retried = call(Addresses.CHAT_MESSAGE_SEND, sendRequest(BOB, chatId, "while down").put("client_id", "down-1"));
    JsonObject again = call(Addresses.CHAT_MESSAGE_SEND, sendRequest(BOB, chatId, "while down").put("client_id", "down-1"));
    assertEquals(retried, again, "a retry with the same client_id stores once");
    long after = send(ALICE, chatId, "after the outage").getLong("id");
    assertTrue(after > retried.getLong("id") && retried.getLong("id") > before, "ids keep growing");
    assertEquals(List.of("before the outage", "while down", "after the outage"),
      allMessages(BOB, chatId).stream().map(m -> m.getString("content")).toList());
    assertEquals(3, getChat(ALICE, chatId).getLong("last_seq"), "the failed writes took no seq");
    assertEquals(List.of(ALICE, BOB), participantIds(getChat(ALICE, chatId)));
  }

  /**
   * Another writer (a second instance, played by a JDBC connection doing what its group commit
   * does) stores a send with the same client_id after this service's batch looked the key up: the
   * batch meets the unique key, rolls back whole, tries once more and answers the stored message.
   */
  @Test
  void aClientIdStoredMeanwhileByAnotherWriterIsAnsweredWithThatMessage() throws Exception {
    long chatId = createChat(ALICE, "race", BOB).getLong("id");
    send(ALICE, chatId, "first");
    long theirs;
    Future<JsonObject> reply;
    try (Connection other = database(); Statement s = other.createStatement()) {
      other.setAutoCommit(false);
      // The other writer's batch: the chat locked and advanced, its message inserted, not committed.
      s.execute("SELECT id FROM chats WHERE id = " + chatId + " FOR NO KEY UPDATE");
      s.execute("UPDATE chats SET last_seq = last_seq + 1, message_count = message_count + 1 WHERE id = " + chatId);
      theirs = single(s, "SELECT nextval('messages_id_seq')");
      s.execute("INSERT INTO messages (id, chat_id, sender_id, content, created_at, client_id, seq, n) VALUES ("
        + theirs + ", " + chatId + ", " + BOB + ", 'sent twice', " + System.currentTimeMillis() + ", 'shared-key', 2, 2)");
      s.execute("INSERT INTO chat_events (chat_id, seq, kind, message_id, created_at) VALUES ("
        + chatId + ", 2, 1, " + theirs + ", " + System.currentTimeMillis() + ")");

      reply = bus.request(Addresses.CHAT_MESSAGE_SEND, sendRequest(BOB, chatId, "sent twice").put("client_id", "shared-key"));
      // The service's batch looked the key up (not there yet) and now waits for the chat's lock.
      waitUntil("the batch waits for the chat's lock", () -> {
        try {
          return queryLong("SELECT COUNT(*) FROM pg_stat_activity WHERE datname = current_database()"
            + " AND application_name = 'chatbus-chat' AND wait_event_type = 'Lock'") > 0;
        } catch (SQLException e) {
          throw new IllegalStateException(e);
        }
      });
      other.commit();
    }

    JsonObject answered = await(reply);
    assertEquals(theirs, answered.getLong("id"), "answered with the other writer's message");
    assertEquals(2, answered.getLong("seq"));
    assertEquals(1, queryLong("SELECT COUNT(*) FROM messages WHERE client_id = 'shared-key'"));
    assertEquals(3, send(ALICE, chatId, "next").getLong("seq"), "the seqs go on without a gap");
    assertEquals(List.of("first", "sent twice", "next"),
      allMessages(BOB, chatId).stream().map(m -> m.getString("content")).toList());
  }

  private static long single(Statement s, String sql) throws SQLException {
    try (ResultSet rows = s.executeQuery(sql)) {
      rows.next();
      return rows.getLong(1);
    }
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
}
