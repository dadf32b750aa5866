package chat.chats;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The SQLite group commit's newest messages whose keys (V7's {@code client_keys} and
 * {@code sender_messages}) are not written yet: held here, in slots by sender, and written one
 * slot per batch (in each table's key order), so that each sender's pages of those tables
 * are written once for many messages instead of once per message. Used on the writer's thread
 * only.
 *
 * <p>A client_id is looked up here before the database. What is held here is never lost: at
 * start, the writer writes the keys of every message above the watermark (the ones held when it
 * stopped) before its first batch.
 */
final class PendingKeys {

  /** One message's keys. */
  record Row(long id, long chatId, long senderId, String clientId) {
  }

  /** sender_messages' key order. */
  static final Comparator<Row> BY_SENDER = Comparator.comparingLong(Row::senderId).thenComparingLong(Row::id);
  /** client_keys' key order (rows without a client_id last; they have no client key). */
  static final Comparator<Row> BY_CLIENT_KEY = Comparator.comparingLong(Row::chatId).thenComparingLong(Row::senderId)
    .thenComparing(Row::clientId, Comparator.nullsLast(Comparator.naturalOrder()));

  /** Slots a sender's messages are spread over (by sender id): a message's keys are written within this many batches. */
  static final int SLOTS = 256;

  private final List<List<Row>> slots = new ArrayList<>(SLOTS);
  private final Map<ClientKey, Long> byKey = new HashMap<>();
  private int next;

  PendingKeys() {
    for (int i = 0; i < SLOTS; i++) {
      slots.add(new ArrayList<>());
    }
  }

  /** A message stored (committed), in ascending id order. */
  void add(Row row) {
    slots.get(Math.floorMod(Long.hashCode(row.senderId()), SLOTS)).add(row);
    if (row.clientId() != null) {
      byKey.put(new ClientKey(row.chatId(), row.senderId(), row.clientId()), row.id());
    }
  }

  /** The id of the held message with this key, or null. */
  Long messageId(ClientKey key) {
    return byKey.get(key);
  }

  /** The rows of the slot the next batch writes, by id. */
  List<Row> nextSlot() {
    return Collections.unmodifiableList(slots.get(next));
  }

  /** The slot of {@link #nextSlot} was written and committed: its rows go, the next slot's turn comes. */
  void nextSlotWritten() {
    for (Row row : slots.get(next)) {
      if (row.clientId() != null) {
        byKey.remove(new ClientKey(row.chatId(), row.senderId(), row.clientId()), row.id());
      }
    }
    slots.get(next).clear();
    next = (next + 1) % SLOTS;
  }

  /**
   * The watermark once the next slot is written and {@code firstNewId} (0 for none) and later are
   * held: every message up to it has its keys written. {@code committedUpTo} is the highest id
   * committed before.
   */
  long watermarkAfterNextSlot(long firstNewId, long committedUpTo) {
    long lowest = firstNewId > 0 ? firstNewId : Long.MAX_VALUE;
    for (int i = 0; i < SLOTS; i++) {
      List<Row> slot = slots.get(i);
      if (i != next && !slot.isEmpty()) {
        lowest = Math.min(lowest, slot.get(0).id());
      }
    }
    return lowest == Long.MAX_VALUE ? committedUpTo : lowest - 1;
  }

  int size() {
    int n = 0;
    for (List<Row> slot : slots) {
      n += slot.size();
    }
    return n;
  }
}
