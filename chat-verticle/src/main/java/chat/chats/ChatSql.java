package chat.chats;

import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import java.util.Collection;

/**
 * Every SQL statement of the chat service, one implementation per store: {@link SqliteChatSql}
 * and {@link PostgresChatSql}. The stores above ({@link ChatStore}, {@link AdminStore},
 * {@link ReadStore}, {@link MessageChangeStore}, {@link ChatLog}) bind the same parameters in the
 * same order on both, and read the same column names; what differs between the stores (the
 * placeholders, list parameters, locking, the ids of new messages, which failures are the
 * storage's) is decided here and nowhere else.
 *
 * <p>Locking: a SQLite write transaction holds the database's single write lock from its
 * {@code BEGIN IMMEDIATE}, so {@link #lockChats} and the locking reads are plain reads there. On
 * PostgreSQL they take row locks ({@code FOR NO KEY UPDATE}, the lock an UPDATE of the counters
 * takes anyway): every write transaction that changes a chat's log locks that chat's row first, the
 * chats of a batch in ascending id order, so transactions of one chat queue in commit order and
 * never deadlock with each other.
 */
interface ChatSql {

  String USER_COLUMNS = "id, username, email, user_type, date_joined, is_active";
  String CHAT_COLUMNS = "c.id, c.name, c.created_by, c.created_at, c.last_activity_at, c.last_seq";
  String MESSAGE_COLUMNS = "id, chat_id, sender_id, content, created_at, client_id, seq, n, edited_at, deleted_at";
  String EVENT_COLUMNS = "chat_id, seq, kind, message_id, user_id, name, created_at";

  /** The parameters of a statement taking a list of ids ({@code ...Of(n)} statements). */
  Tuple ids(Collection<Long> ids);

  /** Whether the failure (or a cause of it) comes from the storage, not from the statement: worth a retry. */
  boolean isStorageFailure(Throwable err);

  /** Whether the failure is the unique key of (chat_id, sender_id, client_id): another writer stored that send. */
  boolean isDuplicateClientId(Throwable err);

  /** Where the group commit's new message ids come from. */
  MessageIds messageIds(Pool reader);

  // ---- ChatStore ------------------------------------------------------------------------

  /** Starts a write transaction. */
  String begin();

  /** Stores {@code $1} bytes in write_probe. */
  String probeInsert();

  String probeDelete();

  String allUsers();

  /** Every (chat_id, user_id), each chat's participants in the order they joined. */
  String allParticipants();

  /** Messages by id: parameters {@link #ids}. */
  String messagesOf(int count);

  /** One chat by id (no lock). */
  String chat();

  /** Locks these chats (parameters {@link #ids}), in ascending id order; answers their ids. */
  String lockChats(int count);

  String newest();

  String before();

  String after();

  String upsertUser();

  /** Inserts a chat, answers its {@code id}. */
  String insertChat();

  /** (chat_id, user_id, added_at); an existing participant is left alone. */
  String insertParticipant();

  /** (chat_id, user_id, added_at, chat_id): adds with the feed start and marker; nothing when a participant already. */
  String addParticipant();

  String renameChat();

  String removeParticipant();

  /** Messages by (chat_id, sender_id, client_id). */
  String messagesByClientKey(int count);

  Tuple clientKeys(Collection<ClientKey> keys);

  String insertMessage();

  /** (deleted_at, id). */
  String deleteMessage();

  String deleteReactionsOf();

  /** (last_activity_at, last_seq, message_count, id); last activity only moves forward. */
  String advanceChat();

  /** (message id, n, at, chat_id, user_id, message id). */
  String moveMarker();

  /** Reactions of messages, parameters {@link #ids}, by message then id. */
  String reactionsOf(int count);

  // ---- ChatLog --------------------------------------------------------------------------

  /** Takes the chat's next seq: answers {@code last_seq}. */
  String nextSeq();

  /** The counters of chats ({@link #ids}), locked for the batch that advances them. */
  String lockCounters(int count);

  String insertEvent();

  String feedStart();

  String events();

  // ---- ReadStore ------------------------------------------------------------------------

  String chatsOf();

  String chatOf();

  String position();

  String marker();

  String receipts();

  /** (chat_id, user_id): locks the participant's row (its marker) for the transaction. */
  String lockParticipant();

  // ---- MessageChangeStore ---------------------------------------------------------------

  String messageWithCreator();

  String editMessage();

  /** (emoji, emoji, user_id, message_id): distinct_emoji, used, mine. */
  String emojiState();

  /** Adds a reaction; nothing when it exists. */
  String addReaction();

  /** Removes one and answers its id as {@code r}. */
  String removeReaction();

  /** (removed id, message_id, emoji, removed id): the emoji's earliest remaining row takes the removed id when that was earlier. */
  String moveReactionId();

  // ---- AdminStore -----------------------------------------------------------------------

  String countChats();

  String pageChats();

  String messageCount();

  String countMessages(AdminStore.MessageFilter filter);

  String pageMessages(AdminStore.MessageFilter filter);

  String countAudit();

  String newestAudit();

  /** The chat inside an administration's transaction, locked (it may be deleted). */
  String lockChat();

  String deleteMessagesOfChat();

  String deleteParticipantsOfChat();

  String deleteChat();

  /** (id, chat_id) of existing, not deleted messages ({@link #ids}), by chat then id. */
  String existingMessages(int count);

  String insertAudit();

  // ---- scale-out (issue 12): several chat instances on one PostgreSQL --------------------

  /** Users of the projection by id ({@link #ids}). */
  String usersOf(int count);

  /** Which of these (chat_id, user_id) pairs ({@link #pairs}) are participants: answers chat_id, user_id. */
  String participantsAmong(int count);

  /** The parameters of {@link #participantsAmong}: each pair's chat id and user id. */
  Tuple pairs(Collection<long[]> pairs);
}
