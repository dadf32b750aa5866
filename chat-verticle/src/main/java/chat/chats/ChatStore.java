package chat.chats;

import chat.shared.ErrorCode;
import chat.shared.ServiceError;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every SQL statement of the chat service's user operations (the administration's are in
 * {@link AdminStore}). Writes run on the single-connection writer pool inside
 * {@link #inTransaction}; reads run on the reader pool and see committed data only.
 *
 * <p>The writer pool is used through {@link #inTransaction} and nothing else. Its transactions
 * are plain {@code BEGIN IMMEDIATE} / {@code COMMIT} / {@code ROLLBACK} statements on a
 * connection that stays in auto-commit mode, not the JDBC transaction API: with that API
 * sqlite-jdbc issues the next {@code BEGIN} itself right after each commit or rollback, and when
 * SQLite has already rolled a transaction back on its own (SQLITE_FULL, some I/O errors) the
 * driver's rollback fails before that, leaving a connection whose statements each commit alone
 * and whose every COMMIT fails ("cannot commit - no transaction is active"). With plain
 * statements a failed transaction always ends in a ROLLBACK (its "no transaction is active"
 * answer ignored), so the connection is clean for the next one.
 */
final class ChatStore {

  private static final Logger LOG = LoggerFactory.getLogger(ChatStore.class);
  private static final String USER_COLUMNS = "id, username, email, user_type, date_joined, is_active";
  static final String CHAT_COLUMNS = "c.id, c.name, c.created_by, c.created_at, c.last_activity_at, c.last_seq";
  static final String MESSAGE_COLUMNS =
    "id, chat_id, sender_id, content, created_at, client_id, seq, n, edited_at, deleted_at";
  /** Bytes the write probe stores (and removes again): a few pages, like a long message. */
  static final int PROBE_BYTES = 8192;

  /**
   * SQLite primary result codes of failures that come from the storage, not the statement:
   * BUSY 5, LOCKED 6, NOMEM 7, READONLY 8, IOERR 10, FULL 13, CANTOPEN 14, PROTOCOL 15.
   */
  private static final Set<Integer> STORAGE_FAILURES = Set.of(5, 6, 7, 8, 10, 13, 14, 15);

  private final Pool writer;
  private final Pool reader;
  private final StorageHealth health;

  ChatStore(Pool writer, Pool reader, StorageHealth health) {
    this.writer = writer;
    this.reader = reader;
    this.health = health;
    health.probeWith(this::probeWrite);
  }

  /**
   * Runs {@code work} in one write transaction (BEGIN IMMEDIATE); rolled back if anything fails.
   * A failure of the storage fails {@link ErrorCode#UNAVAILABLE} (nothing the client did, worth
   * a retry) and marks the service unwritable; a {@link ServiceError} of the work passes as is.
   */
  <T> Future<T> inTransaction(Function<SqlConnection, Future<T>> work) {
    return writer.withConnection(conn -> conn.query("BEGIN IMMEDIATE").execute()
        .compose(begun -> work.apply(conn))
        .compose(result -> conn.query("COMMIT").execute().map(result))
        .recover(err -> conn.query("ROLLBACK").execute()
          // "no transaction is active" when SQLite already rolled back (or BEGIN failed): fine.
          .transform(rolledBack -> Future.<T>failedFuture(err))))
      .transform(ar -> {
        if (ar.succeeded()) {
          health.committed();
          return Future.succeededFuture(ar.result());
        }
        Throwable err = ar.cause();
        if (err instanceof ServiceError) {
          return Future.failedFuture(err);
        }
        if (isStorageFailure(err)) {
          health.storageFailed(err);
          LOG.debug("A write transaction failed on the storage", err);
          return Future.failedFuture(new ServiceError(ErrorCode.UNAVAILABLE,
            "The chat service cannot store data right now, try again shortly"));
        }
        return Future.failedFuture(err);
      });
  }

  /** Whether the failure (or a cause of it) is SQLite reporting a problem of the storage. */
  static boolean isStorageFailure(Throwable err) {
    for (Throwable t = err; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t instanceof SQLException && STORAGE_FAILURES.contains(((SQLException) t).getErrorCode() & 0xff)) {
        return true;
      }
    }
    return false;
  }

  /**
   * The readiness probe: stores {@value #PROBE_BYTES} bytes and removes them in one committed
   * transaction, so it needs the room and the working commit a send needs, and leaves nothing.
   */
  Future<Void> probeWrite() {
    return inTransaction(tx -> tx.preparedQuery("INSERT INTO write_probe (filler) VALUES (zeroblob(?))")
      .execute(Tuple.of(PROBE_BYTES))
      .compose(inserted -> tx.query("DELETE FROM write_probe").execute())
      .mapEmpty());
  }

  /** A page of history in ascending id order, and whether more exist beyond it. */
  record Page(List<StoredMessage> messages, boolean hasMore) {
  }

  // ---- loading at start ---------------------------------------------------------------

  Future<List<UserRecord>> allUsers() {
    return reader.query("SELECT " + USER_COLUMNS + " FROM users").execute()
      .map(rows -> list(rows, ChatStore::user));
  }

  /** Every (chat_id, user_id) pair, each chat's participants in the order they joined. */
  Future<List<long[]>> allParticipants() {
    return reader.query("SELECT chat_id, user_id FROM participants ORDER BY chat_id, added_at, rowid").execute()
      .map(rows -> list(rows, row -> new long[] {row.getLong("chat_id"), row.getLong("user_id")}));
  }

  /** The highest message id ever used (AUTOINCREMENT never reuses one), 0 when none. */
  Future<Long> lastMessageId() {
    return lastMessageId(reader);
  }

  /** The same, inside a write transaction. */
  Future<Long> lastMessageId(SqlClient client) {
    return client.query("SELECT MAX(COALESCE((SELECT MAX(id) FROM messages), 0),"
        + " COALESCE((SELECT seq FROM sqlite_sequence WHERE name = 'messages'), 0)) AS last_id").execute()
      .map(rows -> rows.iterator().next().getLong("last_id"));
  }

  /** The stored (committed) messages having these ids, deleted ones included, by id, read on a reader connection. */
  Future<Map<Long, StoredMessage>> storedMessages(Collection<Long> ids) {
    if (ids.isEmpty()) {
      return Future.succeededFuture(Map.of());
    }
    return reader.preparedQuery("SELECT " + MESSAGE_COLUMNS + " FROM messages WHERE id IN (" + placeholders(ids.size()) + ")")
      .execute(Tuple.wrap(new ArrayList<Object>(ids)))
      .map(rows -> {
        Map<Long, StoredMessage> found = new HashMap<>();
        rows.forEach(row -> found.put(row.getLong("id"), message(row)));
        return found;
      });
  }

  // ---- reads ---------------------------------------------------------------------------

  /** The chat, or null. */
  Future<ChatRow> chat(long chatId) {
    return reader.preparedQuery("SELECT " + CHAT_COLUMNS + " FROM chats c WHERE c.id = ?")
      .execute(Tuple.of(chatId))
      .map(rows -> rows.size() == 0 ? null : chat(rows.iterator().next()));
  }

  /** The newest {@code limit} messages of the chat. */
  Future<Page> newest(long chatId, int limit) {
    return reader.preparedQuery("SELECT " + MESSAGE_COLUMNS
        + " FROM messages WHERE chat_id = ? AND deleted_at IS NULL ORDER BY id DESC LIMIT ?")
      .execute(Tuple.of(chatId, limit + 1))
      .map(rows -> page(rows, limit, true));
  }

  /** The {@code limit} messages just older than {@code id}. */
  Future<Page> before(long chatId, long id, int limit) {
    return reader.preparedQuery("SELECT " + MESSAGE_COLUMNS
        + " FROM messages WHERE chat_id = ? AND id < ? AND deleted_at IS NULL ORDER BY id DESC LIMIT ?")
      .execute(Tuple.of(chatId, id, limit + 1))
      .map(rows -> page(rows, limit, true));
  }

  /** The {@code limit} messages just newer than {@code id}. */
  Future<Page> after(long chatId, long id, int limit) {
    return reader.preparedQuery("SELECT " + MESSAGE_COLUMNS
        + " FROM messages WHERE chat_id = ? AND id > ? AND deleted_at IS NULL ORDER BY id ASC LIMIT ?")
      .execute(Tuple.of(chatId, id, limit + 1))
      .map(rows -> page(rows, limit, false));
  }

  // ---- writes, inside inTransaction ----------------------------------------------------

  Future<Void> upsertUsers(SqlConnection tx, Collection<UserRecord> users) {
    if (users.isEmpty()) {
      return Future.succeededFuture();
    }
    List<Tuple> batch = new ArrayList<>(users.size());
    for (UserRecord u : users) {
      batch.add(Tuple.of(u.id(), u.username(), u.email(), u.userType(), u.dateJoined(), u.active() ? 1 : 0));
    }
    return tx.preparedQuery("INSERT INTO users (" + USER_COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?)"
        + " ON CONFLICT (id) DO UPDATE SET username = excluded.username, email = excluded.email,"
        + " user_type = excluded.user_type, date_joined = excluded.date_joined, is_active = excluded.is_active")
      .executeBatch(batch)
      .mapEmpty();
  }

  /** Inserts a chat and returns its id. */
  Future<Long> insertChat(SqlConnection tx, String name, long createdBy, long now) {
    return tx.preparedQuery("INSERT INTO chats (name, created_by, created_at, last_activity_at)"
        + " VALUES (?, ?, ?, ?) RETURNING id")
      .execute(Tuple.of(name, createdBy, now, now))
      .map(rows -> rows.iterator().next().getLong("id"));
  }

  Future<Void> insertParticipants(SqlConnection tx, long chatId, Collection<Long> userIds, long now) {
    List<Tuple> batch = new ArrayList<>(userIds.size());
    for (Long userId : userIds) {
      batch.add(Tuple.of(chatId, userId, now));
    }
    return tx.preparedQuery("INSERT OR IGNORE INTO participants (chat_id, user_id, added_at) VALUES (?, ?, ?)")
      .executeBatch(batch)
      .mapEmpty();
  }

  /**
   * Adds the user and records {@code participant_added}: the seq of that event, null when the
   * user was a participant already (nothing changed, no seq taken). The user's feed starts at
   * that event, and its read marker at the chat's newest message (what came before is history,
   * not unread).
   */
  Future<Long> addParticipant(SqlConnection tx, long chatId, long userId, long now) {
    return tx.preparedQuery("INSERT OR IGNORE INTO participants"
        + " (chat_id, user_id, added_at, joined_seq, last_read_message_id, last_read_n)"
        + " SELECT ?, ?, ?, c.last_seq + 1,"
        + " COALESCE((SELECT MAX(m.id) FROM messages m WHERE m.chat_id = c.id), 0), c.message_count"
        + " FROM chats c WHERE c.id = ?")
      .execute(Tuple.of(chatId, userId, now, chatId))
      .compose(result -> result.rowCount() == 1
        ? ChatLog.append(tx, chatId, ChatLog.Kind.PARTICIPANT_ADDED, null, userId, null, now).map(ChatLog.Entry::seq)
        : Future.succeededFuture(null));
  }

  /** Removes the user and records {@code participant_removed}: its seq, null when the user was not a participant. */
  Future<Long> removeParticipant(SqlConnection tx, long chatId, long userId, long now) {
    return tx.preparedQuery("DELETE FROM participants WHERE chat_id = ? AND user_id = ?")
      .execute(Tuple.of(chatId, userId))
      .compose(result -> result.rowCount() == 1
        ? ChatLog.append(tx, chatId, ChatLog.Kind.PARTICIPANT_REMOVED, null, userId, null, now).map(ChatLog.Entry::seq)
        : Future.succeededFuture(null));
  }

  /** The stored messages having one of these idempotency keys. */
  Future<Map<ClientKey, StoredMessage>> messagesByClientKey(SqlConnection tx, Collection<ClientKey> keys) {
    if (keys.isEmpty()) {
      return Future.succeededFuture(Collections.emptyMap());
    }
    StringBuilder sql = new StringBuilder("SELECT ").append(MESSAGE_COLUMNS)
      .append(" FROM messages WHERE (chat_id, sender_id, client_id) IN (VALUES ");
    Tuple params = Tuple.tuple();
    boolean first = true;
    for (ClientKey key : keys) {
      sql.append(first ? "(?, ?, ?)" : ", (?, ?, ?)");
      first = false;
      params.addLong(key.chatId()).addLong(key.senderId()).addString(key.clientId());
    }
    sql.append(')');
    return tx.preparedQuery(sql.toString()).execute(params).map(rows -> {
      Map<ClientKey, StoredMessage> found = new HashMap<>();
      for (Row row : rows) {
        StoredMessage m = message(row);
        found.put(new ClientKey(m.chatId(), m.senderId(), m.clientId()), m);
      }
      return found;
    });
  }

  /** Inserts new messages whose ids, seqs and places were assigned by the caller. */
  Future<Void> insertMessages(SqlConnection tx, List<StoredMessage> messages) {
    if (messages.isEmpty()) {
      return Future.succeededFuture();
    }
    List<Tuple> batch = new ArrayList<>(messages.size());
    for (StoredMessage m : messages) {
      batch.add(Tuple.of(m.id(), m.chatId(), m.senderId(), m.content(), m.createdAt(), m.clientId(), m.seq(), m.n()));
    }
    return tx.preparedQuery("INSERT INTO messages (id, chat_id, sender_id, content, created_at, client_id, seq, n)"
        + " VALUES (?, ?, ?, ?, ?, ?, ?, ?)")
      .executeBatch(batch)
      .mapEmpty();
  }

  /**
   * Deletes messages (each given as {@code {id, chat_id}}, not deleted yet), in the given order:
   * the content and reactions go, the row stays (its id, seq and place keep the feed and unread
   * counts exact), and each takes a {@code message_deleted} seq of its chat.
   */
  Future<List<ChatLog.Entry>> deleteMessages(SqlConnection tx, List<long[]> messages, long now) {
    Future<List<ChatLog.Entry>> done = Future.succeededFuture(new ArrayList<>(messages.size()));
    for (long[] message : messages) {
      long id = message[0];
      long chatId = message[1];
      done = done.compose(entries -> tx.preparedQuery(
            "UPDATE messages SET content = '', deleted_at = ? WHERE id = ? AND deleted_at IS NULL")
          .execute(Tuple.of(now, id))
          .compose(v -> tx.preparedQuery("DELETE FROM reactions WHERE message_id = ?").execute(Tuple.of(id)))
          .compose(v -> ChatLog.append(tx, chatId, ChatLog.Kind.MESSAGE_DELETED, id, null, null, now))
          .map(entry -> {
            entries.add(entry);
            return entries;
          }));
    }
    return done;
  }

  /** What a batch of messages did to one chat: its newest activity, seq and message count. */
  record Advance(long lastActivityAt, long lastSeq, long messageCount) {
  }

  /** Writes each chat's new counters; last activity only moves forward. */
  Future<Void> advanceChats(SqlConnection tx, Map<Long, Advance> byChat) {
    if (byChat.isEmpty()) {
      return Future.succeededFuture();
    }
    List<Tuple> batch = new ArrayList<>(byChat.size());
    byChat.forEach((chatId, a) -> batch.add(Tuple.of(a.lastActivityAt(), a.lastSeq(), a.messageCount(), chatId)));
    return tx.preparedQuery("UPDATE chats SET last_activity_at = MAX(last_activity_at, ?), last_seq = ?,"
        + " message_count = ? WHERE id = ?")
      .executeBatch(batch)
      .mapEmpty();
  }

  /** A read marker to move forward: to {@code messageId}, the {@code n}-th message of the chat. */
  record Marker(long chatId, long userId, long messageId, long n, long at) {
  }

  /** Moves each marker forward (never back), in the caller's transaction. */
  Future<Void> moveMarkers(SqlConnection tx, Collection<Marker> markers) {
    if (markers.isEmpty()) {
      return Future.succeededFuture();
    }
    List<Tuple> batch = new ArrayList<>(markers.size());
    for (Marker m : markers) {
      batch.add(Tuple.of(m.messageId(), m.n(), m.at(), m.chatId(), m.userId(), m.messageId()));
    }
    return tx.preparedQuery("UPDATE participants SET last_read_message_id = ?, last_read_n = ?, read_at = ?"
        + " WHERE chat_id = ? AND user_id = ? AND last_read_message_id < ?")
      .executeBatch(batch)
      .mapEmpty();
  }

  /**
   * The reactions of these messages: per message, {@code [{emoji, count, user_ids}]} with the
   * emoji in order of first use (messages without reactions are absent).
   */
  Future<Map<Long, JsonArray>> reactions(Collection<Long> messageIds) {
    return reactions(reader, messageIds);
  }

  /** The same, on a given connection (inside a transaction). */
  static Future<Map<Long, JsonArray>> reactions(SqlClient client, Collection<Long> messageIds) {
    if (messageIds.isEmpty()) {
      return Future.succeededFuture(Map.of());
    }
    return client.preparedQuery("SELECT message_id, emoji, user_id FROM reactions WHERE message_id IN ("
        + placeholders(messageIds.size()) + ") ORDER BY message_id, id")
      .execute(Tuple.wrap(new ArrayList<Object>(messageIds)))
      .map(rows -> {
        Map<Long, Map<String, JsonArray>> byMessage = new HashMap<>();
        for (Row row : rows) {
          byMessage.computeIfAbsent(row.getLong("message_id"), id -> new LinkedHashMap<>())
            .computeIfAbsent(row.getString("emoji"), e -> new JsonArray())
            .add(row.getLong("user_id"));
        }
        Map<Long, JsonArray> result = new HashMap<>();
        byMessage.forEach((messageId, byEmoji) -> {
          JsonArray list = new JsonArray();
          byEmoji.forEach((emoji, userIds) -> list.add(Views.reaction(emoji, userIds)));
          result.put(messageId, list);
        });
        return result;
      });
  }

  /** {@code ?, ?, ...} for an IN list of {@code n} values. */
  static String placeholders(int n) {
    return String.join(", ", Collections.nCopies(n, "?"));
  }

  // ---- row mapping ---------------------------------------------------------------------

  private static <T> List<T> list(RowSet<Row> rows, Function<Row, T> mapper) {
    List<T> list = new ArrayList<>(rows.size());
    for (Row row : rows) {
      list.add(mapper.apply(row));
    }
    return list;
  }

  /** Rows fetched with limit + 1: the extra row only tells that more exist. */
  private static Page page(RowSet<Row> rows, int limit, boolean descending) {
    List<StoredMessage> messages = list(rows, ChatStore::message);
    boolean hasMore = messages.size() > limit;
    if (hasMore) {
      messages = new ArrayList<>(messages.subList(0, limit));
    }
    if (descending) {
      Collections.reverse(messages);
    }
    return new Page(messages, hasMore);
  }

  private static UserRecord user(Row row) {
    return new UserRecord(row.getLong("id"), row.getString("username"), row.getString("email"),
      row.getString("user_type"), row.getString("date_joined"), row.getLong("is_active") != 0);
  }

  static ChatRow chat(Row row) {
    return new ChatRow(row.getLong("id"), row.getString("name"), row.getLong("created_by"),
      row.getLong("created_at"), row.getLong("last_activity_at"), row.getLong("last_seq"));
  }

  static StoredMessage message(Row row) {
    return new StoredMessage(row.getLong("id"), row.getLong("chat_id"), row.getLong("sender_id"),
      row.getString("content"), row.getLong("created_at"), row.getString("client_id"),
      row.getLong("seq"), row.getLong("n"), row.getLong("edited_at"), row.getLong("deleted_at"));
  }
}
