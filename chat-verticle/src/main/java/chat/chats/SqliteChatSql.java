package chat.chats;

import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Set;

/** The chat service's statements on SQLite ({@code ?} placeholders; the write lock is the whole database's). */
final class SqliteChatSql implements ChatSql {

  /**
   * SQLite primary result codes of failures that come from the storage, not the statement:
   * BUSY 5, LOCKED 6, NOMEM 7, READONLY 8, IOERR 10, FULL 13, CANTOPEN 14, PROTOCOL 15.
   */
  private static final Set<Integer> STORAGE_FAILURES = Set.of(5, 6, 7, 8, 10, 13, 14, 15);

  /** The highest message id ever used (AUTOINCREMENT never reuses one), 0 when none. */
  static final String LAST_MESSAGE_ID = "SELECT MAX(COALESCE((SELECT MAX(id) FROM messages), 0),"
    + " COALESCE((SELECT seq FROM sqlite_sequence WHERE name = 'messages'), 0)) AS last_id";

  /** The caller's unread count of chat {@code c} by its participant row {@code p} (see {@link ReadStore}). */
  private static final String UNREAD = "c.message_count - p.last_read_n - (SELECT COUNT(*) FROM messages d"
    + " WHERE d.chat_id = c.id AND d.deleted_at IS NOT NULL AND d.id > p.last_read_message_id)";

  @Override
  public Tuple ids(Collection<Long> ids) {
    return Tuple.wrap(new ArrayList<Object>(ids));
  }

