package chat.chats;

import chat.shared.ErrorCode;
import chat.shared.ServiceError;
import io.vertx.core.AsyncResult;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The chat service's user operations on the store (the administration's are in
 * {@link AdminStore}; the statements of both, per store, in {@link ChatSql}). Writes run on the
 * writer pool inside {@link #inTransaction}; reads run on the reader pool and see committed data
 * only.
 *
 * <p>The writer pool is used through {@link #inTransaction} and nothing else. Its transactions
 * are plain {@code BEGIN} ({@code BEGIN IMMEDIATE} on SQLite) / {@code COMMIT} / {@code ROLLBACK} statements on a
 * connection that stays in auto-commit mode, not the JDBC transaction API: with that API
 * sqlite-jdbc issues the next {@code BEGIN} itself right after each commit or rollback, and when
 * SQLite has already rolled a transaction back on its own (SQLITE_FULL, some I/O errors) the
 * driver's rollback fails before that, leaving a connection whose statements each commit alone
 * and whose every COMMIT fails ("cannot commit - no transaction is active"). With plain
 * statements a failed transaction always ends in a ROLLBACK (its "no transaction is active"
 * answer ignored), so the connection is clean for the next one. On PostgreSQL the same
 * statements are plain too; a connection that broke is dropped by the pool.
 */
final class ChatStore {

  private static final Logger LOG = LoggerFactory.getLogger(ChatStore.class);
  /** Bytes the write probe stores (and removes again): a few pages, like a long message. */
  static final int PROBE_BYTES = 8192;

  private final Pool writer;
  private final Pool reader;
  private final ChatSql sql;
  private final StorageHealth health;
  private final ChatLog log;
  private final AttachmentStore attachments;
  /** Per open write transaction, the SHA-256s whose last attachment row it may have removed. */
  private final Map<SqlConnection, Set<String>> releasedBlobs = new HashMap<>();
  private Function<Set<String>, Future<Void>> blobsReleased = shas -> Future.succeededFuture();
  /** Null when write transactions may run side by side (PostgreSQL). */
  private final WriteGate gate;

  ChatStore(Pool writer, Pool reader, ChatSql sql, StorageHealth health) {
    this(writer, reader, sql, health, false);
  }

  /**
   * @param oneWriter the database takes one write transaction at a time (SQLite): the writer
   *     pool's transactions and {@link #exclusive} writes then run one after the other, in order
   */
  ChatStore(Pool writer, Pool reader, ChatSql sql, StorageHealth health, boolean oneWriter) {
    this.gate = oneWriter ? new WriteGate() : null;
    this.writer = writer;
    this.reader = reader;
    this.sql = sql;
    this.health = health;
    this.log = new ChatLog(reader, sql);
    this.attachments = new AttachmentStore(reader, sql);
    health.probeWith(this::probeWrite);
  }

  /** The statements of this store. */
  ChatSql sql() {
    return sql;
  }

  /** The chats' change log, on the same store. */
  ChatLog log() {
    return log;
  }

  /** The attachments' rows, on the same store. */
  AttachmentStore attachments() {
    return attachments;
  }

  /**
   * Attachments (issue 14): after a write transaction COMMITs, the SHA-256s it released (see
   * {@link #releaseAttachmentsOfChat}, {@link #deleteMessages}) go to {@code sink}, which removes
   * the bytes no attachment names any more. A crash in between leaves bytes without a row
   * (swept at start), never a row without its bytes.
   */
  void onBlobsReleased(Function<Set<String>, Future<Void>> sink) {
    this.blobsReleased = sink;
  }

  /** Removes every attachment of the chat in the transaction (their bytes go after COMMIT). */
  Future<Void> releaseAttachmentsOfChat(SqlConnection tx, long chatId) {
    return attachments.deleteOfChat(tx, chatId).map(shas -> {
      releasedBlobs.computeIfAbsent(tx, c -> new java.util.HashSet<>()).addAll(shas);
      return null;
    });
  }

  private Future<Void> releaseAttachmentsOfMessage(SqlConnection tx, long messageId) {
    return attachments.deleteOfMessage(tx, messageId).map(shas -> {
      if (!shas.isEmpty()) {
        releasedBlobs.computeIfAbsent(tx, c -> new java.util.HashSet<>()).addAll(shas);
      }
      return null;
    });
  }

  /** Where the group commit's new message ids come from. */
  MessageIds messageIds() {
    return sql.messageIds(reader);
  }

  /** The failure as a client sees it: a failure of the storage (a read's too) is 503 {@code unavailable}. */
  Throwable clientFailure(Throwable err) {
    if (err instanceof ServiceError || !sql.isStorageFailure(err)) {
      return err;
    }
    LOG.debug("A query failed on the storage", err);
    return unavailable();
  }

  private static ServiceError unavailable() {
    return new ServiceError(ErrorCode.UNAVAILABLE, "The chat service cannot store data right now, try again shortly");
  }

  /**
   * Runs {@code work} in one write transaction ({@link ChatSql#begin}); rolled back if anything fails.
   * A failure of the storage fails {@link ErrorCode#UNAVAILABLE} (nothing the client did, worth
   * a retry) and marks the service unwritable; a {@link ServiceError} of the work passes as is.
   */
  <T> Future<T> inTransaction(Function<SqlConnection, Future<T>> work) {
    return exclusive(() -> writer.withConnection(conn -> conn.query(sql.begin()).execute()
        .compose(begun -> work.apply(conn))
        .compose(result -> conn.query("COMMIT").execute().map(result))
        .compose(result -> {
          // Attachments: bytes released by a committed transaction go before it answers.
          Set<String> released = releasedBlobs.remove(conn);
          return released == null || released.isEmpty() ? Future.succeededFuture(result)
            : blobsReleased.apply(released).otherwiseEmpty().map(result);
        })
        .andThen(ar -> releasedBlobs.remove(conn))
        .recover(err -> conn.query("ROLLBACK").execute()
          // "no transaction is active" when SQLite already rolled back (or BEGIN failed): fine.
          .transform(rolledBack -> Future.<T>failedFuture(err))))
      .transform(this::afterWrite));
  }

  /**
   * Runs a write transaction that does not use the writer pool (SQLite's batch writer has its own
   * connection): on a database of one writer, after the transactions queued before it and before
   * the ones queued after it, so that neither waits on the other's lock inside SQLite.
   */
  <T> Future<T> exclusive(Supplier<Future<T>> write) {
    return gate == null ? write.get() : gate.run(write);
  }

  /**
   * How a write transaction ended, as the callers see it: a commit makes the storage healthy; a
   * failure of the storage fails {@link ErrorCode#UNAVAILABLE} and marks the service unwritable; a
   * {@link ServiceError} or any other failure passes as is.
   */
  <T> Future<T> afterWrite(AsyncResult<T> ar) {
    if (ar.succeeded()) {
      health.committed();
      return Future.succeededFuture(ar.result());
    }
    Throwable err = ar.cause();
    if (err instanceof ServiceError) {
      return Future.failedFuture(err);
    }
    if (sql.isStorageFailure(err)) {
      health.storageFailed(err);
      LOG.debug("A write transaction failed on the storage", err);
      return Future.failedFuture(unavailable());
    }
    return Future.failedFuture(err);
  }

  /**
   * The readiness probe: stores {@value #PROBE_BYTES} bytes and removes them in one committed
   * transaction, so it needs the room and the working commit a send needs, and leaves nothing.
   */
  Future<Void> probeWrite() {
    return inTransaction(tx -> tx.preparedQuery(sql.probeInsert())
      .execute(Tuple.of(PROBE_BYTES))
      .compose(inserted -> tx.query(sql.probeDelete()).execute())
      .mapEmpty());
  }

  /** Succeeds when the store answers a read (readiness: a server gone away fails it before any write does). */
  Future<Void> ping() {
    return reader.query(sql.ping()).execute().mapEmpty();
  }

  /** A page of history in ascending id order, and whether more exist beyond it. */
  record Page(List<StoredMessage> messages, boolean hasMore) {
  }

  // ---- loading at start ---------------------------------------------------------------

  Future<List<UserRecord>> allUsers() {
    return reader.query(sql.allUsers()).execute()
      .map(rows -> list(rows, ChatStore::user));
  }

  /** Every (chat_id, user_id) pair, each chat's participants in the order they joined. */
  Future<List<long[]>> allParticipants() {
    return reader.query(sql.allParticipants()).execute()
      .map(rows -> list(rows, row -> new long[] {row.getLong("chat_id"), row.getLong("user_id")}));
  }

  /** The stored (committed) messages having these ids, deleted ones included, by id, read on a reader connection. */
  Future<Map<Long, StoredMessage>> storedMessages(Collection<Long> ids) {
    if (ids.isEmpty()) {
      return Future.succeededFuture(Map.of());
    }
    return reader.preparedQuery(sql.messagesOf(ids.size()))
      .execute(sql.ids(ids))
      .map(rows -> {
        Map<Long, StoredMessage> found = new HashMap<>();
        rows.forEach(row -> found.put(row.getLong("id"), message(row)));
        return found;
      });
  }

  // ---- reads ---------------------------------------------------------------------------

  /** The chat, or null. */
  Future<ChatRow> chat(long chatId) {
    return chat(reader, chatId);
  }

  /** The same, on a given connection (inside a transaction; no lock). */
  Future<ChatRow> chat(SqlClient client, long chatId) {
    return client.preparedQuery(sql.chat())
      .execute(Tuple.of(chatId))
      .map(rows -> rows.size() == 0 ? null : chat(rows.iterator().next()));
  }

  /** The newest {@code limit} messages of the chat. */
  Future<Page> newest(long chatId, int limit) {
    return reader.preparedQuery(sql.newest())
      .execute(Tuple.of(chatId, limit + 1))
      .map(rows -> page(rows, limit, true));
  }

  /** The {@code limit} messages just older than {@code id}. */
  Future<Page> before(long chatId, long id, int limit) {
    return reader.preparedQuery(sql.before())
      .execute(Tuple.of(chatId, id, limit + 1))
      .map(rows -> page(rows, limit, true));
  }

  /** The {@code limit} messages just newer than {@code id}. */
  Future<Page> after(long chatId, long id, int limit) {
    return reader.preparedQuery(sql.after())
      .execute(Tuple.of(chatId, id, limit + 1))
      .map(rows -> page(rows, limit, false));
  }

  // ---- writes, inside inTransaction ----------------------------------------------------

  /**
   * Locks these chats for the rest of the transaction, in ascending id order (see {@link ChatSql}):
   * what every transaction that takes seqs of a chat does first.
   */
  Future<Void> lockChats(SqlConnection tx, Collection<Long> chatIds) {
    if (chatIds.isEmpty()) {
      return Future.succeededFuture();
    }
    return tx.preparedQuery(sql.lockChats(chatIds.size())).execute(sql.ids(chatIds)).mapEmpty();
  }

  /** Stores the users' projection rows, in id order (concurrent transactions lock the rows in one order). */
  Future<Void> upsertUsers(SqlConnection tx, Collection<UserRecord> users) {
    if (users.isEmpty()) {
      return Future.succeededFuture();
    }
    List<UserRecord> byId = new ArrayList<>(users);
    byId.sort(java.util.Comparator.comparingLong(UserRecord::id));
    List<Tuple> batch = new ArrayList<>(users.size());
    for (UserRecord u : byId) {
      batch.add(Tuple.of(u.id(), u.username(), u.email(), u.userType(), u.dateJoined(), u.active() ? 1 : 0));
    }
    return tx.preparedQuery(sql.upsertUser())
      .executeBatch(batch)
      .mapEmpty();
  }

  /** Inserts a chat and returns its id. */
  Future<Long> insertChat(SqlConnection tx, String name, long createdBy, long now) {
    return tx.preparedQuery(sql.insertChat())
      .execute(Tuple.of(name, createdBy, now, now))
      .map(rows -> rows.iterator().next().getLong("id"));
  }

  Future<Void> insertParticipants(SqlConnection tx, long chatId, Collection<Long> userIds, long now) {
    List<Tuple> batch = new ArrayList<>(userIds.size());
    for (Long userId : userIds) {
      batch.add(Tuple.of(chatId, userId, now));
    }
    return tx.preparedQuery(sql.insertParticipant())
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
    return lockChats(tx, List.of(chatId))
      .compose(locked -> tx.preparedQuery(sql.addParticipant()).execute(Tuple.of(chatId, userId, now, chatId)))
      .compose(result -> result.rowCount() == 1
        ? log.append(tx, chatId, ChatLog.Kind.PARTICIPANT_ADDED, null, userId, null, now).map(ChatLog.Entry::seq)
        : Future.succeededFuture(null));
  }

  /** Renames the chat and records {@code chat_renamed}: its seq. */
  Future<Long> renameChat(SqlConnection tx, long chatId, String name, long now) {
    return lockChats(tx, List.of(chatId))
      .compose(locked -> tx.preparedQuery(sql.renameChat()).execute(Tuple.of(name, chatId)))
      .compose(v -> log.append(tx, chatId, ChatLog.Kind.CHAT_RENAMED, null, null, name, now))
      .map(ChatLog.Entry::seq);
  }

  /** Removes the user and records {@code participant_removed}: its seq, null when the user was not a participant. */
  Future<Long> removeParticipant(SqlConnection tx, long chatId, long userId, long now) {
    return lockChats(tx, List.of(chatId))
      .compose(locked -> tx.preparedQuery(sql.removeParticipant()).execute(Tuple.of(chatId, userId)))
      .compose(result -> result.rowCount() == 1
        ? log.append(tx, chatId, ChatLog.Kind.PARTICIPANT_REMOVED, null, userId, null, now).map(ChatLog.Entry::seq)
        : Future.succeededFuture(null));
  }

  /** The stored messages having one of these idempotency keys. */
  Future<Map<ClientKey, StoredMessage>> messagesByClientKey(SqlConnection tx, Collection<ClientKey> keys) {
    if (keys.isEmpty()) {
      return Future.succeededFuture(Collections.emptyMap());
    }
    return tx.preparedQuery(sql.messagesByClientKey(keys.size())).execute(sql.clientKeys(keys)).map(rows -> {
      Map<ClientKey, StoredMessage> found = new HashMap<>();
      for (Row row : rows) {
        StoredMessage m = message(row);
        found.put(new ClientKey(m.chatId(), m.senderId(), m.clientId()), m);
      }
      return found;
    });
  }

  /** Inserts new messages whose ids, seqs and places were assigned by the caller ({@link ChatSql#insertMessages}). */
  Future<Void> insertMessages(SqlConnection tx, List<StoredMessage> messages) {
    return sql.insertMessages(messages).run(tx);
  }

  /**
   * Deletes messages (each given as {@code {id, chat_id}}, not deleted yet), in the given order:
   * the content and reactions go, the row stays (its id, seq and place keep the feed and unread
   * counts exact), and each takes a {@code message_deleted} seq of its chat. Their chats are
   * locked first.
   */
  Future<List<ChatLog.Entry>> deleteMessages(SqlConnection tx, List<long[]> messages, long now) {
    Set<Long> chatIds = new java.util.TreeSet<>();
    messages.forEach(m -> chatIds.add(m[1]));
    Future<List<ChatLog.Entry>> done = lockChats(tx, chatIds).map(locked -> new ArrayList<>(messages.size()));
    for (long[] message : messages) {
      long id = message[0];
      long chatId = message[1];
      done = done.compose(entries -> tx.preparedQuery(sql.deleteMessage())
          .execute(Tuple.of(now, id))
          .compose(v -> tx.preparedQuery(sql.deleteReactionsOf()).execute(Tuple.of(id)))
          .compose(v -> releaseAttachmentsOfMessage(tx, id))
          .compose(v -> log.append(tx, chatId, ChatLog.Kind.MESSAGE_DELETED, id, null, null, now))
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

  /** Writes each chat's new counters; last activity only moves forward ({@link ChatSql#advanceChats}). */
  Future<Void> advanceChats(SqlConnection tx, Map<Long, Advance> byChat) {
    return sql.advanceChats(byChat).run(tx);
  }

  /** A read marker to move forward: to {@code messageId}, the {@code n}-th message of the chat. */
  record Marker(long chatId, long userId, long messageId, long n, long at) {
  }

  /** Moves each marker forward (never back), in the caller's transaction ({@link ChatSql#moveMarkers}). */
  Future<Void> moveMarkers(SqlConnection tx, Collection<Marker> markers) {
    return sql.moveMarkers(markers).run(tx);
  }

  /**
   * The reactions of these messages: per message, {@code [{emoji, count, user_ids}]} with the
   * emoji in order of first use (messages without reactions are absent).
   */
  Future<Map<Long, JsonArray>> reactions(Collection<Long> messageIds) {
    return reactions(reader, messageIds);
  }

  /** The same, on a given connection (inside a transaction). */
  Future<Map<Long, JsonArray>> reactions(SqlClient client, Collection<Long> messageIds) {
    if (messageIds.isEmpty()) {
      return Future.succeededFuture(Map.of());
    }
    return client.preparedQuery(sql.reactionsOf(messageIds.size()))
      .execute(sql.ids(messageIds))
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

  static UserRecord user(Row row) {
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
