package chat.chats;

import chat.shared.ErrorCode;
import chat.shared.ServiceError;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.SqlConnection;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Group commit of message sends. Accepted sends queue up; the writer takes everything queued
 * (up to {@value #MAX_BATCH}) into one write transaction, and only after COMMIT replies to each
 * sender and publishes the new messages in ascending id order. While a batch commits, new sends
 * queue for the next one; an idle writer waits at most the commit window before starting.
 *
 * <p>Message ids are assigned here, in acceptance order: this verticle is the only writer of its
 * database, so the next id is known ({@code MAX(id) + 1} at start). A failed batch rolls back
 * whole; its sends fail INTERNAL and the next id is read again from the database.
 *
 * <p>Used on the verticle's event loop only; the counters may be read from anywhere.
 */
final class MessageWriter {

  private static final Logger LOG = LoggerFactory.getLogger(MessageWriter.class);
  static final int MAX_BATCH = 500;

  private final Vertx vertx;
  private final ChatEvents events;
  private final ChatStore store;
  private final Membership membership;
  private final UserDirectory users;
  private final long commitWindowMs;

  private final ArrayDeque<Pending> queue = new ArrayDeque<>();
  private long nextId = -1;
  private boolean scheduled;
  private long timerId = -1;
  private boolean committing;
  private boolean closed;
  private Promise<Void> drained;

  private final AtomicLong batchesCommitted = new AtomicLong();
  private final AtomicLong messagesStored = new AtomicLong();
  private final AtomicLong largestBatch = new AtomicLong();

  MessageWriter(Vertx vertx, ChatStore store, Membership membership, UserDirectory users, ChatEvents events,
                long commitWindowMs) {
    this.vertx = vertx;
    this.events = events;
    this.store = store;
    this.membership = membership;
    this.users = users;
    this.commitWindowMs = Math.max(0, commitWindowMs);
  }

  /** A send accepted by validation and the membership check, waiting for its commit. */
  private record Pending(long chatId, long senderId, String content, String clientId, long acceptedAt,
                         Promise<JsonObject> reply) {

    ClientKey key() {
      return clientId == null ? null : new ClientKey(chatId, senderId, clientId);
    }
  }

  /** What one batch resolved to: each send's message, and the ones stored by this batch. */
  private record Outcome(List<Pending> sends, List<StoredMessage> results, List<StoredMessage> created,
                         long nextId) {
  }

  /** Loads the next id; must complete before the first submit. */
  Future<Void> start() {
    return store.lastMessageId().map(last -> {
      nextId = last + 1;
      return null;
    });
  }

  /** Queues a send; the future is the stored message object once its batch committed. */
  Future<JsonObject> submit(long chatId, long senderId, String content, String clientId) {
    if (closed) {
      return Future.failedFuture(new ServiceError(ErrorCode.UNAVAILABLE, "The chat service is stopping"));
    }
    Promise<JsonObject> reply = Promise.promise();
    queue.add(new Pending(chatId, senderId, content, clientId, System.currentTimeMillis(), reply));
    schedule();
    return reply.future();
  }

  /** Refuses new sends, commits what is queued and completes once nothing is pending. */
  Future<Void> close() {
    closed = true;
    if (drained == null) {
      drained = Promise.promise();
    }
    if (scheduled && timerId >= 0) {
      vertx.cancelTimer(timerId);
      scheduled = false;
      timerId = -1;
    }
    commitNext();
    return drained.future();
  }

  long batchesCommitted() {
    return batchesCommitted.get();
  }

  long messagesStored() {
    return messagesStored.get();
  }

  long largestBatch() {
    return largestBatch.get();
  }

  // ---- scheduling ----------------------------------------------------------------------

  /** An idle writer starts after the commit window, so sends arriving meanwhile share a commit. */
  private void schedule() {
    if (committing || scheduled || queue.isEmpty()) {
      return;
    }
    scheduled = true;
    if (commitWindowMs == 0) {
      vertx.runOnContext(v -> {
        scheduled = false;
        commitNext();
      });
    } else {
      timerId = vertx.setTimer(commitWindowMs, id -> {
        scheduled = false;
        timerId = -1;
        commitNext();
      });
    }
  }

  private void commitNext() {
    if (committing) {
      return;
    }
    if (queue.isEmpty()) {
      if (drained != null) {
        drained.tryComplete();
      }
      return;
    }
    List<Pending> batch = new ArrayList<>(Math.min(queue.size(), MAX_BATCH));
    while (!queue.isEmpty() && batch.size() < MAX_BATCH) {
      Pending send = queue.poll();
      // Membership may have changed while the send waited.
      if (membership.isMember(send.chatId(), send.senderId())) {
        batch.add(send);
      } else {
        send.reply().fail(ServiceError.notFound("Chat"));
      }
    }
    if (batch.isEmpty()) {
      commitNext();
      return;
    }
    committing = true;
    long firstId = nextId;
    store.inTransaction(tx -> write(tx, batch, firstId))
      .onSuccess(this::committed)
      .<Void>mapEmpty()
      .recover(err -> failed(batch, firstId, err))
      .onComplete(ar -> {
        committing = false;
        // Sends that queued during the commit have waited long enough: go at once.
        commitNext();
      });
  }

  // ---- one batch ----------------------------------------------------------------------

  /** Inside the transaction: resolves client_id duplicates, inserts the new messages, touches chats. */
  private Future<Outcome> write(SqlConnection tx, List<Pending> batch, long firstId) {
    Set<ClientKey> keys = new LinkedHashSet<>();
    for (Pending send : batch) {
      if (send.key() != null) {
        keys.add(send.key());
      }
    }
    return store.messagesByClientKey(tx, keys).compose(existing -> {
      Map<ClientKey, StoredMessage> byKey = new HashMap<>(existing);
      List<StoredMessage> results = new ArrayList<>(batch.size());
      List<StoredMessage> created = new ArrayList<>();
      Map<Long, Long> lastActivity = new LinkedHashMap<>();
      long id = firstId;
      for (Pending send : batch) {
        ClientKey key = send.key();
        StoredMessage earlier = key == null ? null : byKey.get(key);
        if (earlier != null) {
          // Same (chat, sender, client_id) as a stored message or an earlier send of this batch.
          results.add(earlier);
          continue;
        }
        StoredMessage message = new StoredMessage(id++, send.chatId(), send.senderId(), send.content(),
          send.acceptedAt(), send.clientId());
        created.add(message);
        results.add(message);
        if (key != null) {
          byKey.put(key, message);
        }
        lastActivity.merge(message.chatId(), message.createdAt(), Math::max);
      }
      long next = id;
      return store.insertMessages(tx, created)
        .compose(v -> store.touchChats(tx, lastActivity))
        .map(v -> new Outcome(batch, results, created, next));
    });
  }

  /** After COMMIT: reply to every sender, then publish the new messages in id order. */
  private void committed(Outcome outcome) {
    nextId = outcome.nextId();
    batchesCommitted.incrementAndGet();
    messagesStored.addAndGet(outcome.created().size());
    largestBatch.accumulateAndGet(outcome.sends().size(), Math::max);
    LOG.debug("Committed a batch of {} sends, {} new messages", outcome.sends().size(), outcome.created().size());
    for (int i = 0; i < outcome.sends().size(); i++) {
      StoredMessage message = outcome.results().get(i);
      outcome.sends().get(i).reply().complete(Views.message(message, users.get(message.senderId())));
    }
    for (StoredMessage message : outcome.created()) {
      events.message(message.chatId(), Views.message(message, users.get(message.senderId())));
    }
  }

  /**
   * A failed batch was rolled back whole: its sends fail INTERNAL and the next id is read again
   * from the database (falling back to the batch's first id, which the rollback freed).
   */
  private Future<Void> failed(List<Pending> batch, long firstId, Throwable err) {
    LOG.error("A batch of {} message sends failed and was rolled back", batch.size(), err);
    ServiceError error = new ServiceError(ErrorCode.INTERNAL, "The message could not be stored");
    batch.forEach(send -> send.reply().tryFail(error));
    return store.lastMessageId()
      .map(last -> {
        nextId = last + 1;
        return (Void) null;
      })
      .recover(readErr -> {
        LOG.error("Could not read the last message id again, assuming the rollback", readErr);
        nextId = firstId;
        return Future.succeededFuture();
      });
  }
}
