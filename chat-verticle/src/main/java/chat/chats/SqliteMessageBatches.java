package chat.chats;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The group commit on SQLite: each batch is one task on the writer's own thread, on its own JDBC
 * connection, with its statements prepared once and reused: {@code BEGIN IMMEDIATE}, the client_id
 * and counter reads, the inserts and updates as JDBC batches, {@code COMMIT}. One hand-over to that
 * thread and one back per batch, instead of one per statement through the pool.
 *
 * <p>This connection is a second writer of the file beside the writer pool (the other write
 * transactions): the two never wait on each other's lock inside SQLite, because every batch runs
 * through {@link ChatStore#exclusive}, in line with the pool's transactions.
 *
 * <p>Ids are counted on the writer's thread ({@code MAX(id) + 1} at start, then on from each
 * committed batch; after a failed batch read again inside the next transaction), as
 * {@link MessageIds.Counted} does. This connection does not checkpoint the WAL after its commits
 * (unless the WAL grew past {@value #WAL_CHECKPOINT_FALLBACK_PAGES} pages): a passive checkpoint
 * runs every {@value #CHECKPOINT_INTERVAL_MS} ms on another thread and connection, so a commit
 * never waits for a checkpoint's copying and syncing, and a page written by many batches is copied
 * once per checkpoint.
 *
 * <p>The keys of new messages by sender (V7's {@code client_keys} and {@code sender_messages})
 * are written one slot of senders per batch ({@link PendingKeys}), sorted; until then their
 * client_ids are known from memory. A batch's other client_ids are looked up with one statement,
 * and only those a {@link ClientKeyFilter} of every stored key may know (a retry's).
 */
final class SqliteMessageBatches implements MessageBatches {

  private static final Logger LOG = LoggerFactory.getLogger(SqliteMessageBatches.class);
  /** Between two passive checkpoints of the WAL. */
  static final long CHECKPOINT_INTERVAL_MS = 200;
  /** The writer checkpoints itself past this many WAL pages (80 MB), should the checkpoints fall behind. */
  static final int WAL_CHECKPOINT_FALLBACK_PAGES = 20_000;
  /**
   * The writer's page cache (KiB; SQLite's default is 2 MiB): the pages its batches touch (the
   * newest pages of each chat, the key tables) stay in memory instead of being read again.
   */
  static final int WRITER_CACHE_KIB = 64 * 1024;
  /** A batch's client_ids are looked up in one statement of the smallest of these sizes that fits (the rest padded). */
  static final int[] LOOKUP_SIZES = {4, 16, 64, 128, 256, MessageWriter.MAX_BATCH};

  private final Vertx vertx;
  private final ChatStore store;
  private final ChatSql sql;
  private final String writerUrl;
  private final String checkpointUrl;
  private Context context;
  private ExecutorService thread;
  private ScheduledExecutorService checkpoints;

  // Used on the writer's thread only.
  private Connection conn;
  private Statement plain;
  private PreparedStatement counters;
  private PreparedStatement insertMessage;
  private PreparedStatement insertEvent;
  private PreparedStatement advanceChat;
  private PreparedStatement moveMarker;
  private PreparedStatement linkAttachment;
  private PreparedStatement indexMessages;
  private PreparedStatement messageById;
  private PreparedStatement insertClientKey;
  private PreparedStatement insertSenderMessage;
  private PreparedStatement moveWatermark;
  /** Client-key lookups by how many keys they take ({@link #LOOKUP_SIZES}), prepared once each. */
  private final Map<Integer, PreparedStatement> clientKeys = new HashMap<>();
  private final PendingKeys pending = new PendingKeys();
  /** Every client key stored, held or written: a batch's lookup asks the database only for those it may hold. */
  private ClientKeyFilter keyFilter;
  private long watermark;
  private long nextId = -1;

  // Used on the checkpoint thread only.
  private Connection checkpointConn;

  /**
   * @param writerUrl the writer's JDBC URL (with its size cap)
   * @param checkpointUrl the file's plain JDBC URL
   */
  SqliteMessageBatches(Vertx vertx, ChatStore store, String writerUrl, String checkpointUrl) {
    this.vertx = vertx;
    this.store = store;
    this.sql = store.sql();
    this.writerUrl = writerUrl;
    this.checkpointUrl = checkpointUrl;
  }

  @Override
  public Future<Void> start() {
    context = vertx.getOrCreateContext();
    thread = Executors.newSingleThreadExecutor(r -> daemon(r, "chat-sqlite-writer"));
    checkpoints = Executors.newSingleThreadScheduledExecutor(r -> daemon(r, "chat-sqlite-checkpoint"));
    return this.<Void>onWriter(() -> {
      conn = DriverManager.getConnection(writerUrl);
      plain = conn.createStatement();
      plain.execute("PRAGMA wal_autocheckpoint = " + WAL_CHECKPOINT_FALLBACK_PAGES);
      plain.execute("PRAGMA cache_size = -" + WRITER_CACHE_KIB);
      for (int size : LOOKUP_SIZES) {
        clientKeys.put(size, conn.prepareStatement(sql.messagesByClientKey(size)));
      }
      messageById = conn.prepareStatement(sql.messagesOf(1));
      insertClientKey = conn.prepareStatement(SqliteChatSql.INSERT_CLIENT_KEY);
      insertSenderMessage = conn.prepareStatement(SqliteChatSql.INSERT_SENDER_MESSAGE);
      moveWatermark = conn.prepareStatement(SqliteChatSql.MOVE_KEYS_WATERMARK);
      counters = conn.prepareStatement(sql.lockCounters(1));
      insertMessage = conn.prepareStatement(sql.insertMessage());
      insertEvent = conn.prepareStatement(sql.insertEvent());
      advanceChat = conn.prepareStatement(sql.advanceChat());
      moveMarker = conn.prepareStatement(sql.moveMarker());
      linkAttachment = conn.prepareStatement(sql.linkAttachment());
      indexMessages = conn.prepareStatement(SqliteChatSql.INDEX_NEW_MESSAGES);
      writeKeysAboveWatermark();
      keyFilter = loadKeyFilter();
      nextId = lastId() + 1;
      return null;
    }).onSuccess(v -> checkpoints.scheduleWithFixedDelay(this::checkpoint, CHECKPOINT_INTERVAL_MS,
      CHECKPOINT_INTERVAL_MS, TimeUnit.MILLISECONDS));
  }

  @Override
  public Future<MessageWriter.Outcome> write(MessageWriter.Attempt attempt) {
    return store.exclusive(() -> onWriter(() -> write(attempt.sends, attempt)).transform(store::afterWrite));
  }

  /** On the writer's thread: the whole batch in one transaction, rolled back if anything fails. */
  private MessageWriter.Outcome write(List<MessageWriter.Pending> batch, MessageWriter.Attempt attempt)
      throws SQLException {
    plain.execute(sql.begin());
    try {
      Map<ClientKey, StoredMessage> existing = byClientKey(BatchPlan.keys(batch));
      Map<Long, ChatLog.Counters> found = counters(BatchPlan.chatIds(batch));
      int count = BatchPlan.newMessages(batch, existing, found, Set.of());
      long from = nextId > 0 ? nextId : lastId() + 1;
      long[] ids = new long[count];
      for (int i = 0; i < count; i++) {
        ids[i] = from + i;
      }
      BatchPlan plan = BatchPlan.of(batch, existing, found, Set.of(), ids);
      attempt.outcome = plan.outcome();
      insert(plan);
      long keysUpTo = writeKeys(count > 0 ? from : 0, from - 1);
      plain.execute("COMMIT");
      nextId = from + count;
      watermark = keysUpTo;
      pending.nextSlotWritten();
      for (StoredMessage m : plan.outcome().created()) {
        pending.add(new PendingKeys.Row(m.id(), m.chatId(), m.senderId(), m.clientId()));
        if (m.clientId() != null) {
          keyFilter.add(new ClientKey(m.chatId(), m.senderId(), m.clientId()));
        }
      }
      return plan.outcome();
    } catch (SQLException | RuntimeException e) {
      nextId = -1;
      try {
        plain.execute("ROLLBACK");
      } catch (SQLException rollbackFailed) {
        // "no transaction is active" when SQLite already rolled back: fine.
        LOG.debug("ROLLBACK after a failed batch: {}", rollbackFailed.toString());
      }
      throw e;
    }
  }

  /**
   * The stored messages of the batch's client_ids: those held in {@link #pending} by id, the
   * others that {@link #keyFilter} may know through client_keys in one statement (none, for a
   * batch of new client_ids but for the filter's false positives).
   */
  private Map<ClientKey, StoredMessage> byClientKey(Set<ClientKey> keys) throws SQLException {
    Map<ClientKey, StoredMessage> found = new HashMap<>();
    if (keys.isEmpty()) {
      return found;
    }
    List<ClientKey> unheld = new ArrayList<>(keys.size());
    for (ClientKey key : keys) {
      Long id = pending.messageId(key);
      if (id == null) {
        if (keyFilter.mightContain(key)) {
          unheld.add(key);
        }
        continue;
      }
      messageById.setLong(1, id);
      try (ResultSet rows = messageById.executeQuery()) {
        if (rows.next()) {
          found.put(key, message(rows));
        }
      }
    }
    for (int from = 0; from < unheld.size(); from += MessageWriter.MAX_BATCH) {
      List<ClientKey> part = unheld.subList(from, Math.min(unheld.size(), from + MessageWriter.MAX_BATCH));
      int size = lookupSize(part.size());
      PreparedStatement lookup = clientKeys.get(size);
      int i = 0;
      for (ClientKey key : part) {
        lookup.setLong(++i, key.chatId());
        lookup.setLong(++i, key.senderId());
        lookup.setString(++i, key.clientId());
      }
      // Padding: no chat has id 0.
      while (i < 3 * size) {
        lookup.setLong(++i, 0);
        lookup.setLong(++i, 0);
        lookup.setString(++i, "");
      }
      try (ResultSet rows = lookup.executeQuery()) {
        while (rows.next()) {
          StoredMessage m = message(rows);
          found.put(new ClientKey(m.chatId(), m.senderId(), m.clientId()), m);
        }
      }
    }
    return found;
  }

  static int lookupSize(int keys) {
    for (int size : LOOKUP_SIZES) {
      if (keys <= size) {
        return size;
      }
    }
    throw new IllegalArgumentException("more client_ids than a batch holds: " + keys);
  }

  /**
   * Writes the keys of one slot of {@link #pending} from memory, each table's rows in its key order
   * (each sender's pages once), and moves the watermark; answers the new watermark.
   * {@code firstNewId} is this batch's first new id (0 for none), {@code committedUpTo} the highest
   * id before this batch.
   */
  private long writeKeys(long firstNewId, long committedUpTo) throws SQLException {
    List<PendingKeys.Row> slot = new ArrayList<>(pending.nextSlot());
    if (!slot.isEmpty()) {
      slot.sort(PendingKeys.BY_SENDER);
      for (PendingKeys.Row row : slot) {
        insertSenderMessage.setLong(1, row.chatId());
        insertSenderMessage.setLong(2, row.senderId());
        insertSenderMessage.setLong(3, row.id());
        insertSenderMessage.addBatch();
      }
      insertSenderMessage.executeBatch();
      slot.sort(PendingKeys.BY_CLIENT_KEY);
      for (PendingKeys.Row row : slot) {
        if (row.clientId() != null) {
          insertClientKey.setLong(1, row.chatId());
          insertClientKey.setLong(2, row.senderId());
          insertClientKey.setString(3, row.clientId());
          insertClientKey.setLong(4, row.id());
          insertClientKey.addBatch();
        }
      }
      insertClientKey.executeBatch();
    }
    long keysUpTo = pending.watermarkAfterNextSlot(firstNewId, committedUpTo);
    if (keysUpTo != watermark) {
      moveWatermark.setLong(1, keysUpTo);
      moveWatermark.executeUpdate();
    }
    return keysUpTo;
  }

  /**
   * At start: the keys of the messages above the watermark (those held when the service stopped,
   * or messages written into the file by something else) are written at once, in one transaction.
   */
  private void writeKeysAboveWatermark() throws SQLException {
    plain.execute(sql.begin());
    try {
      try (ResultSet rows = plain.executeQuery(SqliteChatSql.KEYS_WATERMARK)) {
        watermark = rows.next() ? rows.getLong("watermark") : 0;
      }
      int written = 0;
      for (String statement : List.of(SqliteChatSql.SENDER_MESSAGES_ABOVE_WATERMARK, SqliteChatSql.CLIENT_KEYS_ABOVE_WATERMARK)) {
        try (PreparedStatement st = conn.prepareStatement(statement)) {
          st.setLong(1, watermark);
          written += st.executeUpdate();
        }
      }
      long upTo = Math.max(watermark, lastId());
      moveWatermark.setLong(1, upTo);
      moveWatermark.executeUpdate();
      plain.execute("COMMIT");
      LOG.debug("{} keys of messages above the watermark {} written at start", written, watermark);
      watermark = upTo;
    } catch (SQLException | RuntimeException e) {
      plain.execute("ROLLBACK");
      throw e;
    }
  }

  /** At start, after {@link #writeKeysAboveWatermark}: every written client key is every stored one. */
  private ClientKeyFilter loadKeyFilter() throws SQLException {
    long count;
    try (ResultSet rows = plain.executeQuery(SqliteChatSql.CLIENT_KEY_COUNT)) {
      rows.next();
      count = rows.getLong("n");
    }
    ClientKeyFilter filter = new ClientKeyFilter(count);
    try (ResultSet rows = plain.executeQuery(SqliteChatSql.ALL_CLIENT_KEYS)) {
      while (rows.next()) {
        filter.add(new ClientKey(rows.getLong(1), rows.getLong(2), rows.getString(3)));
      }
    }
    LOG.debug("{} client keys loaded into the writer's filter", count);
    return filter;
  }

  private Map<Long, ChatLog.Counters> counters(Set<Long> chatIds) throws SQLException {
    Map<Long, ChatLog.Counters> found = new HashMap<>();
    for (Long chatId : chatIds) {
      counters.setLong(1, chatId);
      try (ResultSet rows = counters.executeQuery()) {
        while (rows.next()) {
          found.put(rows.getLong("id"), new ChatLog.Counters(rows.getLong("last_seq"), rows.getLong("message_count")));
        }
      }
    }
    return found;
  }

  private void insert(BatchPlan plan) throws SQLException {
    List<StoredMessage> created = plan.outcome().created();
    if (created.isEmpty()) {
      return;
    }
    for (StoredMessage m : created) {
      insertMessage.setLong(1, m.id());
      insertMessage.setLong(2, m.chatId());
      insertMessage.setLong(3, m.senderId());
      insertMessage.setString(4, m.content());
      insertMessage.setLong(5, m.createdAt());
      setString(insertMessage, 6, m.clientId());
      insertMessage.setLong(7, m.seq());
      insertMessage.setLong(8, m.n());
      insertMessage.addBatch();
    }
    insertMessage.executeBatch();
    // The search index of the new messages: one statement for the whole batch (FTS5 flushes its
    // pending terms at every statement's end, so one INSERT per message costs several times more).
    indexMessages.setLong(1, created.get(0).id());
    indexMessages.setLong(2, created.get(created.size() - 1).id());
    indexMessages.executeUpdate();
    int linked = 0;
    for (long[] link : plan.links()) {
      linkAttachment.setLong(1, link[0]);
      linkAttachment.setLong(2, link[1]);
      linked += linkAttachment.executeUpdate();
    }
    if (linked != plan.links().size()) {
      throw new BatchPlan.AttachedMeanwhile();
    }
    for (ChatLog.Entry e : plan.entries()) {
      insertEvent.setLong(1, e.chatId());
      insertEvent.setLong(2, e.seq());
      insertEvent.setInt(3, e.kind().code);
      setLong(insertEvent, 4, e.messageId());
      setLong(insertEvent, 5, e.userId());
      setString(insertEvent, 6, e.name());
      insertEvent.setLong(7, e.createdAt());
      insertEvent.addBatch();
    }
    insertEvent.executeBatch();
    for (Map.Entry<Long, ChatStore.Advance> a : plan.advances().entrySet()) {
      advanceChat.setLong(1, a.getValue().lastActivityAt());
      advanceChat.setLong(2, a.getValue().lastSeq());
      advanceChat.setLong(3, a.getValue().messageCount());
      advanceChat.setLong(4, a.getKey());
      advanceChat.addBatch();
    }
    advanceChat.executeBatch();
    for (ChatStore.Marker m : plan.markers()) {
      moveMarker.setLong(1, m.messageId());
      moveMarker.setLong(2, m.n());
      moveMarker.setLong(3, m.at());
      moveMarker.setLong(4, m.chatId());
      moveMarker.setLong(5, m.userId());
      moveMarker.setLong(6, m.messageId());
      moveMarker.addBatch();
    }
    moveMarker.executeBatch();
  }

  private long lastId() throws SQLException {
    try (ResultSet rows = plain.executeQuery(SqliteChatSql.LAST_MESSAGE_ID)) {
      rows.next();
      return rows.getLong("last_id");
    }
  }

  /** Ids are counted on the writer's thread. */
  @Override
  public void committed(long[] ids) {
  }

  @Override
  public void failed() {
  }

  /** Closes the connections and stops both threads (after the last batch). */
  @Override
  public Future<Void> close() {
    if (thread == null) {
      return Future.succeededFuture();
    }
    checkpoints.shutdown();
    Future<Void> closed = this.<Void>onWriter(() -> {
      if (conn != null) {
        conn.close();
      }
      return null;
    });
    return closed.eventually(() -> vertx.executeBlocking(() -> {
      thread.shutdown();
      checkpoints.awaitTermination(10, TimeUnit.SECONDS);
      if (checkpointConn != null) {
        checkpointConn.close();
      }
      return null;
    })).mapEmpty();
  }

  /** On the checkpoint thread: copies what it can of the WAL into the file without blocking anyone. */
  private void checkpoint() {
    try {
      if (checkpointConn == null) {
        checkpointConn = DriverManager.getConnection(checkpointUrl);
      }
      try (Statement st = checkpointConn.createStatement(); ResultSet rows = st.executeQuery("PRAGMA wal_checkpoint(PASSIVE)")) {
        rows.next();
      }
    } catch (SQLException | RuntimeException e) {
      // Kept going: a failure here (a full disk) must not stop the next checkpoints.
      LOG.debug("A passive WAL checkpoint failed: {}", e.toString());
    }
  }

  /** Runs {@code work} on the writer's thread; the future completes on the verticle's context. */
  private <T> Future<T> onWriter(Callable<T> work) {
    Promise<T> done = Promise.promise();
    try {
      thread.execute(() -> {
        T result;
        try {
          result = work.call();
        } catch (Throwable e) {
          context.runOnContext(v -> done.fail(e));
          return;
        }
        context.runOnContext(v -> done.complete(result));
      });
    } catch (RejectedExecutionException e) {
      done.fail(e);
    }
    return done.future();
  }

  private static void setString(PreparedStatement st, int i, String value) throws SQLException {
    if (value == null) {
      st.setNull(i, Types.VARCHAR);
    } else {
      st.setString(i, value);
    }
  }

  private static void setLong(PreparedStatement st, int i, Long value) throws SQLException {
    if (value == null) {
      st.setNull(i, Types.INTEGER);
    } else {
      st.setLong(i, value);
    }
  }

  private static StoredMessage message(ResultSet row) throws SQLException {
    return new StoredMessage(row.getLong("id"), row.getLong("chat_id"), row.getLong("sender_id"),
      row.getString("content"), row.getLong("created_at"), row.getString("client_id"),
      row.getLong("seq"), row.getLong("n"), nullableLong(row, "edited_at"), nullableLong(row, "deleted_at"));
  }

  private static Long nullableLong(ResultSet row, String column) throws SQLException {
    long value = row.getLong(column);
    return row.wasNull() ? null : value;
  }

  private static Thread daemon(Runnable r, String name) {
    Thread t = new Thread(r, name);
    t.setDaemon(true);
    return t;
  }
}
