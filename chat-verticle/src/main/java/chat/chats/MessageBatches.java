package chat.chats;

import io.vertx.core.Future;
import io.vertx.sqlclient.SqlConnection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * How {@link MessageWriter} writes one batch in one transaction: read the stored messages of its
 * client_ids and its chats' counters (locked), take the new ids, resolve the batch
 * ({@link BatchPlan}) and store it; the future completes after COMMIT, on the writer's event loop.
 * Once the batch is resolved, {@link MessageWriter.Attempt#outcome} holds it, so that a failure at
 * or after COMMIT can be answered with what the database holds.
 *
 * <p>{@link Pooled} runs the statements one by one on the writer pool (PostgreSQL; any store),
 * each kind of row in one statement as the store writes many rows ({@link ChatSql.Rows}: on
 * PostgreSQL one execution over arrays, so a batch takes as many executions whatever its size);
 * {@link SqliteMessageBatches} runs the whole batch at once on its own connection and thread.
 */
interface MessageBatches {

  /** Before the first batch (SQLite: loads the next id). */
  Future<Void> start();

  /** Writes the batch in one transaction; rolled back whole if anything fails. */
  Future<MessageWriter.Outcome> write(MessageWriter.Attempt attempt);

  /** The batch that took {@code ids} committed. */
  void committed(long[] ids);

  /** A batch failed and was rolled back. */
  void failed();

  /**
   * With several instances on one database: after locking the batch's chats, checks that each
   * sender is still a participant ({@link MessageWriter.Attempt#refused} otherwise). Only the
   * pooled batches of PostgreSQL are ever asked; SQLite has one instance.
   */
  default void checkSendersWith(ClusterStore senders) {
    throw new UnsupportedOperationException("one instance only");
  }

  /** After the last batch. */
  default Future<Void> close() {
    return Future.succeededFuture();
  }

  /** The statements one by one, through {@link ChatStore#inTransaction}, with the store's {@link MessageIds}. */
  final class Pooled implements MessageBatches {
    private final ChatStore store;
    private final MessageIds ids;
    private ClusterStore senders;

    Pooled(ChatStore store) {
      this.store = store;
      this.ids = store.messageIds();
    }

    @Override
    public Future<Void> start() {
      return ids.start();
    }

    @Override
    public void checkSendersWith(ClusterStore senders) {
      this.senders = senders;
    }

    @Override
    public Future<MessageWriter.Outcome> write(MessageWriter.Attempt attempt) {
      return store.inTransaction(tx -> write(tx, attempt));
    }

    /**
     * Inside the transaction: resolves client_id duplicates, locks the batch's chats and reads their
     * counters, takes the ids of the new messages, inserts the messages and their {@code message}
     * events, advances the chats' counters and moves each sender's read marker to its newest message.
     */
    private Future<MessageWriter.Outcome> write(SqlConnection tx, MessageWriter.Attempt attempt) {
      var batch = attempt.sends;
      return store.messagesByClientKey(tx, BatchPlan.keys(batch))
        .compose(existing -> counters(tx, attempt).compose(counters ->
          ids.take(tx, BatchPlan.newMessages(batch, existing, counters, attempt.refused)).compose(newIds -> {
            BatchPlan plan = BatchPlan.of(batch, existing, counters, attempt.refused, newIds);
            attempt.outcome = plan.outcome();
            return store.insertMessages(tx, plan.outcome().created())
              .compose(v -> store.attachments().link(tx, plan.links()))
              .compose(linked -> BatchPlan.checkLinked(plan, linked))
              .compose(v -> store.log().insert(tx, plan.entries()))
              .compose(v -> store.advanceChats(tx, plan.advances()))
              .compose(v -> store.moveMarkers(tx, plan.markers()))
              .map(v -> plan.outcome());
          })));
    }

    /**
     * Locks the chats and reads their counters; with {@link #checkSendersWith}, then finds the
     * senders that are no participant any more (removed on another instance while the send
     * waited: its cache still said yes) and refuses their sends, as for a chat gone.
     */
    private Future<Map<Long, ChatLog.Counters>> counters(SqlConnection tx, MessageWriter.Attempt attempt) {
      Future<Map<Long, ChatLog.Counters>> locked = store.log().counters(tx, BatchPlan.chatIds(attempt.sends));
      if (senders == null) {
        return locked;
      }
      Map<List<Long>, long[]> pairs = new LinkedHashMap<>();
      attempt.sends.forEach(send -> pairs.putIfAbsent(List.of(send.chatId(), send.senderId()),
        new long[] {send.chatId(), send.senderId()}));
      return locked.compose(counters -> senders.participantsAmong(tx, pairs.values()).map(found -> {
        attempt.refused.clear();
        attempt.sends.stream().filter(send -> !found.contains(List.of(send.chatId(), send.senderId())))
          .forEach(attempt.refused::add);
        return counters;
      }));
    }

    @Override
    public void committed(long[] newIds) {
      ids.committed(newIds);
    }

    @Override
    public void failed() {
      ids.failed();
    }
  }
}
