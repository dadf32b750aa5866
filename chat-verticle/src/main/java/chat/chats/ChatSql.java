package chat.chats;

import chat.shared.sql.SqlDialect;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Every SQL statement of the chat service, one method per statement, for both stores:
 * {@link SqliteChatSql} and {@link PostgresChatSql}. The stores above ({@link ChatStore},
 * {@link AdminStore}, {@link ReadStore}, {@link MessageChangeStore}, {@link ChatLog}) bind the
 * same parameters in the same order on both, and read the same column names.
 *
 * <p>A statement the two stores share is written once, here, as a default method in the
 * {@code ?} form; {@link #dialect} derives each store's text ({@link SqlDialect#sql}: PostgreSQL's
 * {@code $1..$n}, derived once per statement) and list parameters ({@link SqlDialect#in}, bound by
 * {@link #ids}). What really differs between the stores (upserts that ignore, {@code MAX} against
 * {@code GREATEST}, locking, insertion order, case-insensitive matching, the ids of new messages,
 * which failures are the storage's) is an abstract method here, written by each dialect class,
 * and decided there and nowhere else.
 *
 * <p>Locking: a SQLite write transaction holds the database's single write lock from its
 * {@code BEGIN IMMEDIATE}, so {@link #lockChats} and the locking reads are plain reads there. On
 * PostgreSQL they take row locks ({@code FOR NO KEY UPDATE}, the lock an UPDATE of the counters
 * takes anyway): every write transaction that changes a chat's log locks that chat's row first, the
 * chats of a batch in ascending id order, so transactions of one chat queue in commit order and
 * never deadlock with each other.
 *
 * <p>Writes of many rows (the group commit's messages, events, counters, markers and links) are
 * {@link Rows}: by default the one-row statement once per row, as SQLite runs them; PostgreSQL
 * writes each as one statement over one array per column ({@link PostgresChatSql}).
 */
interface ChatSql {

  String USER_COLUMNS = "id, username, email, user_type, date_joined, is_active";
  String CHAT_COLUMNS = "c.id, c.name, c.created_by, c.created_at, c.last_activity_at, c.last_seq";
  String MESSAGE_COLUMNS = "id, chat_id, sender_id, content, created_at, client_id, seq, n, edited_at, deleted_at";
  String EVENT_COLUMNS = "chat_id, seq, kind, message_id, user_id, name, created_at";

  /** The caller's unread count of chat {@code c} by its participant row {@code p} (see {@link ReadStore}). */
  String UNREAD = "c.message_count - p.last_read_n - (SELECT COUNT(*) FROM messages d"
    + " WHERE d.chat_id = c.id AND d.deleted_at IS NOT NULL AND d.id > p.last_read_message_id)";

  /** The dialect of this store: how the common statements below become its own. */
  SqlDialect dialect();

  /** The parameters of a statement taking a list of ids ({@code ...Of(n)} statements). */
  Tuple ids(Collection<Long> ids);

  /** Whether the failure (or a cause of it) comes from the storage, not from the statement: worth a retry. */
  boolean isStorageFailure(Throwable err);

  /** Whether the failure is the unique key of (chat_id, sender_id, client_id): another writer stored that send. */
  boolean isDuplicateClientId(Throwable err);

  /** Where the group commit's new message ids come from. */
  MessageIds messageIds(Pool reader);

  /** A common statement in this store's dialect. */
  private String sql(String text) {
    return dialect().sql(text);
  }

  /** A list parameter of {@code count} values, bound by {@link #ids}. */
  private String in(int count) {
    return dialect().in(count);
  }

  // ---- ChatStore ------------------------------------------------------------------------

  /** Starts a write transaction. */
  String begin();

  /** Stores {@code $1} bytes in write_probe. */
  String probeInsert();

  default String probeDelete() {
    return sql("DELETE FROM write_probe");
  }

  /** One row: the store answers (readiness). */
  default String ping() {
    return sql("SELECT 1");
  }

  default String allUsers() {
    return sql("SELECT " + USER_COLUMNS + " FROM users");
  }

  /** Every (chat_id, user_id), each chat's participants in the order they joined. */
  String allParticipants();

  /** Messages by id: parameters {@link #ids}. */
  default String messagesOf(int count) {
    return sql("SELECT " + MESSAGE_COLUMNS + " FROM messages WHERE id " + in(count));
  }

  /** One chat by id (no lock). */
  default String chat() {
    return sql("SELECT " + CHAT_COLUMNS + " FROM chats c WHERE c.id = ?");
  }

  /** Locks these chats (parameters {@link #ids}), in ascending id order; answers their ids. */
  String lockChats(int count);

  default String newest() {
    return sql("SELECT " + MESSAGE_COLUMNS + " FROM messages WHERE chat_id = ? AND deleted_at IS NULL ORDER BY id DESC LIMIT ?");
  }

  default String before() {
    return sql("SELECT " + MESSAGE_COLUMNS
      + " FROM messages WHERE chat_id = ? AND id < ? AND deleted_at IS NULL ORDER BY id DESC LIMIT ?");
  }

  default String after() {
    return sql("SELECT " + MESSAGE_COLUMNS
      + " FROM messages WHERE chat_id = ? AND id > ? AND deleted_at IS NULL ORDER BY id ASC LIMIT ?");
  }

  default String upsertUser() {
    return sql("INSERT INTO users (" + USER_COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?)"
      + " ON CONFLICT (id) DO UPDATE SET username = excluded.username, email = excluded.email,"
      + " user_type = excluded.user_type, date_joined = excluded.date_joined, is_active = excluded.is_active");
  }

  /** Inserts a chat, answers its {@code id}. */
  default String insertChat() {
    return sql("INSERT INTO chats (name, created_by, created_at, last_activity_at) VALUES (?, ?, ?, ?) RETURNING id");
  }

  /** (chat_id, user_id, added_at); an existing participant is left alone. */
  String insertParticipant();

  /** (chat_id, user_id, added_at, chat_id): adds with the feed start and marker; nothing when a participant already. */
  String addParticipant();

  default String renameChat() {
    return sql("UPDATE chats SET name = ? WHERE id = ?");
  }

  default String removeParticipant() {
    return sql("DELETE FROM participants WHERE chat_id = ? AND user_id = ?");
  }

  /** Messages by (chat_id, sender_id, client_id). */
  String messagesByClientKey(int count);

  Tuple clientKeys(Collection<ClientKey> keys);

  default String insertMessage() {
    return sql("INSERT INTO messages (id, chat_id, sender_id, content, created_at, client_id, seq, n)"
      + " VALUES (?, ?, ?, ?, ?, ?, ?, ?)");
  }

  /** (deleted_at, id). */
  default String deleteMessage() {
    return sql("UPDATE messages SET content = '', deleted_at = ? WHERE id = ? AND deleted_at IS NULL");
  }

  default String deleteReactionsOf() {
    return sql("DELETE FROM reactions WHERE message_id = ?");
  }

  /** (last_activity_at, last_seq, message_count, id); last activity only moves forward. */
  String advanceChat();

  /** (message id, n, at, chat_id, user_id, message id). */
  default String moveMarker() {
    return sql("UPDATE participants SET last_read_message_id = ?, last_read_n = ?, read_at = ?"
      + " WHERE chat_id = ? AND user_id = ? AND last_read_message_id < ?");
  }

  /** Reactions of messages, parameters {@link #ids}, by message then id. */
  default String reactionsOf(int count) {
    return sql("SELECT message_id, emoji, user_id FROM reactions WHERE message_id " + in(count) + " ORDER BY message_id, id");
  }

  // ---- writes of many rows (the group commit; ChatLog, ReadMarkers and others with one) ---

  /**
   * A write of many rows as this store runs it: {@code sql} once per tuple. {@link #eachRow}: the
   * one-row statement once per row (SQLite, one batch); {@link #arrays}: one statement whose
   * parameters are one array per column (PostgreSQL), which the server plans and executes once
   * whatever the number of rows.
   */
  record Rows(String sql, List<Tuple> tuples) {

    /** The one-row statement once per row. */
    static <T> Rows eachRow(String sql, Collection<T> rows, Function<T, Tuple> row) {
      List<Tuple> tuples = new ArrayList<>(rows.size());
      rows.forEach(r -> tuples.add(row.apply(r)));
      return new Rows(sql, tuples);
    }

    /** One statement over all {@code rows}: its parameters the columns' arrays (nothing to run when there is no row). */
    static Rows arrays(String sql, Collection<?> rows, Tuple columns) {
      return new Rows(sql, rows.isEmpty() ? List.of() : List.of(columns));
    }

    /** Runs it in the caller's transaction (nothing when there is no row). */
    Future<Void> run(SqlClient tx) {
      if (tuples.isEmpty()) {
        return Future.succeededFuture();
      }
      var query = tx.preparedQuery(sql);
      return (tuples.size() == 1 ? query.execute(tuples.get(0)) : query.executeBatch(tuples)).mapEmpty();
    }

    /** Runs it, one execution after the other: how many rows they changed (each count exact on both drivers). */
    Future<Integer> changed(SqlClient tx) {
      Future<Integer> changed = Future.succeededFuture(0);
      for (Tuple tuple : tuples) {
        changed = changed.compose(n -> tx.preparedQuery(sql).execute(tuple).map(rows -> n + rows.rowCount()));
      }
      return changed;
    }
  }

  /** New messages whose ids, seqs and places are assigned ({@link #insertMessage} per row). */
  default Rows insertMessages(List<StoredMessage> messages) {
    return Rows.eachRow(insertMessage(), messages, m -> Tuple.of(m.id(), m.chatId(), m.senderId(), m.content(),
      m.createdAt(), m.clientId(), m.seq(), m.n()));
  }

  /** Entries of the chats' logs whose seqs are taken ({@link #insertEvent} per row). */
  default Rows insertEvents(List<ChatLog.Entry> entries) {
    return Rows.eachRow(insertEvent(), entries, e -> Tuple.of(e.chatId(), e.seq(), e.kind().code, e.messageId(),
      e.userId(), e.name(), e.createdAt()));
  }

  /** Each chat's new counters, last activity only forward ({@link #advanceChat} per chat). */
  default Rows advanceChats(Map<Long, ChatStore.Advance> byChat) {
    return Rows.eachRow(advanceChat(), byChat.entrySet(), a -> Tuple.of(a.getValue().lastActivityAt(),
      a.getValue().lastSeq(), a.getValue().messageCount(), a.getKey()));
  }

  /** Read markers moved forward, never back ({@link #moveMarker} per marker). */
  default Rows moveMarkers(Collection<ChatStore.Marker> markers) {
    return Rows.eachRow(moveMarker(), markers, m -> Tuple.of(m.messageId(), m.n(), m.at(), m.chatId(), m.userId(),
      m.messageId()));
  }

  /** Uploads attached to new messages, {message_id, attachment_id} pairs ({@link #linkAttachment} per pair). */
  default Rows linkAttachments(List<long[]> links) {
    return Rows.eachRow(linkAttachment(), links, l -> Tuple.of(l[0], l[1]));
  }

  // ---- ChatLog --------------------------------------------------------------------------

  /** Takes the chat's next seq: answers {@code last_seq}. */
  default String nextSeq() {
    return sql("UPDATE chats SET last_seq = last_seq + 1 WHERE id = ? RETURNING last_seq");
  }

  /** The counters of chats ({@link #ids}), locked for the batch that advances them. */
  String lockCounters(int count);

  default String insertEvent() {
    return sql("INSERT INTO chat_events (" + EVENT_COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?)");
  }

  default String feedStart() {
    return sql("SELECT c.last_seq, p.joined_seq FROM chats c JOIN participants p ON p.chat_id = c.id AND p.user_id = ?"
      + " WHERE c.id = ?");
  }

  default String events() {
    return sql("SELECT " + EVENT_COLUMNS + " FROM chat_events WHERE chat_id = ? AND seq >= ? AND seq <= ? ORDER BY seq LIMIT ?");
  }

  // ---- ReadStore ------------------------------------------------------------------------

  default String chatsOf() {
    return sql("SELECT " + CHAT_COLUMNS + ", p.last_read_message_id, " + UNREAD
      + " AS unread_count FROM participants p JOIN chats c ON c.id = p.chat_id WHERE p.user_id = ?"
      + " ORDER BY c.last_activity_at DESC, c.id DESC");
  }

  default String chatOf() {
    return sql("SELECT " + CHAT_COLUMNS + ", p.last_read_message_id, "
      + "CASE WHEN p.user_id IS NULL THEN 0 ELSE " + UNREAD + " END AS unread_count"
      + " FROM chats c LEFT JOIN participants p ON p.chat_id = c.id AND p.user_id = ? WHERE c.id = ?");
  }

  default String position() {
    return sql("SELECT p.last_read_message_id, p.last_read_n, m.n, " + UNREAD + " AS unread_count"
      + " FROM participants p JOIN chats c ON c.id = p.chat_id"
      + " LEFT JOIN messages m ON m.id = ? AND m.chat_id = p.chat_id"
      + " WHERE p.chat_id = ? AND p.user_id = ?");
  }

  default String marker() {
    return sql("SELECT p.last_read_message_id, p.last_read_n, " + UNREAD + " AS unread_count"
      + " FROM participants p JOIN chats c ON c.id = p.chat_id WHERE p.chat_id = ? AND p.user_id = ?");
  }

  String receipts();

  /** (chat_id, user_id): locks the participant's row (its marker) for the transaction. */
  String lockParticipant();

  // ---- MessageChangeStore ---------------------------------------------------------------

  default String messageWithCreator() {
    return sql("SELECT " + MESSAGE_COLUMNS
      + ", (SELECT c.created_by FROM chats c WHERE c.id = messages.chat_id) AS chat_created_by"
      + " FROM messages WHERE id = ? AND chat_id = ?");
  }

  default String editMessage() {
    return sql("UPDATE messages SET content = ?, edited_at = ? WHERE id = ? AND deleted_at IS NULL");
  }

  /** (emoji, emoji, user_id, message_id): distinct_emoji, used, mine. */
  default String emojiState() {
    return sql("SELECT COUNT(DISTINCT emoji) AS distinct_emoji,"
      + " COALESCE(MAX(CASE WHEN emoji = ? THEN 1 ELSE 0 END), 0) AS used,"
      + " COALESCE(MAX(CASE WHEN emoji = ? AND user_id = ? THEN 1 ELSE 0 END), 0) AS mine"
      + " FROM reactions WHERE message_id = ?");
  }

  /** Adds a reaction; nothing when it exists. */
  String addReaction();

  /** Removes one and answers its id as {@code r} (on SQLite, reactions.id is the rowid). */
  default String removeReaction() {
    return sql("DELETE FROM reactions WHERE message_id = ? AND emoji = ? AND user_id = ? RETURNING id AS r");
  }

  /** (removed id, message_id, emoji, removed id): the emoji's earliest remaining row takes the removed id when that was earlier. */
  default String moveReactionId() {
    return sql("UPDATE reactions SET id = ? WHERE id ="
      + " (SELECT MIN(id) FROM reactions WHERE message_id = ? AND emoji = ?) AND id > ?");
  }

  // ---- AdminStore -----------------------------------------------------------------------

  String countChats();

  String pageChats();

  default String messageCount() {
    return sql("SELECT COUNT(*) AS n FROM messages WHERE chat_id = ? AND deleted_at IS NULL");
  }

  /** The administration's filter "sent by ?" (the sender's id for each {@code ?}). */
  default String sentBy() {
    return "sender_id = ?";
  }

  default String countMessages(AdminStore.MessageFilter filter) {
    return sql("SELECT COUNT(*) AS n FROM messages" + filter.where(sentBy()));
  }

  default String pageMessages(AdminStore.MessageFilter filter) {
    return sql("SELECT " + MESSAGE_COLUMNS + " FROM messages" + filter.where(sentBy()) + " ORDER BY id DESC LIMIT ? OFFSET ?");
  }

  default String countAudit() {
    return sql("SELECT COUNT(*) AS n FROM audit_log");
  }

  default String newestAudit() {
    return sql("SELECT id, actor_id, actor_username, action, target, details, created_at"
      + " FROM audit_log ORDER BY created_at DESC, id DESC LIMIT ?");
  }

  /** The chat inside an administration's transaction, locked (it may be deleted). */
  String lockChat();

  default String deleteMessagesOfChat() {
    return sql("DELETE FROM messages WHERE chat_id = ?");
  }

  default String deleteParticipantsOfChat() {
    return sql("DELETE FROM participants WHERE chat_id = ?");
  }

  default String deleteChat() {
    return sql("DELETE FROM chats WHERE id = ?");
  }

  /** (id, chat_id) of existing, not deleted messages ({@link #ids}), by chat then id. */
  default String existingMessages(int count) {
    return sql("SELECT id, chat_id FROM messages WHERE id " + in(count) + " AND deleted_at IS NULL ORDER BY chat_id, id");
  }

  default String insertAudit() {
    return sql("INSERT INTO audit_log (actor_id, actor_username, action, target, details, created_at)"
      + " VALUES (?, ?, ?, ?, ?, ?)");
  }

  // ---- Search (contract v2 "Search"; db/chat/*/V6__search.sql) ---------------------------

  /** The message columns, qualified by the alias {@code m}. */
  String QUALIFIED_MESSAGE_COLUMNS = "m." + MESSAGE_COLUMNS.replace(", ", ", m.");

  /**
   * Not deleted messages of some chats matching a query, newest first (descending id), with an id
   * below a bound: parameters {@link #searchParams}.
   */
  String search();

  /**
   * The parameters of {@link #search}: the query's terms as quoted tokens of the store's match
   * syntax (user text never reaches it otherwise), the chats, the bound ({@code Long.MAX_VALUE}
   * for none) and the number of rows.
   */
  Tuple searchParams(SearchQuery query, Collection<Long> chatIds, long before, int rows);

  // ---- attachments (issue 14: AttachmentStore) -------------------------------------------

  String ATTACHMENT_COLUMNS = "id, chat_id, uploader_id, message_id, filename, content_type, size, sha256, created_at";

  /** (chat_id, uploader_id, filename, content_type, size, sha256, created_at) -> {@code id}. */
  String insertAttachment();

  /** (id, chat_id): the attachment of that chat, or nothing. */
  String attachmentOfChat();

  /** Attachments by id: parameters {@link #ids}. */
  String attachmentsOf(int count);

  /** Attachments of these messages ({@link #ids}), by message then id. */
  String attachmentsOfMessages(int count);

  /** (message_id, id): attaches an unattached upload; 1 row when it was unattached. */
  String linkAttachment();

  /** (message_id) -> {@code sha256} of each removed row: a deleted message's attachments go. */
  String deleteAttachmentsOfMessage();

  /** (chat_id) -> {@code sha256} of each removed row: a deleted chat's attachments go. */
  String deleteAttachmentsOfChat();

  /** (sha256): a row if any attachment still names those bytes. */
  String attachmentShaInUse();

  /** (created_at bound, limit): ids of unattached uploads older than the bound. */
  String unattachedBefore();

  /** (id) -> {@code sha256}: removes an unattached upload. */
  String deleteUnattached();

  /** Every SHA-256 some attachment names (the start's sweep of stored bytes). */
  String attachmentShas();

  // ---- scale-out (issue 12): several chat instances on one PostgreSQL --------------------

  /** Users of the projection by id ({@link #ids}). */
  String usersOf(int count);

  /** Which of these (chat_id, user_id) pairs ({@link #pairs}) are participants: answers chat_id, user_id. */
  String participantsAmong(int count);

  /** The parameters of {@link #participantsAmong}: each pair's chat id and user id. */
  Tuple pairs(Collection<long[]> pairs);
}
