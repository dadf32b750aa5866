package chat.chats;

import chat.shared.sql.SqlDialect;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Set;

/**
 * The chat service's statements on SQLite where they differ from PostgreSQL's ({@code ?}
 * placeholders; the write lock is the whole database's); the others are {@link ChatSql}'s.
 */
final class SqliteChatSql implements ChatSql {

  /**
   * SQLite primary result codes of failures that come from the storage, not the statement:
   * BUSY 5, LOCKED 6, NOMEM 7, READONLY 8, IOERR 10, FULL 13, CANTOPEN 14, PROTOCOL 15.
   */
  private static final Set<Integer> STORAGE_FAILURES = Set.of(5, 6, 7, 8, 10, 13, 14, 15);

  /**
   * (first id, last id): indexes a batch's new messages for search (V6's messages_fts), in the
   * batch's transaction; the group commit's ids of one batch are consecutive.
   */
  static final String INDEX_NEW_MESSAGES = "INSERT INTO messages_fts (rowid, content)"
    + " SELECT id, content FROM messages WHERE id BETWEEN ? AND ? AND deleted_at IS NULL";

  /** The highest message id ever used (AUTOINCREMENT never reuses one), 0 when none. */
  static final String LAST_MESSAGE_ID = "SELECT MAX(COALESCE((SELECT MAX(id) FROM messages), 0),"
    + " COALESCE((SELECT seq FROM sqlite_sequence WHERE name = 'messages'), 0)) AS last_id";

  // ---- V7's message keys, written by the group commit (SqliteMessageBatches) ----------------

  /**
   * (chat_id, sender_id, client_id, message_id): the client key of a message the group commit
   * stored, from what it holds in memory, written only while the chat exists. A message is removed
   * only with its chat (AdminStore's chat deletion), and V7's trigger takes the keys written by then
   * along: so a key is never left of a removed message, also when the chat went while its keys
   * were held. Written again after a restart, it changes nothing.
   */
  static final String INSERT_CLIENT_KEY = "INSERT OR IGNORE INTO client_keys (chat_id, sender_id, client_id, message_id)"
    + " SELECT ?1, ?2, ?3, ?4 WHERE EXISTS (SELECT 1 FROM chats WHERE id = ?1)";

  /** (chat_id, sender_id, message_id): the message under its sender, as {@link #INSERT_CLIENT_KEY}. */
  static final String INSERT_SENDER_MESSAGE = "INSERT OR IGNORE INTO sender_messages (sender_id, message_id)"
    + " SELECT ?2, ?3 WHERE EXISTS (SELECT 1 FROM chats WHERE id = ?1)";

  /** Every message up to this id has its keys written. */
  static final String KEYS_WATERMARK = "SELECT watermark FROM message_keys_state WHERE id = 1";

  /** (watermark). */
  static final String MOVE_KEYS_WATERMARK = "UPDATE message_keys_state SET watermark = ? WHERE id = 1";

  /** (watermark): at start, the sender keys of the messages above the watermark (a restart's, or imported ones). */
  static final String SENDER_MESSAGES_ABOVE_WATERMARK = "INSERT OR IGNORE INTO sender_messages (sender_id, message_id)"
    + " SELECT sender_id, id FROM messages WHERE id > ? ORDER BY sender_id, id";

  /** (watermark): at start, the client keys of the messages above the watermark. */
  /** How many client keys are written (the size of the writer's {@link ClientKeyFilter} at start). */
  static final String CLIENT_KEY_COUNT = "SELECT COUNT(*) AS n FROM client_keys";

  /** Every written client key, for the writer's {@link ClientKeyFilter} at start. */
  static final String ALL_CLIENT_KEYS = "SELECT chat_id, sender_id, client_id FROM client_keys";

  static final String CLIENT_KEYS_ABOVE_WATERMARK = "INSERT OR IGNORE INTO client_keys (chat_id, sender_id, client_id, message_id)"
    + " SELECT chat_id, sender_id, client_id, id FROM messages WHERE id > ? AND client_id IS NOT NULL"
    + " ORDER BY chat_id, sender_id, client_id";

  @Override
  public SqlDialect dialect() {
    return SqlDialect.SQLITE;
  }

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

