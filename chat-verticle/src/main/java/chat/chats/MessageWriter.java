package chat.chats;

import chat.shared.ErrorCode;
import chat.shared.ServiceError;
import chat.shared.metrics.DomainMetrics;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashSet;
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
 * <p>Each batch takes the ids of its new messages inside its transaction, after locking its chats
 * ({@link MessageIds}: counted in memory on SQLite, where this verticle is the only writer; from
 * the database's sequence on PostgreSQL), and gives them in acceptance order, so within a chat id
 * order is seq order. A failed batch rolls back whole; each of its sends is answered with what
 * the database holds, and when one bad send failed a batch of several, each is tried again alone
 * (see {@link #failed}).
 *
 * <p>Used on the verticle's event loop only; the counters may be read from anywhere.
 */
final class MessageWriter {

  private static final Logger LOG = LoggerFactory.getLogger(MessageWriter.class);
  static final int MAX_BATCH = 500;
  /**
   * How many times a send is queued again after meeting a client_id another writer stored
   * meanwhile: each time another instance committed the same key between this batch's look-up
   * and its insert, so only as many concurrent retries of one key as there are instances.
   */
  static final int MAX_CLIENT_ID_TRIES = 5;

  private final Vertx vertx;
  private final ChatEvents events;
  private final ChatStore store;
  private final Membership membership;
  private final UserDirectory users;
  private final long commitWindowMs;

  private final ArrayDeque<Pending> queue = new ArrayDeque<>();
  private final MessageBatches batches;
  private boolean scheduled;
  private long timerId = -1;
  private boolean committing;
  /** How many sends the last batch held. */
  private int lastBatchSize;
  private boolean closed;
  private Promise<Void> drained;

  private final AtomicLong batchesCommitted = new AtomicLong();
  private final AtomicLong messagesStored = new AtomicLong();
  private final AtomicLong largestBatch = new AtomicLong();

  /** A writer whose batches run statement by statement on the store's writer pool. */
  MessageWriter(Vertx vertx, ChatStore store, Membership membership, UserDirectory users, ChatEvents events,
                long commitWindowMs) {
    this(vertx, store, new MessageBatches.Pooled(store), membership, users, events, commitWindowMs);
  }

  MessageWriter(Vertx vertx, ChatStore store, MessageBatches batches, Membership membership, UserDirectory users,
                ChatEvents events, long commitWindowMs) {
    this.vertx = vertx;
    this.events = events;
    this.store = store;
    this.membership = membership;
    this.users = users;
    this.commitWindowMs = Math.max(0, commitWindowMs);
    this.batches = batches;
  }

  /**
   * A send accepted by validation and the membership check, waiting for its commit; {@code tries}
   * counts the batches it was in that failed and queued it again; {@code alone} when it must be
   * committed in a batch of its own (see {@link #failed}).
   */
  record Pending(long chatId, long senderId, String content, String clientId, long acceptedAt,
                 Promise<JsonObject> reply, int tries, Attached attached, boolean alone) {

    /** The same send, queued again. */
    Pending again() {
      return new Pending(chatId, senderId, content, clientId, acceptedAt, reply, tries + 1, attached, alone);
    }

    /** The same send, queued again, to be committed in a batch of its own. */
    Pending toCommitAlone() {
      return new Pending(chatId, senderId, content, clientId, acceptedAt, reply, tries + 1, attached, true);
    }

    /** Whether a failed batch queued it again already. */
    boolean retried() {
      return tries > 0;
    }

    ClientKey key() {
      return clientId == null ? null : new ClientKey(chatId, senderId, clientId);
    }
  }

  /** What one batch resolved to: each send's message, and the ones stored by this batch. */
  record Outcome(List<Pending> sends, List<StoredMessage> results, List<StoredMessage> created,
                 long[] ids, Map<Long, JsonArray> attached) {
  }

  /** Prepares the ids (SQLite: loads the next one); must complete before the first submit. */
  Future<Void> start() {
    return batches.start();
  }

  /** Queues a send; the future is the stored message object once its batch committed. */
  Future<JsonObject> submit(long chatId, long senderId, String content, String clientId) {
    return submit(chatId, senderId, content, clientId, List.of(), null);
  }

  /**
   * Attachments (issue 14): the same with uploads to attach (checked and claimed by
   * {@link Attachments#claim}); {@code views} are their attachment objects.
   */
  Future<JsonObject> submit(long chatId, long senderId, String content, String clientId, List<Long> attachmentIds,
                            JsonArray views) {
    if (closed) {
      return Future.failedFuture(new ServiceError(ErrorCode.UNAVAILABLE, "The chat service is stopping"));
    }
    Promise<JsonObject> reply = Promise.promise();
    queue.add(new Pending(chatId, senderId, content, clientId, System.currentTimeMillis(), reply, 0,
      attachmentIds.isEmpty() ? null : new Attached(attachmentIds, views), false));
    schedule();
    return reply.future();
  }

  /** Refuses new sends, commits what is queued and completes once nothing is pending (and the batches closed). */
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
    return drained.future().compose(v -> batches.close());
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

  /**
   * An idle writer starts after the commit window, so sends arriving meanwhile share a commit;
   * but at once while it is under load (its last batch held several sends: they queued while the
   * one before committed): sends then keep arriving, the ones that come during this commit make
   * the next batch, and a wait would only leave the core idle and add to every send's latency.
   */
  private void schedule() {
    if (committing || scheduled || queue.isEmpty()) {
      return;
    }
    scheduled = true;
    if (commitWindowMs == 0 || lastBatchSize > 1) {
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
      if (queue.peek().alone() && !batch.isEmpty()) {
        break;
      }
      Pending send = queue.poll();
      // Membership may have changed while the send waited.
      if (membership.isMember(send.chatId(), send.senderId())) {
        batch.add(send);
        if (send.alone()) {
          break;
        }
      } else {
        send.reply().fail(ServiceError.notFound("Chat"));
      }
    }
    if (batch.isEmpty()) {
      commitNext();
      return;
    }
    committing = true;
    Attempt attempt = new Attempt(batch);
    long started = System.nanoTime();
    batches.write(attempt)
      .onSuccess(outcome -> {
        DomainMetrics.commit(batch.size(), System.nanoTime() - started);
        committed(outcome);
      })
      .<Void>mapEmpty()
      .recover(err -> failed(attempt, err))
      .onComplete(ar -> {
        committing = false;
        lastBatchSize = batch.size();
        // Sends that queued during the commit have waited long enough: go at once.
        commitNext();
      });
  }

  /** After COMMIT: reply to every sender, then publish the new messages in id order. */
  private void committed(Outcome outcome) {
    batches.committed(outcome.ids());
    batchesCommitted.incrementAndGet();
    messagesStored.addAndGet(outcome.created().size());
    largestBatch.accumulateAndGet(outcome.sends().size(), Math::max);
    DomainMetrics.messagesPersisted(outcome.created().size());
    LOG.debug("Committed a batch of {} sends, {} new messages", outcome.sends().size(), outcome.created().size());
    for (int i = 0; i < outcome.sends().size(); i++) {
      StoredMessage message = outcome.results().get(i);
      if (message == null) {
        outcome.sends().get(i).reply().fail(ServiceError.notFound("Chat"));
      } else {
        outcome.sends().get(i).reply().complete(view(message, outcome));
      }
    }
    for (StoredMessage message : outcome.created()) {
      events.message(message.chatId(), view(message, outcome));
    }
  }

  /**
   * A message as this writer answers it: a new one has no reactions; one found by its client_id
   * is answered as it was first stored (its reactions and edits are in history and the feed).
   */
  private JsonObject view(StoredMessage message, Outcome outcome) {
    return Views.message(message, users.get(message.senderId()), null, outcome.attached().get(message.id()));
  }

  // ---- attachments (issue 14): a send's uploads are linked in its batch's transaction ------

  /** The uploads a send attaches (checked unattached and claimed when it was accepted), and their attachment objects. */
  record Attached(List<Long> ids, JsonArray views) {
  }

  /**
   * A batch failed. Its transaction ended in a ROLLBACK, but a failure reported at or after
   * COMMIT does not prove that nothing was stored, so before answering, the batch's new messages
   * are looked up by id on a reader connection: the ones found as written were committed and are replied and
   * published as usual; the others fail UNAVAILABLE when the storage failed (a full disk: try
   * again later). When nothing of a batch of several sends was stored and the storage did not
   * fail, one of its sends is at fault (a row the database refused): each send is queued again,
   * once, to be committed alone, so only that one fails (INTERNAL) and the others are stored.
   * When even the look-up fails, the outcome stays unknown
   * and those sends fail UNAVAILABLE saying so: a retry with the same client_id stores once.
   * The ids start again as {@link MessageBatches#failed} says.
   */
  private Future<Void> failed(Attempt attempt, Throwable err) {
    DomainMetrics.commitFailed();
    batches.failed();
    if (store.sql().isDuplicateClientId(err) && attempt.sends.stream().allMatch(s -> s.tries() < MAX_CLIENT_ID_TRIES)) {
      // Another writer stored one of the batch's client_ids after this batch looked them up (only
      // possible with several instances on PostgreSQL). The violation rolled the whole batch back
      // before COMMIT, so nothing of it is stored: once more, it finds that message and answers it.
      // A batch that meets one again (the same key retried through several instances at once)
      // goes send by send, so the sends that came with it are not held back, and each retried
      // one finds the stored message.
      boolean alone = attempt.sends.stream().anyMatch(Pending::retried);
      LOG.info("A batch of {} sends met a client_id stored meanwhile by another writer; trying it again{}",
        attempt.sends.size(), alone ? ", send by send" : "");
      for (int i = attempt.sends.size() - 1; i >= 0; i--) {
        Pending send = attempt.sends.get(i);
        queue.addFirst(alone ? send.toCommitAlone() : send.again());
      }
      return Future.succeededFuture();
    }
    if (err instanceof BatchPlan.AttachedMeanwhile && attempt.sends.stream().noneMatch(Pending::retried)) {
      return retryWithoutTakenAttachments(attempt.sends);
    }
    ServiceError cause = err instanceof ServiceError ? (ServiceError) err : null;
    ServiceError notStored = cause != null && cause.code() == ErrorCode.UNAVAILABLE
      ? cause
      : new ServiceError(ErrorCode.INTERNAL, "The message could not be stored");
    boolean isolate = notStored.code() == ErrorCode.INTERNAL && attempt.sends.size() > 1
      && attempt.sends.stream().noneMatch(Pending::retried);
    if (cause != null && cause.code() == ErrorCode.UNAVAILABLE) {
      LOG.warn("A batch of {} message sends could not be stored (the storage failed) and was rolled back",
        attempt.sends.size());
    } else if (isolate) {
      LOG.warn("A batch of {} message sends failed and was rolled back ({}); unless it was stored after all, each send is tried alone",
        attempt.sends.size(), err.toString());
    } else {
      LOG.error("A batch of {} message sends failed and was rolled back", attempt.sends.size(), err);
    }
    Outcome outcome = attempt.outcome;
    if (outcome == null || outcome.created().isEmpty()) {
      // Failed before anything was inserted: only earlier, stored messages were found.
      if (isolate) {
        queueAlone(attempt.sends);
      } else {
        answer(attempt.sends, outcome, Set.of(), notStored);
      }
      return Future.succeededFuture();
    }
    List<Long> createdIds = outcome.created().stream().map(StoredMessage::id).toList();
    return store.storedMessages(createdIds)
      .map(rows -> {
        // Stored means this very message (same chat, sender, content, time, client_id), not
        // merely a row with its id.
        Set<Long> stored = new HashSet<>();
        outcome.created().forEach(m -> {
          if (m.equals(rows.get(m.id()))) {
            stored.add(m.id());
          }
        });
        if (!stored.isEmpty()) {
          LOG.warn("{} of {} messages of the failed batch were committed after all; answering them as stored",
            stored.size(), createdIds.size());
          messagesStored.addAndGet(stored.size());
          DomainMetrics.messagesPersisted(stored.size());
        } else if (isolate) {
          queueAlone(attempt.sends);
          return (Void) null;
        }
        answer(attempt.sends, outcome, stored, notStored);
        return (Void) null;
      })
      .recover(lookupErr -> {
        LOG.warn("Could not find out whether a failed batch was stored: {}", lookupErr.toString());
        answer(attempt.sends, outcome, null, new ServiceError(ErrorCode.UNAVAILABLE,
          "The message may or may not have been stored; retry with the same client_id"));
        return Future.succeededFuture();
      });
  }

  /** Queues the sends of a failed batch again, at the head and in their order, each to be committed alone. */
  private void queueAlone(List<Pending> sends) {
    for (int i = sends.size() - 1; i >= 0; i--) {
      queue.addFirst(sends.get(i).toCommitAlone());
    }
  }

  /**
   * An upload of the batch was attached meanwhile by another writer (the same upload sent at once
   * through another chat instance). Nothing of the batch is stored; the sends whose uploads are
   * now attached (or gone) fail VALIDATION as if they had met it when accepted, the others are
   * queued again, once.
   */
  private Future<Void> retryWithoutTakenAttachments(List<Pending> sends) {
    List<Long> carried = new ArrayList<>();
    sends.forEach(send -> {
      if (send.attached() != null) {
        carried.addAll(send.attached().ids());
      }
    });
    return store.attachments().byIds(carried)
      .map(rows -> {
        int refused = 0;
        for (int i = sends.size() - 1; i >= 0; i--) {
          Pending send = sends.get(i);
          boolean taken = send.attached() != null && send.attached().ids().stream().anyMatch(id -> {
            AttachmentRow row = rows.get(id);
            return row == null || row.messageId() != null;
          });
          if (taken) {
            refused++;
            send.reply().tryFail(ServiceError.validation("attachment_ids", "an attachment is already attached to another message"));
          } else {
            queue.addFirst(send.again());
          }
        }
        LOG.info("A batch of {} sends met an upload attached meanwhile by another writer; {} refused, the rest queued again",
          sends.size(), refused);
        return (Void) null;
      })
      .recover(lookupErr -> {
        LOG.warn("Could not look up the uploads of a batch that met an attached one: {}", lookupErr.toString());
        sends.forEach(send -> send.reply().tryFail(new ServiceError(ErrorCode.UNAVAILABLE,
          "The message was not stored; retry with the same client_id")));
        return Future.succeededFuture();
      });
  }

  /**
   * Answers each send of a failed batch: a message of this batch found stored (or one stored
   * before it, for a repeated client_id) is replied and the new ones published in id order;
   * the rest fail with {@code error}. {@code stored} null means the look-up failed.
   */
  private void answer(List<Pending> sends, Outcome outcome, Set<Long> stored, ServiceError error) {
    if (outcome == null) {
      sends.forEach(send -> send.reply().tryFail(error));
      return;
    }
    Set<Long> created = new HashSet<>();
    outcome.created().forEach(m -> created.add(m.id()));
    for (int i = 0; i < sends.size(); i++) {
      StoredMessage message = outcome.results().get(i);
      if (message == null) {
        sends.get(i).reply().tryFail(ServiceError.notFound("Chat"));
        continue;
      }
      boolean isStored = !created.contains(message.id()) || (stored != null && stored.contains(message.id()));
      if (isStored) {
        sends.get(i).reply().tryComplete(view(message, outcome));
      } else {
        sends.get(i).reply().tryFail(error);
      }
    }
    if (stored != null) {
      for (StoredMessage message : outcome.created()) {
        if (stored.contains(message.id())) {
          events.message(message.chatId(), view(message, outcome));
        }
      }
    }
  }

  // ---- scale-out hook (issue 12): several instances on one PostgreSQL ----------------------

  /** With several instances on one database: checks each sender under the chats' row locks. */
  void checkSendersWith(ClusterStore senders) {
    batches.checkSendersWith(senders);
  }



  /** One batch on its way: the sends, and once the transaction planned them, what they resolve to. */
  static final class Attempt {
    final List<Pending> sends;
    /** Sends whose sender the database no longer holds as a participant (identity set), found inside the transaction. */
    final Set<Pending> refused = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
    /** Set inside the transaction (SQLite: on the writer's thread, read after it handed the batch back). */
    volatile Outcome outcome;

    Attempt(List<Pending> sends) {
      this.sends = sends;
    }
  }
}
