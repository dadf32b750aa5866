package chat.chats;

import io.vertx.core.Future;
import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.ClosedConnectionException;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.io.IOException;
import java.util.Arrays;
import java.util.Collection;
import java.util.Set;

/**
 * The chat service's statements on PostgreSQL (vertx-pg-client: {@code $1, $2} placeholders,
 * list parameters as one array, {@code = ANY($1)}), in the connection's search_path {@code chat}.
 * Row locks instead of SQLite's database lock: see {@link ChatSql}.
 */
final class PostgresChatSql implements ChatSql {

  /**
   * SQLSTATE classes and codes of failures that come from the server or the connection, not from
   * the statement: 08 connection exception, 53 insufficient resources (disk full, out of memory,
   * too many connections), 57P01-57P05 shutdown, crash, cannot connect now, idle timeouts,
   * 58 system (I/O) error, 25006 read-only transaction (a standby), 40001 serialization failure
   * and 40P01 deadlock (a retry succeeds), 55P03 lock not available, 57014 statement cancelled.
   */
  private static final Set<String> STORAGE_CLASSES = Set.of("08", "53", "58");
  private static final Set<String> STORAGE_STATES = Set.of(
    "57P01", "57P02", "57P03", "57P04", "57P05", "25006", "40001", "40P01", "55P03", "57014");

  /** Each id of a batch of new messages, from the identity sequence of messages.id. */
  static final String NEXT_MESSAGE_IDS = "SELECT nextval('messages_id_seq') AS id FROM generate_series(1, $1)";

  private static final String UNREAD = "c.message_count - p.last_read_n - (SELECT COUNT(*) FROM messages d"
    + " WHERE d.chat_id = c.id AND d.deleted_at IS NOT NULL AND d.id > p.last_read_message_id)";

  @Override
  public Tuple ids(Collection<Long> ids) {
    return Tuple.tuple().addArrayOfLong(ids.toArray(new Long[0]));
  }