  /**
   * Never: the group commit is the one writer of messages, and it decides a client key from
   * client_keys and its memory of the newest keys (V7); no constraint refuses a second message.
   */
  @Override
  public boolean isDuplicateClientId(Throwable err) {
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

  // BEGIN IMMEDIATE: takes the database's write lock up front.
  @Override
  public String begin() {
    return "BEGIN IMMEDIATE";
  }

  // zeroblob: SQLite's n zero bytes.
  @Override
  public String probeInsert() {
    return "INSERT INTO write_probe (filler) VALUES (zeroblob(?))";
  }

  // rowid: the insertion order.
  @Override
  public String allParticipants() {
    return "SELECT chat_id, user_id FROM participants ORDER BY chat_id, added_at, rowid";
  }

  // No lock clause: the write lock is held since BEGIN IMMEDIATE, a plain read.
  @Override
  public String lockChats(int count) {
    return "SELECT id FROM chats WHERE id IN (" + list(count) + ") ORDER BY id";
  }

  // INSERT OR IGNORE.
  @Override
  public String insertParticipant() {
    return "INSERT OR IGNORE INTO participants (chat_id, user_id, added_at) VALUES (?, ?, ?)";
  }

  // INSERT OR IGNORE, untyped parameters.
  @Override
  public String addParticipant() {
    return "INSERT OR IGNORE INTO participants"
      + " (chat_id, user_id, added_at, joined_seq, last_read_message_id, last_read_n)"
      + " SELECT ?, ?, ?, c.last_seq + 1,"
      + " COALESCE((SELECT MAX(m.id) FROM messages m WHERE m.chat_id = c.id), 0), c.message_count"
      + " FROM chats c WHERE c.id = ?";
  }

  // A VALUES list of (?, ?, ?) rows, one per key.
  // Through V7's client_keys: the messages whose keys are written. The group commit knows the
  // keys of its newest messages (not written yet) from memory.
  @Override
  public String messagesByClientKey(int count) {
    return "SELECT " + QUALIFIED_MESSAGE_COLUMNS + " FROM client_keys k JOIN messages m ON m.id = k.message_id"
      + " WHERE (k.chat_id, k.sender_id, k.client_id) IN (VALUES " + String.join(", ", Collections.nCopies(count, "(?, ?, ?)")) + ")";
  }

  // V7's sender_messages, and the newest messages whose keys may not be written yet (a message in
  // both counts once: IN is a set).
  @Override
  public String sentBy() {
    return "id IN (SELECT message_id FROM sender_messages WHERE sender_id = ?"
      + " UNION ALL SELECT id FROM messages WHERE id > (" + KEYS_WATERMARK + ") AND sender_id = ?)";
  }

  @Override
  public Tuple clientKeys(Collection<ClientKey> keys) {
    Tuple params = Tuple.tuple();
    for (ClientKey key : keys) {
      params.addLong(key.chatId()).addLong(key.senderId()).addString(key.clientId());
    }
    return params;
  }

  // MAX(a, b): SQLite's scalar max.
  @Override
  public String advanceChat() {
    return "UPDATE chats SET last_activity_at = MAX(last_activity_at, ?), last_seq = ?, message_count = ? WHERE id = ?";
  }

  // ---- ChatLog --------------------------------------------------------------------------

  // No lock clause, no order: the write lock is held since BEGIN IMMEDIATE.
  @Override
  public String lockCounters(int count) {
    return "SELECT id, last_seq, message_count FROM chats WHERE id IN (" + list(count) + ")";
  }

  // ---- ReadStore ------------------------------------------------------------------------

  // rowid: the insertion order.
  @Override
  public String receipts() {
    return "SELECT user_id, last_read_message_id, read_at FROM participants WHERE chat_id = ? ORDER BY added_at, rowid";
  }

  // No lock clause: the write lock is held since BEGIN IMMEDIATE.
  @Override
  public String lockParticipant() {
    return "SELECT user_id FROM participants WHERE chat_id = ? AND user_id = ?";
  }

  // ---- MessageChangeStore ---------------------------------------------------------------

  // INSERT OR IGNORE.
  @Override
  public String addReaction() {
    return "INSERT OR IGNORE INTO reactions (message_id, emoji, user_id, created_at) VALUES (?, ?, ?, ?)";
  }

  // ---- AdminStore -----------------------------------------------------------------------

  // LIKE: case-insensitive for ASCII letters in SQLite.
  @Override
  public String countChats() {
    return "SELECT COUNT(*) AS n FROM chats WHERE name LIKE ? ESCAPE '\\'";
  }

  // LIKE: case-insensitive for ASCII letters in SQLite.
  @Override
  public String pageChats() {
    return "SELECT " + CHAT_COLUMNS
      + ", (SELECT COUNT(*) FROM messages m WHERE m.chat_id = c.id AND m.deleted_at IS NULL) AS message_count"
      + " FROM chats c WHERE c.name LIKE ? ESCAPE '\\' ORDER BY c.id DESC LIMIT ? OFFSET ?";
  }

  // No lock clause: the write lock is held since BEGIN IMMEDIATE.
  @Override
  public String lockChat() {
    return chat();
  }

  // ---- Search ---------------------------------------------------------------------------

  /**
   * The FTS5 table {@code messages_fts} (kept by triggers on messages) walked in descending
   * rowid order from the bound, each hit joined to its message (CROSS JOIN: the index first), so
   * the first page stops after {@code rows} hits in the caller's chats. The chats are one JSON
   * array parameter: any number of them.
   */
  @Override
  public String search() {
    return "SELECT " + QUALIFIED_MESSAGE_COLUMNS + " FROM messages_fts CROSS JOIN messages m ON m.id = messages_fts.rowid"
      + " WHERE messages_fts MATCH ? AND messages_fts.rowid < ?"
      + " AND m.chat_id IN (SELECT value FROM json_each(?)) AND m.deleted_at IS NULL"
      + " ORDER BY messages_fts.rowid DESC LIMIT ?";
  }

  /**
   * The MATCH expression: each term an FTS5 string ({@code "..."}, the tokenizer folds it as it
   * folded the messages), {@code *} after it for a prefix, all of them joined by AND. Words hold
   * letters, digits and marks only, so no quote can occur in them; doubled anyway.
   */
  @Override
  public Tuple searchParams(SearchQuery query, Collection<Long> chatIds, long before, int rows) {
    StringBuilder match = new StringBuilder();
    for (SearchQuery.Term term : query.terms()) {
      if (match.length() > 0) {
        match.append(" AND ");
      }
      match.append('"').append(term.text().replace("\"", "\"\"")).append('"');
      if (term.prefix()) {
        match.append(" *");
      }
    }
    StringBuilder chats = new StringBuilder("[");
    for (long chatId : chatIds) {
      chats.append(chats.length() > 1 ? "," : "").append(chatId);
    }
    return Tuple.of(match.toString(), before, chats.append(']').toString(), rows);
  }

  // ---- attachments (issue 14) -------------------------------------------------------------

  @Override
  public String insertAttachment() {
    return "INSERT INTO attachments (chat_id, uploader_id, filename, content_type, size, sha256, created_at)"
      + " VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id";
  }

  @Override
  public String attachmentOfChat() {
    return "SELECT " + ATTACHMENT_COLUMNS + " FROM attachments WHERE id = ? AND chat_id = ?";
  }

  @Override
  public String attachmentsOf(int count) {
    return "SELECT " + ATTACHMENT_COLUMNS + " FROM attachments WHERE id IN (" + list(count) + ")";
  }

  @Override
  public String attachmentsOfMessages(int count) {
    return "SELECT " + ATTACHMENT_COLUMNS + " FROM attachments WHERE message_id IN (" + list(count) + ") ORDER BY message_id, id";
  }

  @Override
  public String linkAttachment() {
    return "UPDATE attachments SET message_id = ? WHERE id = ? AND message_id IS NULL";
  }

  @Override
  public String deleteAttachmentsOfMessage() {
    return "DELETE FROM attachments WHERE message_id = ? RETURNING sha256";
  }

  @Override
  public String deleteAttachmentsOfChat() {
    return "DELETE FROM attachments WHERE chat_id = ? RETURNING sha256";
  }

  @Override
  public String attachmentShaInUse() {
    return "SELECT 1 AS used FROM attachments WHERE sha256 = ? LIMIT 1";
  }

  @Override
  public String unattachedBefore() {
    return "SELECT id FROM attachments WHERE message_id IS NULL AND created_at < ? ORDER BY created_at LIMIT ?";
  }

  @Override
  public String deleteUnattached() {
    return "DELETE FROM attachments WHERE id = ? AND message_id IS NULL RETURNING sha256";
  }

  @Override
  public String attachmentShas() {
    return "SELECT DISTINCT sha256 FROM attachments";
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
