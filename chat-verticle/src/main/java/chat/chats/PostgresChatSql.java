package chat.chats;

import chat.shared.sql.SqlDialect;
import io.vertx.core.Future;
import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.ClosedConnectionException;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.io.IOException;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * The chat service's statements on PostgreSQL where they differ from SQLite's (vertx-pg-client:
 * {@code $1, $2} placeholders, list parameters as one array, {@code = ANY($1)}), in the
 * connection's search_path {@code chat}; the others are {@link ChatSql}'s. Row locks instead of
 * SQLite's database lock: see {@link ChatSql}. A write of many rows ({@link ChatSql.Rows}) is one
 * statement over one array per column ({@code unnest}, NULL elements included): one execution
 * (one plan, one executor, one snapshot) per statement and batch, not one per row.
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

  @Override
  public SqlDialect dialect() {
    return SqlDialect.POSTGRESQL;
  }

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

  // Plain BEGIN: the locks are the row locks of the lock statements.
  @Override
  public String begin() {
    return "BEGIN";
  }

  // decode(repeat('00', n), 'hex'): PostgreSQL's n zero bytes.
  @Override
  public String probeInsert() {
    return "INSERT INTO write_probe (filler) VALUES (decode(repeat('00', $1), 'hex'))";
  }

  // added_order: the insertion order (no rowid).
  @Override
  public String allParticipants() {
    return "SELECT chat_id, user_id FROM participants ORDER BY chat_id, added_at, added_order";
  }

  // FOR NO KEY UPDATE: row locks in id order.
  @Override
  public String lockChats(int count) {
    return "SELECT id FROM chats WHERE id = ANY($1) ORDER BY id FOR NO KEY UPDATE";
  }

  // ON CONFLICT DO NOTHING.
  @Override
  public String insertParticipant() {
    return "INSERT INTO participants (chat_id, user_id, added_at) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING";
  }

  // ON CONFLICT DO NOTHING; the selected parameters need their type.
  @Override
  public String addParticipant() {
    return "INSERT INTO participants"
      + " (chat_id, user_id, added_at, joined_seq, last_read_message_id, last_read_n)"
      + " SELECT $1::bigint, $2::bigint, $3::bigint, c.last_seq + 1,"
      + " COALESCE((SELECT MAX(m.id) FROM messages m WHERE m.chat_id = c.id), 0), c.message_count"
      + " FROM chats c WHERE c.id = $4 ON CONFLICT DO NOTHING";
  }

  // unnest of three arrays: one parameter per column whatever the count.
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

  // GREATEST: PostgreSQL's scalar max.
  @Override
  public String advanceChat() {
    return "UPDATE chats SET last_activity_at = GREATEST(last_activity_at, $1), last_seq = $2, message_count = $3"
      + " WHERE id = $4";
  }

  // ---- writes of many rows: one statement each, one array per column ----------------------

  /** The new messages, in the arrays' order (ascending ids, as assigned). */
  static final String INSERT_MESSAGES = "INSERT INTO messages (id, chat_id, sender_id, content, created_at, client_id, seq, n)"
    + " SELECT * FROM unnest($1::bigint[], $2::bigint[], $3::bigint[], $4::text[], $5::bigint[], $6::text[],"
    + " $7::bigint[], $8::bigint[])";

  /** The entries, in the arrays' order. */
  static final String INSERT_EVENTS = "INSERT INTO chat_events (" + EVENT_COLUMNS + ")"
    + " SELECT * FROM unnest($1::bigint[], $2::bigint[], $3::integer[], $4::bigint[], $5::bigint[], $6::text[],"
    + " $7::bigint[])";

  /** Each chat once (the batch locked them all, in id order, before); GREATEST: activity only forward. */
  static final String ADVANCE_CHATS = "UPDATE chats c SET last_activity_at = GREATEST(c.last_activity_at, u.last_activity_at),"
    + " last_seq = u.last_seq, message_count = u.message_count"
    + " FROM unnest($1::bigint[], $2::bigint[], $3::bigint[], $4::bigint[]) AS u(id, last_activity_at, last_seq, message_count)"
    + " WHERE c.id = u.id";

  /**
   * Never back ({@code last_read_message_id <} the new one). A participant named twice moves to
   * the greater of its messages, as one row after the other would ({@code DISTINCT ON}).
   */
  static final String MOVE_MARKERS = "UPDATE participants p SET last_read_message_id = u.message_id,"
    + " last_read_n = u.n, read_at = u.at"
    + " FROM (SELECT DISTINCT ON (m.chat_id, m.user_id) m.* FROM unnest($1::bigint[], $2::bigint[], $3::bigint[],"
    + " $4::bigint[], $5::bigint[]) AS m(chat_id, user_id, message_id, n, at)"
    + " ORDER BY m.chat_id, m.user_id, m.message_id DESC) AS u"
    + " WHERE p.chat_id = u.chat_id AND p.user_id = u.user_id AND p.last_read_message_id < u.message_id";

  /** Unattached uploads only: its row count is how many of the pairs were (an upload named twice counts once). */
  static final String LINK_ATTACHMENTS = "UPDATE attachments a SET message_id = u.message_id"
    + " FROM unnest($1::bigint[], $2::bigint[]) AS u(message_id, id) WHERE a.id = u.id AND a.message_id IS NULL";

  @Override
  public Rows insertMessages(List<StoredMessage> messages) {
    return Rows.arrays(INSERT_MESSAGES, messages, Tuple.tuple()
      .addArrayOfLong(longs(messages, StoredMessage::id))
      .addArrayOfLong(longs(messages, StoredMessage::chatId))
      .addArrayOfLong(longs(messages, StoredMessage::senderId))
      .addArrayOfString(strings(messages, StoredMessage::content))
      .addArrayOfLong(longs(messages, StoredMessage::createdAt))
      .addArrayOfString(strings(messages, StoredMessage::clientId))
      .addArrayOfLong(longs(messages, StoredMessage::seq))
      .addArrayOfLong(longs(messages, StoredMessage::n)));
  }

  @Override
  public Rows insertEvents(List<ChatLog.Entry> entries) {
    return Rows.arrays(INSERT_EVENTS, entries, Tuple.tuple()
      .addArrayOfLong(longs(entries, ChatLog.Entry::chatId))
      .addArrayOfLong(longs(entries, ChatLog.Entry::seq))
      .addArrayOfInteger(entries.stream().map(e -> e.kind().code).toArray(Integer[]::new))
      .addArrayOfLong(longs(entries, ChatLog.Entry::messageId))
      .addArrayOfLong(longs(entries, ChatLog.Entry::userId))
      .addArrayOfString(strings(entries, ChatLog.Entry::name))
      .addArrayOfLong(longs(entries, ChatLog.Entry::createdAt)));
  }

  @Override
  public Rows advanceChats(Map<Long, ChatStore.Advance> byChat) {
    var chats = byChat.entrySet();
    return Rows.arrays(ADVANCE_CHATS, chats, Tuple.tuple()
      .addArrayOfLong(longs(chats, Map.Entry::getKey))
      .addArrayOfLong(longs(chats, a -> a.getValue().lastActivityAt()))
      .addArrayOfLong(longs(chats, a -> a.getValue().lastSeq()))
      .addArrayOfLong(longs(chats, a -> a.getValue().messageCount())));
  }

  @Override
  public Rows moveMarkers(Collection<ChatStore.Marker> markers) {
    return Rows.arrays(MOVE_MARKERS, markers, Tuple.tuple()
      .addArrayOfLong(longs(markers, ChatStore.Marker::chatId))
      .addArrayOfLong(longs(markers, ChatStore.Marker::userId))
      .addArrayOfLong(longs(markers, ChatStore.Marker::messageId))
      .addArrayOfLong(longs(markers, ChatStore.Marker::n))
      .addArrayOfLong(longs(markers, ChatStore.Marker::at)));
  }

  @Override
  public Rows linkAttachments(List<long[]> links) {
    return Rows.arrays(LINK_ATTACHMENTS, links, Tuple.tuple()
      .addArrayOfLong(longs(links, l -> l[0]))
      .addArrayOfLong(longs(links, l -> l[1])));
  }

  /** One column of the rows as an array parameter (null elements stay NULL). */
  private static <T> Long[] longs(Collection<T> rows, Function<T, Long> column) {
    return rows.stream().map(column).toArray(Long[]::new);
  }

  private static <T> String[] strings(Collection<T> rows, Function<T, String> column) {
    return rows.stream().map(column).toArray(String[]::new);
  }

  // ---- ChatLog --------------------------------------------------------------------------

  // FOR NO KEY UPDATE: row locks in id order.
  @Override
  public String lockCounters(int count) {
    return "SELECT id, last_seq, message_count FROM chats WHERE id = ANY($1) ORDER BY id FOR NO KEY UPDATE";
  }

  // ---- ReadStore ------------------------------------------------------------------------

  // added_order: the insertion order (no rowid).
  @Override
  public String receipts() {
    return "SELECT user_id, last_read_message_id, read_at FROM participants WHERE chat_id = $1"
      + " ORDER BY added_at, added_order";
  }

  // FOR NO KEY UPDATE: the participant's row lock.
  @Override
  public String lockParticipant() {
    return "SELECT user_id FROM participants WHERE chat_id = $1 AND user_id = $2 FOR NO KEY UPDATE";
  }

  // ---- MessageChangeStore ---------------------------------------------------------------

  // ON CONFLICT DO NOTHING.
  @Override
  public String addReaction() {
    return "INSERT INTO reactions (message_id, emoji, user_id, created_at) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING";
  }

  // ---- AdminStore -----------------------------------------------------------------------

  // ILIKE: case-insensitive as SQLite's LIKE is (for every letter here, not ASCII alone).
  @Override
  public String countChats() {
    return "SELECT COUNT(*) AS n FROM chats WHERE name ILIKE $1 ESCAPE '\\'";
  }

  // ILIKE: case-insensitive as SQLite's LIKE is.
  @Override
  public String pageChats() {
    return "SELECT " + CHAT_COLUMNS
      + ", (SELECT COUNT(*) FROM messages m WHERE m.chat_id = c.id AND m.deleted_at IS NULL) AS message_count"
      + " FROM chats c WHERE c.name ILIKE $1 ESCAPE '\\' ORDER BY c.id DESC LIMIT $2 OFFSET $3";
  }

  // FOR UPDATE: the chat's row lock (it may be deleted).
  @Override
  public String lockChat() {
    return "SELECT " + CHAT_COLUMNS + " FROM chats c WHERE c.id = $1 FOR UPDATE";
  }

  // ---- Search ---------------------------------------------------------------------------

  /**
   * The generated column {@code search} (a tsvector of {@code search_fold(content)}, GIN-indexed)
   * against the tsquery {@code search_query} builds from the terms, computed once (an InitPlan).
   */
  @Override
  public String search() {
    return "SELECT " + QUALIFIED_MESSAGE_COLUMNS + " FROM messages m"
      + " WHERE m.search @@ (SELECT search_query($1::text[], $2::boolean[]))"
      + " AND m.chat_id = ANY($3) AND m.id < $4 AND m.deleted_at IS NULL"
      + " ORDER BY m.id DESC LIMIT $5";
  }

  /** The terms as two arrays (each term's words, whether its last is a prefix): search_query folds and quotes them. */
  @Override
  public Tuple searchParams(SearchQuery query, Collection<Long> chatIds, long before, int rows) {
    String[] phrases = query.terms().stream().map(SearchQuery.Term::text).toArray(String[]::new);
    Boolean[] prefixes = query.terms().stream().map(SearchQuery.Term::prefix).toArray(Boolean[]::new);
    return Tuple.tuple().addArrayOfString(phrases).addArrayOfBoolean(prefixes)
      .addArrayOfLong(chatIds.toArray(new Long[0])).addLong(before).addInteger(rows);
  }

  // ---- attachments (issue 14) -------------------------------------------------------------

  @Override
  public String insertAttachment() {
    return "INSERT INTO attachments (chat_id, uploader_id, filename, content_type, size, sha256, created_at)"
      + " VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id";
  }

  @Override
  public String attachmentOfChat() {
    return "SELECT " + ATTACHMENT_COLUMNS + " FROM attachments WHERE id = $1 AND chat_id = $2";
  }

  @Override
  public String attachmentsOf(int count) {
    return "SELECT " + ATTACHMENT_COLUMNS + " FROM attachments WHERE id = ANY($1)";
  }

  @Override
  public String attachmentsOfMessages(int count) {
    return "SELECT " + ATTACHMENT_COLUMNS + " FROM attachments WHERE message_id = ANY($1) ORDER BY message_id, id";
  }

  @Override
  public String linkAttachment() {
    return "UPDATE attachments SET message_id = $1 WHERE id = $2 AND message_id IS NULL";
  }

  @Override
  public String deleteAttachmentsOfMessage() {
    return "DELETE FROM attachments WHERE message_id = $1 RETURNING sha256";
  }

  @Override
  public String deleteAttachmentsOfChat() {
    return "DELETE FROM attachments WHERE chat_id = $1 RETURNING sha256";
  }

  @Override
  public String attachmentShaInUse() {
    return "SELECT 1 AS used FROM attachments WHERE sha256 = $1 LIMIT 1";
  }

  @Override
  public String unattachedBefore() {
    return "SELECT id FROM attachments WHERE message_id IS NULL AND created_at < $1 ORDER BY created_at LIMIT $2";
  }

  @Override
  public String deleteUnattached() {
    return "DELETE FROM attachments WHERE id = $1 AND message_id IS NULL RETURNING sha256";
  }

  @Override
  public String attachmentShas() {
    return "SELECT DISTINCT sha256 FROM attachments";
  }

  // ---- attachment bytes on PostgreSQL (PostgresBlobStore only) ----------------------------

  /** (sha256): holds the bytes of that SHA-256 for the rest of the transaction, across instances. */
  String lockBlob() {
    return "SELECT pg_advisory_xact_lock(hashtextextended($1, 14)) AS locked";
  }

  /** (sha256): a row when the bytes are stored (their first chunk exists). */
  String blobExists() {
    return "SELECT 1 AS stored FROM attachment_chunks WHERE sha256 = $1 AND n = 0";
  }

  /** (sha256, n, data). */
  String insertChunk() {
    return "INSERT INTO attachment_chunks (sha256, n, data) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING";
  }

  /** (sha256, n) -> {@code data}. */
  String chunk() {
    return "SELECT data FROM attachment_chunks WHERE sha256 = $1 AND n = $2";
  }

  /** (sha256): removes the bytes when no attachment names them (run after {@link #lockBlob}). */
  String deleteUnusedBlob() {
    return "DELETE FROM attachment_chunks WHERE sha256 = $1"
      + " AND NOT EXISTS (SELECT 1 FROM attachments a WHERE a.sha256 = $1)";
  }

  /** SHA-256s whose bytes are stored but named by no attachment (a crash between commit and removal). */
  String unusedBlobs() {
    return "SELECT c.sha256 FROM attachment_chunks c WHERE c.n = 0"
      + " AND NOT EXISTS (SELECT 1 FROM attachments a WHERE a.sha256 = c.sha256)";
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