  @Override
  public boolean isStorageFailure(Throwable err) {
    for (Throwable t = err; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t instanceof PgException) {
        String state = ((PgException) t).getSqlState();
        if (state != null && (STORAGE_STATES.contains(state)
          || state.length() == 5 && STORAGE_CLASSES.contains(state.substring(0, 2)))) {
          return true;
        }
      } else if (t instanceof ClosedConnectionException || t instanceof IOException) {
        // The connection broke, or none could be made (refused, reset, unreachable).
        return true;
      }
    }
    return false;
  }

  /** The unique constraint of V1 on messages (chat_id, sender_id, client_id), by its generated name. */
  static final String CLIENT_KEY_CONSTRAINT = "messages_chat_id_sender_id_client_id_key";

  @Override
  public boolean isDuplicateClientId(Throwable err) {
    for (Throwable t = err; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t instanceof PgException && "23505".equals(((PgException) t).getSqlState())
        && CLIENT_KEY_CONSTRAINT.equals(((PgException) t).getConstraint())) {
        return true;
      }
    }
    return false;
  }

  /**
   * Taken from the database, so that several chat instances can write at once: one nextval per
   * new message, in one statement per batch, after the batch locked its chats (so within a chat,
   * id order is seq order whichever instance wrote).
   */
  @Override
  public MessageIds messageIds(Pool reader) {
    return new MessageIds.Sequence(PostgresChatSql::nextIds);
  }

  private static Future<long[]> nextIds(SqlClient tx, int count) {
    return tx.preparedQuery(NEXT_MESSAGE_IDS).execute(Tuple.of(count)).map(rows -> {
      long[] ids = new long[rows.size()];
      int i = 0;
      for (var row : rows) {
        ids[i++] = row.getLong("id");
      }
      Arrays.sort(ids);
      return ids;
    });
  }

  // ---- ChatStore ------------------------------------------------------------------------

  @Override
  public String begin() {
    return "BEGIN";
  }

  @Override
  public String probeInsert() {
    return "INSERT INTO write_probe (filler) VALUES (decode(repeat('00', $1), 'hex'))";
  }

  @Override
  public String probeDelete() {
    return "DELETE FROM write_probe";
  }

  @Override
  public String allUsers() {
    return "SELECT " + USER_COLUMNS + " FROM users";
  }

  @Override
  public String allParticipants() {
    return "SELECT chat_id, user_id FROM participants ORDER BY chat_id, added_at, added_order";
  }

  @Override
  public String messagesOf(int count) {
    return "SELECT " + MESSAGE_COLUMNS + " FROM messages WHERE id = ANY($1)";
  }

  @Override
  public String chat() {
    return "SELECT " + CHAT_COLUMNS + " FROM chats c WHERE c.id = $1";
  }

  @Override
  public String lockChats(int count) {
    return "SELECT id FROM chats WHERE id = ANY($1) ORDER BY id FOR NO KEY UPDATE";
  }

  @Override
  public String newest() {
    return "SELECT " + MESSAGE_COLUMNS
      + " FROM messages WHERE chat_id = $1 AND deleted_at IS NULL ORDER BY id DESC LIMIT $2";
  }

  @Override
  public String before() {
    return "SELECT " + MESSAGE_COLUMNS
      + " FROM messages WHERE chat_id = $1 AND id < $2 AND deleted_at IS NULL ORDER BY id DESC LIMIT $3";
  }

  @Override
  public String after() {
    return "SELECT " + MESSAGE_COLUMNS
      + " FROM messages WHERE chat_id = $1 AND id > $2 AND deleted_at IS NULL ORDER BY id ASC LIMIT $3";
  }

  @Override
  public String upsertUser() {
    return "INSERT INTO users (" + USER_COLUMNS + ") VALUES ($1, $2, $3, $4, $5, $6)"
      + " ON CONFLICT (id) DO UPDATE SET username = EXCLUDED.username, email = EXCLUDED.email,"
      + " user_type = EXCLUDED.user_type, date_joined = EXCLUDED.date_joined, is_active = EXCLUDED.is_active";
  }

  @Override
  public String insertChat() {
    return "INSERT INTO chats (name, created_by, created_at, last_activity_at) VALUES ($1, $2, $3, $4) RETURNING id";
  }

  @Override
  public String insertParticipant() {
    return "INSERT INTO participants (chat_id, user_id, added_at) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING";
  }

  @Override
  public String addParticipant() {
    return "INSERT INTO participants"
      + " (chat_id, user_id, added_at, joined_seq, last_read_message_id, last_read_n)"
      + " SELECT $1::bigint, $2::bigint, $3::bigint, c.last_seq + 1,"
      + " COALESCE((SELECT MAX(m.id) FROM messages m WHERE m.chat_id = c.id), 0), c.message_count"
      + " FROM chats c WHERE c.id = $4 ON CONFLICT DO NOTHING";
  }

  @Override
  public String renameChat() {
    return "UPDATE chats SET name = $1 WHERE id = $2";
  }

  @Override
  public String removeParticipant() {
    return "DELETE FROM participants WHERE chat_id = $1 AND user_id = $2";
  }

  @Override
  public String messagesByClientKey(int count) {
    return "SELECT " + MESSAGE_COLUMNS + " FROM messages WHERE (chat_id, sender_id, client_id) IN"
      + " (SELECT * FROM unnest($1::bigint[], $2::bigint[], $3::text[]))";
  }

  @Override
  public Tuple clientKeys(Collection<ClientKey> keys) {
    Long[] chats = new Long[keys.size()];
    Long[] senders = new Long[keys.size()];
    String[] clientIds = new String[keys.size()];
    int i = 0;
    for (ClientKey key : keys) {
      chats[i] = key.chatId();
      senders[i] = key.senderId();
      clientIds[i++] = key.clientId();
    }
    return Tuple.tuple().addArrayOfLong(chats).addArrayOfLong(senders).addArrayOfString(clientIds);
  }

  @Override
  public String insertMessage() {
    return "INSERT INTO messages (id, chat_id, sender_id, content, created_at, client_id, seq, n)"
      + " VALUES ($1, $2, $3, $4, $5, $6, $7, $8)";
  }

  @Override
  public String deleteMessage() {
    return "UPDATE messages SET content = '', deleted_at = $1 WHERE id = $2 AND deleted_at IS NULL";
  }

  @Override
  public String deleteReactionsOf() {
    return "DELETE FROM reactions WHERE message_id = $1";
  }

  @Override
  public String advanceChat() {
    return "UPDATE chats SET last_activity_at = GREATEST(last_activity_at, $1), last_seq = $2, message_count = $3"
      + " WHERE id = $4";
  }

  @Override
  public String moveMarker() {
    return "UPDATE participants SET last_read_message_id = $1, last_read_n = $2, read_at = $3"
      + " WHERE chat_id = $4 AND user_id = $5 AND last_read_message_id < $6";
  }

  @Override
  public String reactionsOf(int count) {
    return "SELECT message_id, emoji, user_id FROM reactions WHERE message_id = ANY($1) ORDER BY message_id, id";
  }

  // ---- ChatLog --------------------------------------------------------------------------

  @Override
  public String nextSeq() {
    return "UPDATE chats SET last_seq = last_seq + 1 WHERE id = $1 RETURNING last_seq";
  }

  @Override
  public String lockCounters(int count) {
    return "SELECT id, last_seq, message_count FROM chats WHERE id = ANY($1) ORDER BY id FOR NO KEY UPDATE";
  }

  @Override
  public String insertEvent() {
    return "INSERT INTO chat_events (" + EVENT_COLUMNS + ") VALUES ($1, $2, $3, $4, $5, $6, $7)";
  }

  @Override
  public String feedStart() {
    return "SELECT c.last_seq, p.joined_seq FROM chats c JOIN participants p ON p.chat_id = c.id AND p.user_id = $1"
      + " WHERE c.id = $2";
  }

  @Override
  public String events() {
    return "SELECT " + EVENT_COLUMNS
      + " FROM chat_events WHERE chat_id = $1 AND seq >= $2 AND seq <= $3 ORDER BY seq LIMIT $4";
  }

  // ---- ReadStore ------------------------------------------------------------------------

  @Override
  public String chatsOf() {
    return "SELECT " + CHAT_COLUMNS + ", p.last_read_message_id, " + UNREAD
      + " AS unread_count FROM participants p JOIN chats c ON c.id = p.chat_id WHERE p.user_id = $1"
      + " ORDER BY c.last_activity_at DESC, c.id DESC";
  }

  @Override
  public String chatOf() {
    return "SELECT " + CHAT_COLUMNS + ", p.last_read_message_id, "
      + "CASE WHEN p.user_id IS NULL THEN 0 ELSE " + UNREAD + " END AS unread_count"
      + " FROM chats c LEFT JOIN participants p ON p.chat_id = c.id AND p.user_id = $1 WHERE c.id = $2";
  }

  @Override
  public String position() {
    return "SELECT p.last_read_message_id, p.last_read_n, m.n, " + UNREAD + " AS unread_count"
      + " FROM participants p JOIN chats c ON c.id = p.chat_id"
      + " LEFT JOIN messages m ON m.id = $1 AND m.chat_id = p.chat_id"
      + " WHERE p.chat_id = $2 AND p.user_id = $3";
  }

  @Override
  public String marker() {
    return "SELECT p.last_read_message_id, p.last_read_n, " + UNREAD + " AS unread_count"
      + " FROM participants p JOIN chats c ON c.id = p.chat_id WHERE p.chat_id = $1 AND p.user_id = $2";
  }

  @Override
  public String receipts() {
    return "SELECT user_id, last_read_message_id, read_at FROM participants WHERE chat_id = $1"
      + " ORDER BY added_at, added_order";
  }

  @Override
  public String lockParticipant() {
    return "SELECT user_id FROM participants WHERE chat_id = $1 AND user_id = $2 FOR NO KEY UPDATE";
  }

  // ---- MessageChangeStore ---------------------------------------------------------------

  @Override
  public String messageWithCreator() {
    return "SELECT " + MESSAGE_COLUMNS
      + ", (SELECT c.created_by FROM chats c WHERE c.id = messages.chat_id) AS chat_created_by"
      + " FROM messages WHERE id = $1 AND chat_id = $2";
  }

  @Override
  public String editMessage() {
    return "UPDATE messages SET content = $1, edited_at = $2 WHERE id = $3 AND deleted_at IS NULL";
  }

  @Override
  public String emojiState() {
    return "SELECT COUNT(DISTINCT emoji) AS distinct_emoji,"
      + " COALESCE(MAX(CASE WHEN emoji = $1 THEN 1 ELSE 0 END), 0) AS used,"
      + " COALESCE(MAX(CASE WHEN emoji = $2 AND user_id = $3 THEN 1 ELSE 0 END), 0) AS mine"
      + " FROM reactions WHERE message_id = $4";
  }

  @Override
  public String addReaction() {
    return "INSERT INTO reactions (message_id, emoji, user_id, created_at) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING";
  }

  @Override
  public String removeReaction() {
    return "DELETE FROM reactions WHERE message_id = $1 AND emoji = $2 AND user_id = $3 RETURNING id AS r";
  }

  @Override
  public String moveReactionId() {
    return "UPDATE reactions SET id = $1 WHERE id ="
      + " (SELECT MIN(id) FROM reactions WHERE message_id = $2 AND emoji = $3) AND id > $4";
  }

  // ---- AdminStore -----------------------------------------------------------------------

  /** ILIKE: case-insensitive as SQLite's LIKE is (for every letter here, not ASCII alone). */
  @Override
  public String countChats() {
    return "SELECT COUNT(*) AS n FROM chats WHERE name ILIKE $1 ESCAPE '\\'";
  }

  @Override
  public String pageChats() {
    return "SELECT " + CHAT_COLUMNS
      + ", (SELECT COUNT(*) FROM messages m WHERE m.chat_id = c.id AND m.deleted_at IS NULL) AS message_count"
      + " FROM chats c WHERE c.name ILIKE $1 ESCAPE '\\' ORDER BY c.id DESC LIMIT $2 OFFSET $3";
  }

  @Override
  public String messageCount() {
    return "SELECT COUNT(*) AS n FROM messages WHERE chat_id = $1 AND deleted_at IS NULL";
  }

  @Override
  public String countMessages(AdminStore.MessageFilter filter) {
    return "SELECT COUNT(*) AS n FROM messages" + filter.where(i -> "$" + i);
  }

  @Override
  public String pageMessages(AdminStore.MessageFilter filter) {
    int next = filter.paramCount() + 1;
    return "SELECT " + MESSAGE_COLUMNS + " FROM messages" + filter.where(i -> "$" + i)
      + " ORDER BY id DESC LIMIT $" + next + " OFFSET $" + (next + 1);
  }

  @Override
  public String countAudit() {
    return "SELECT COUNT(*) AS n FROM audit_log";
  }

  @Override
  public String newestAudit() {
    return "SELECT id, actor_id, actor_username, action, target, details, created_at"
      + " FROM audit_log ORDER BY created_at DESC, id DESC LIMIT $1";
  }

  @Override
  public String lockChat() {
    return "SELECT " + CHAT_COLUMNS + " FROM chats c WHERE c.id = $1 FOR UPDATE";
  }

  @Override
  public String deleteMessagesOfChat() {
    return "DELETE FROM messages WHERE chat_id = $1";
  }

  @Override
  public String deleteParticipantsOfChat() {
    return "DELETE FROM participants WHERE chat_id = $1";
  }

  @Override
  public String deleteChat() {
    return "DELETE FROM chats WHERE id = $1";
  }

  @Override
  public String existingMessages(int count) {
    return "SELECT id, chat_id FROM messages WHERE id = ANY($1) AND deleted_at IS NULL ORDER BY chat_id, id";
  }

  @Override
  public String insertAudit() {
    return "INSERT INTO audit_log (actor_id, actor_username, action, target, details, created_at)"
      + " VALUES ($1, $2, $3, $4, $5, $6)";
  }

  // ---- scale-out (issue 12) ---------------------------------------------------------------

  @Override
  public String usersOf(int count) {
    return "SELECT " + USER_COLUMNS + " FROM users WHERE id = ANY($1)";
  }

  @Override
  public String participantsAmong(int count) {
    return "SELECT chat_id, user_id FROM participants WHERE (chat_id, user_id) IN"
      + " (SELECT * FROM unnest($1::bigint[], $2::bigint[]))";
  }

  @Override
  public Tuple pairs(Collection<long[]> pairs) {
    Long[] chats = new Long[pairs.size()];
    Long[] users = new Long[pairs.size()];
    int i = 0;
    for (long[] pair : pairs) {
      chats[i] = pair[0];
      users[i++] = pair[1];
    }
    return Tuple.tuple().addArrayOfLong(chats).addArrayOfLong(users);
  }
}
