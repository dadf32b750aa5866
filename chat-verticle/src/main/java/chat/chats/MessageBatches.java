package chat.chats;

import io.vertx.core.Future;
import io.vertx.sqlclient.SqlConnection;

/**
 * How {@link MessageWriter} writes one batch in one transaction: read the stored messages of its
 * client_ids and its chats' counters (locked), take the new ids, resolve the batch
 * ({@link BatchPlan}) and store it; the future completes after COMMIT, on the writer's event loop.
 * Once the batch is resolved, {@link MessageWriter.Attempt#outcome} holds it, so that a failure at
 * or after COMMIT can be answered with what the database holds.
 *
 * <p>{@link Pooled} runs the statements one by one on the writer pool (PostgreSQL; any store);
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

  /** After the last batch. */
  default Future<Void> close() {
    return Future.succeededFuture();
  }

  /** The statements one by one, through {@link ChatStore#inTransaction}, with the store's {@link MessageIds}. */
  final class Pooled implements MessageBatches {
    private final ChatStore store;
    private final MessageIds ids;

    Pooled(ChatStore store) {
      this.store = store;
      this.ids = store.messageIds();
    }

    @Override
    public Future<Void> start() {
      return ids.start();
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
        .compose(existing -> store.log().counters(tx, BatchPlan.chatIds(batch)).compose(counters ->
          ids.take(tx, BatchPlan.newMessages(batch, existing, counters)).compose(newIds -> {
            BatchPlan plan = BatchPlan.of(batch, existing, counters, newIds);
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
