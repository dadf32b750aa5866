package chat.chats;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What one group-commit batch writes, worked out inside its transaction from what the
 * transaction read: each send resolves to a stored message (an earlier one with the same
 * client_id), a new message (the next seq and place of its chat, the next id), or null (its chat
 * went). The same for both stores; only how the rows are read and written differs
 * ({@link MessageBatches}).
 *
 * @param outcome each send's message and the ones this batch stores
 * @param entries the {@code message} events of the new messages
 * @param advances each chat's new counters
 * @param markers each sender's read marker, moved to its newest message
 * @param links (message id, attachment id) of the uploads the new messages carry
 */
record BatchPlan(MessageWriter.Outcome outcome, List<ChatLog.Entry> entries, Map<Long, ChatStore.Advance> advances,
                 Collection<ChatStore.Marker> markers, List<long[]> links) {

  /** The batch's idempotency keys, once each, in order. */
  static Set<ClientKey> keys(List<MessageWriter.Pending> batch) {
    Set<ClientKey> keys = new LinkedHashSet<>();
    for (MessageWriter.Pending send : batch) {
      if (send.key() != null) {
        keys.add(send.key());
      }
    }
    return keys;
  }

  /** The batch's chats, once each, in order. */
  static Set<Long> chatIds(List<MessageWriter.Pending> batch) {
    Set<Long> chatIds = new LinkedHashSet<>();
    batch.forEach(send -> chatIds.add(send.chatId()));
    return chatIds;
  }

  /**
   * How many sends of the batch store a new message: not a repeated client_id, their chat still
   * exists, and their sender is not {@code refused} (no participant any more).
   */
  static int newMessages(List<MessageWriter.Pending> batch, Map<ClientKey, StoredMessage> existing,
                         Map<Long, ChatLog.Counters> counters, Set<MessageWriter.Pending> refused) {
    Set<ClientKey> seen = new HashSet<>(existing.keySet());
    int count = 0;
    for (MessageWriter.Pending send : batch) {
      ClientKey key = send.key();
      if ((key == null || seen.add(key)) && counters.containsKey(send.chatId()) && !refused.contains(send)) {
        count++;
      }
    }
    return count;
  }

  /**
   * Resolves the batch: {@code existing} are the stored messages of its client_ids, {@code counters}
   * its chats' counters (locked), {@code refused} the sends whose sender is no participant any
   * more, {@code newIds} as many ids as {@link #newMessages} counted.
   */
  static BatchPlan of(List<MessageWriter.Pending> batch, Map<ClientKey, StoredMessage> existing,
                      Map<Long, ChatLog.Counters> counters, Set<MessageWriter.Pending> refused, long[] newIds) {
    Map<ClientKey, StoredMessage> byKey = new HashMap<>(existing);
    List<StoredMessage> results = new ArrayList<>(batch.size());
    List<StoredMessage> created = new ArrayList<>(newIds.length);
    List<ChatLog.Entry> entries = new ArrayList<>(newIds.length);
    Map<Long, ChatStore.Advance> advances = new LinkedHashMap<>();
    Map<List<Long>, ChatStore.Marker> markers = new LinkedHashMap<>();
    Map<Long, JsonArray> attached = new HashMap<>();
    List<long[]> links = new ArrayList<>();
    int next = 0;
    for (MessageWriter.Pending send : batch) {
      ClientKey key = send.key();
      StoredMessage earlier = key == null ? null : byKey.get(key);
      if (earlier != null) {
        // Same (chat, sender, client_id) as a stored message or an earlier send of this batch.
        results.add(earlier);
        continue;
      }
      ChatLog.Counters chat = counters.get(send.chatId());
      if (chat == null || refused.contains(send)) {
        // The chat went (an owner deleted it) while the send waited, or the sender was removed.
        results.add(null);
        continue;
      }
      ChatStore.Advance before = advances.get(send.chatId());
      long seq = (before == null ? chat.lastSeq() : before.lastSeq()) + 1;
      long n = (before == null ? chat.messageCount() : before.messageCount()) + 1;
      StoredMessage message = new StoredMessage(newIds[next++], send.chatId(), send.senderId(), send.content(),
        send.acceptedAt(), send.clientId(), seq, n, null, null);
      created.add(message);
      results.add(message);
      if (key != null) {
        byKey.put(key, message);
      }
      if (send.attached() != null) {
        attached.put(message.id(), send.attached().views());
        send.attached().ids().forEach(id -> links.add(new long[] {message.id(), id}));
      }
      entries.add(new ChatLog.Entry(message.chatId(), seq, ChatLog.Kind.MESSAGE, message.id(), null, null,
        message.createdAt()));
      advances.put(message.chatId(), new ChatStore.Advance(
        Math.max(message.createdAt(), before == null ? 0 : before.lastActivityAt()), seq, n));
      markers.put(List.of(message.chatId(), message.senderId()), new ChatStore.Marker(message.chatId(),
        message.senderId(), message.id(), n, message.createdAt()));
    }
    return new BatchPlan(new MessageWriter.Outcome(batch, results, created, newIds, attached), entries, advances,
      markers.values(), links);
  }

  /**
   * Fails the batch (rolled back whole, as any failure) unless every upload it links was still
   * unattached: each was checked and claimed on this instance when its send was accepted, so only
   * the same upload sent at once through another instance (PostgreSQL) gets here.
   */
  static Future<Void> checkLinked(BatchPlan plan, int linked) {
    return linked == plan.links().size() ? Future.succeededFuture() : Future.failedFuture(new AttachedMeanwhile());
  }

  /** An upload of the batch was attached by another writer after its send was accepted: the batch rolled back. */
  static final class AttachedMeanwhile extends RuntimeException {
    AttachedMeanwhile() {
      super("An attachment of the batch was attached meanwhile", null, false, false);
    }
  }
}