  @Override
  public boolean isStorageFailure(Throwable err) {
    for (Throwable t = err; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t instanceof SQLException && STORAGE_FAILURES.contains(((SQLException) t).getErrorCode() & 0xff)) {
        return true;
      }
    }
    return false;
  }

  /** SQLITE_CONSTRAINT_UNIQUE (2067) on the columns of the client key (the single writer never meets it). */
  @Override
  public boolean isDuplicateClientId(Throwable err) {
    for (Throwable t = err; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t instanceof SQLException && ((SQLException) t).getErrorCode() == 2067 && t.getMessage() != null
        && t.getMessage().contains("messages.chat_id, messages.sender_id, messages.client_id")) {
        return true;
      }
    }
    return false;
  }

  /**
   * Assigned in memory: this verticle is the only writer of its file, so the next id is known
   * ({@code MAX(id) + 1} at start, read again inside the next transaction after a failed batch).
   */
  @Override
  public MessageIds messageIds(Pool reader) {
    return new MessageIds.Counted(client -> lastMessageId(client), reader);
  }

  private static Future<Long> lastMessageId(SqlClient client) {
    return client.query(LAST_MESSAGE_ID).execute().map(rows -> rows.iterator().next().getLong("last_id"));
  }

  /** {@code ?, ?, ...} for an IN list of {@code n} values. */
  private static String list(int n) {
    return String.join(", ", Collections.nCopies(n, "?"));
  }

  // ---- ChatStore ------------------------------------------------------------------------

  @Override
  public String begin() {
    return "BEGIN IMMEDIATE";
  }

  @Override
  public String probeInsert() {
    return "INSERT INTO write_probe (filler) VALUES (zeroblob(?))";
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
    return "SELECT chat_id, user_id FROM participants ORDER BY chat_id, added_at, rowid";
  }

  @Override
  public String messagesOf(int count) {
    return "SELECT " + MESSAGE_COLUMNS + " FROM messages WHERE id IN (" + list(count) + ")";
  }

  @Override
  public String chat() {
    return "SELECT " + CHAT_COLUMNS + " FROM chats c WHERE c.id = ?";
  }

  @Override
  public String lockChats(int count) {
    // The write lock is held since BEGIN IMMEDIATE: a plain read.
    return "SELECT id FROM chats WHERE id IN (" + list(count) + ") ORDER BY id";
  }

  @Override
  public String newest() {
    return "SELECT " + MESSAGE_COLUMNS + " FROM messages WHERE chat_id = ? AND deleted_at IS NULL ORDER BY id DESC LIMIT ?";
  }

  @Override
  public String before() {
    return "SELECT " + MESSAGE_COLUMNS
      + " FROM messages WHERE chat_id = ? AND id < ? AND deleted_at IS NULL ORDER BY id DESC LIMIT ?";
  }

  @Override
  public String after() {
    return "SELECT " + MESSAGE_COLUMNS
      + " FROM messages WHERE chat_id = ? AND id > ? AND deleted_at IS NULL ORDER BY id ASC LIMIT ?";
  }

  @Override
  public String upsertUser() {
    return "INSERT INTO users (" + USER_COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?)"
      + " ON CONFLICT (id) DO UPDATE SET username = excluded.username, email = excluded.email,"
      + " user_type = excluded.user_type, date_joined = excluded.date_joined, is_active = excluded.is_active";
  }

  @Override
  public String insertChat() {
    return "INSERT INTO chats (name, created_by, created_at, last_activity_at) VALUES (?, ?, ?, ?) RETURNING id";
  }

  @Override
  public String insertParticipant() {
    return "INSERT OR IGNORE INTO participants (chat_id, user_id, added_at) VALUES (?, ?, ?)";
  }

  @Override
  public String addParticipant() {
    return "INSERT OR IGNORE INTO participants"
      + " (chat_id, user_id, added_at, joined_seq, last_read_message_id, last_read_n)"
      + " SELECT ?, ?, ?, c.last_seq + 1,"
      + " COALESCE((SELECT MAX(m.id) FROM messages m WHERE m.chat_id = c.id), 0), c.message_count"
      + " FROM chats c WHERE c.id = ?";
  }

  @Override
  public String renameChat() {
    return "UPDATE chats SET name = ? WHERE id = ?";
  }

  @Override
  public String removeParticipant() {
    return "DELETE FROM participants WHERE chat_id = ? AND user_id = ?";
  }

  @Override
  public String messagesByClientKey(int count) {
    return "SELECT " + MESSAGE_COLUMNS + " FROM messages WHERE (chat_id, sender_id, client_id) IN (VALUES "
      + String.join(", ", Collections.nCopies(count, "(?, ?, ?)")) + ")";
  }

  @Override
  public Tuple clientKeys(Collection<ClientKey> keys) {
    Tuple params = Tuple.tuple();
    for (ClientKey key : keys) {
      params.addLong(key.chatId()).addLong(key.senderId()).addString(key.clientId());
    }
    return params;
  }

  @Override
  public String insertMessage() {
    return "INSERT INTO messages (id, chat_id, sender_id, content, created_at, client_id, seq, n)"
      + " VALUES (?, ?, ?, ?, ?, ?, ?, ?)";
  }

  @Override
  public String deleteMessage() {
    return "UPDATE messages SET content = '', deleted_at = ? WHERE id = ? AND deleted_at IS NULL";
  }

  @Override
  public String deleteReactionsOf() {
    return "DELETE FROM reactions WHERE message_id = ?";
  }

  @Override
  public String advanceChat() {
    return "UPDATE chats SET last_activity_at = MAX(last_activity_at, ?), last_seq = ?, message_count = ? WHERE id = ?";
  }

  @Override
  public String moveMarker() {
    return "UPDATE participants SET last_read_message_id = ?, last_read_n = ?, read_at = ?"
      + " WHERE chat_id = ? AND user_id = ? AND last_read_message_id < ?";
  }

  @Override
  public String reactionsOf(int count) {
    return "SELECT message_id, emoji, user_id FROM reactions WHERE message_id IN (" + list(count) + ") ORDER BY message_id, id";
  }

  // ---- ChatLog --------------------------------------------------------------------------

  @Override
  public String nextSeq() {
    return "UPDATE chats SET last_seq = last_seq + 1 WHERE id = ? RETURNING last_seq";
  }

  @Override
  public String lockCounters(int count) {
    return "SELECT id, last_seq, message_count FROM chats WHERE id IN (" + list(count) + ")";
  }

  @Override
  public String insertEvent() {
    return "INSERT INTO chat_events (" + EVENT_COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?)";
  }

  @Override
  public String feedStart() {
    return "SELECT c.last_seq, p.joined_seq FROM chats c JOIN participants p ON p.chat_id = c.id AND p.user_id = ?"
      + " WHERE c.id = ?";
  }

  @Override
  public String events() {
    return "SELECT " + EVENT_COLUMNS + " FROM chat_events WHERE chat_id = ? AND seq >= ? AND seq <= ? ORDER BY seq LIMIT ?";
  }

  // ---- ReadStore ------------------------------------------------------------------------

  @Override
  public String chatsOf() {
    return "SELECT " + CHAT_COLUMNS + ", p.last_read_message_id, " + UNREAD
      + " AS unread_count FROM participants p JOIN chats c ON c.id = p.chat_id WHERE p.user_id = ?"
      + " ORDER BY c.last_activity_at DESC, c.id DESC";
  }

  @Override
  public String chatOf() {
    return "SELECT " + CHAT_COLUMNS + ", p.last_read_message_id, "
      + "CASE WHEN p.user_id IS NULL THEN 0 ELSE " + UNREAD + " END AS unread_count"
      + " FROM chats c LEFT JOIN participants p ON p.chat_id = c.id AND p.user_id = ? WHERE c.id = ?";
  }

  @Override
  public String position() {
    return "SELECT p.last_read_message_id, p.last_read_n, m.n, " + UNREAD + " AS unread_count"
      + " FROM participants p JOIN chats c ON c.id = p.chat_id"
      + " LEFT JOIN messages m ON m.id = ? AND m.chat_id = p.chat_id"
      + " WHERE p.chat_id = ? AND p.user_id = ?";
  }

  @Override
  public String marker() {
    return "SELECT p.last_read_message_id, p.last_read_n, " + UNREAD + " AS unread_count"
      + " FROM participants p JOIN chats c ON c.id = p.chat_id WHERE p.chat_id = ? AND p.user_id = ?";
  }

  @Override
  public String receipts() {
    return "SELECT user_id, last_read_message_id, read_at FROM participants WHERE chat_id = ? ORDER BY added_at, rowid";
  }

  @Override
  public String lockParticipant() {
    return "SELECT user_id FROM participants WHERE chat_id = ? AND user_id = ?";
  }

  // ---- MessageChangeStore ---------------------------------------------------------------

  @Override
  public String messageWithCreator() {
    return "SELECT " + MESSAGE_COLUMNS
      + ", (SELECT c.created_by FROM chats c WHERE c.id = messages.chat_id) AS chat_created_by"
      + " FROM messages WHERE id = ? AND chat_id = ?";
  }

  @Override
  public String editMessage() {
    return "UPDATE messages SET content = ?, edited_at = ? WHERE id = ? AND deleted_at IS NULL";
  }

  @Override
  public String emojiState() {
    return "SELECT COUNT(DISTINCT emoji) AS distinct_emoji,"
      + " COALESCE(MAX(emoji = ?), 0) AS used, COALESCE(MAX(emoji = ? AND user_id = ?), 0) AS mine"
      + " FROM reactions WHERE message_id = ?";
  }

  @Override
  public String addReaction() {
    return "INSERT OR IGNORE INTO reactions (message_id, emoji, user_id, created_at) VALUES (?, ?, ?, ?)";
  }

  @Override
  public String removeReaction() {
    return "DELETE FROM reactions WHERE message_id = ? AND emoji = ? AND user_id = ? RETURNING rowid AS r";
  }

  @Override
  public String moveReactionId() {
    return "UPDATE reactions SET rowid = ? WHERE rowid ="
      + " (SELECT MIN(rowid) FROM reactions WHERE message_id = ? AND emoji = ?) AND rowid > ?";
  }

  // ---- AdminStore -----------------------------------------------------------------------

  /** LIKE is case-insensitive for ASCII letters in SQLite. */
  @Override
  public String countChats() {
    return "SELECT COUNT(*) AS n FROM chats WHERE name LIKE ? ESCAPE '\\'";
  }

  @Override
  public String pageChats() {
    return "SELECT " + CHAT_COLUMNS
      + ", (SELECT COUNT(*) FROM messages m WHERE m.chat_id = c.id AND m.deleted_at IS NULL) AS message_count"
      + " FROM chats c WHERE c.name LIKE ? ESCAPE '\\' ORDER BY c.id DESC LIMIT ? OFFSET ?";
  }

  @Override
  public String messageCount() {
    return "SELECT COUNT(*) AS n FROM messages WHERE chat_id = ? AND deleted_at IS NULL";
  }

  @Override
  public String countMessages(AdminStore.MessageFilter filter) {
    return "SELECT COUNT(*) AS n FROM messages" + filter.where(i -> "?");
  }

  @Override
  public String pageMessages(AdminStore.MessageFilter filter) {
    return "SELECT " + MESSAGE_COLUMNS + " FROM messages" + filter.where(i -> "?") + " ORDER BY id DESC LIMIT ? OFFSET ?";
  }

  @Override
  public String countAudit() {
    return "SELECT COUNT(*) AS n FROM audit_log";
  }

  @Override
  public String newestAudit() {
    return "SELECT id, actor_id, actor_username, action, target, details, created_at"
      + " FROM audit_log ORDER BY created_at DESC, id DESC LIMIT ?";
  }

  @Override
  public String lockChat() {
    return chat();
  }

  @Override
  public String deleteMessagesOfChat() {
    return "DELETE FROM messages WHERE chat_id = ?";
  }

  @Override
  public String deleteParticipantsOfChat() {
    return "DELETE FROM participants WHERE chat_id = ?";
  }

  @Override
  public String deleteChat() {
    return "DELETE FROM chats WHERE id = ?";
  }

  @Override
  public String existingMessages(int count) {
    return "SELECT id, chat_id FROM messages WHERE id IN (" + list(count) + ") AND deleted_at IS NULL ORDER BY chat_id, id";
  }

  @Override
  public String insertAudit() {
    return "INSERT INTO audit_log (actor_id, actor_username, action, target, details, created_at)"
      + " VALUES (?, ?, ?, ?, ?, ?)";
  }

  // ---- scale-out (issue 12) ---------------------------------------------------------------

  @Override
  public String usersOf(int count) {
    return "SELECT " + USER_COLUMNS + " FROM users WHERE id IN (" + String.join(", ", Collections.nCopies(count, "?")) + ")";
  }

  @Override
  public String participantsAmong(int count) {
    return "SELECT chat_id, user_id FROM participants WHERE (chat_id, user_id) IN (VALUES "
      + String.join(", ", Collections.nCopies(count, "(?, ?)")) + ")";
  }

  @Override
  public Tuple pairs(Collection<long[]> pairs) {
    Tuple params = Tuple.tuple();
    for (long[] pair : pairs) {
      params.addLong(pair[0]).addLong(pair[1]);
    }
    return params;
  }
}
