package chat.chats;

import com.google.common.hash.BloomFilter;
import com.google.common.hash.Funnel;
import com.google.common.hash.PrimitiveSink;
import java.util.ArrayList;
import java.util.List;

/**
 * Which client keys may have a stored message, for the SQLite group commit: a send's client_id is
 * looked up in the database only when this says "maybe". A retry is rare, so nearly every lookup
 * would find nothing; a Bloom filter answers those from memory. A key added is always "maybe"; a
 * key never added is "no", but for about {@value #FALSE_POSITIVES} of them (which the database
 * lookup then answers, so a false "maybe" costs a lookup, never a duplicate).
 *
 * <p>It grows without rebuilding: when the newest filter holds as many keys as it was made for, a
 * new one with twice the room starts, and a key is "maybe" when any of them says so. Keys of
 * deleted messages stay "maybe" (a filter forgets nothing): a lookup then finds nothing, as it
 * should. Used on the writer's thread only.
 */
final class ClientKeyFilter {

  /** The share of keys never added that a filter still calls "maybe". */
  static final double FALSE_POSITIVES = 0.005;
  /** The smallest filter: about 1.4 MB at that share of false positives. */
  static final long MIN_KEYS = 1 << 20;

  private final List<BloomFilter<ClientKey>> filters = new ArrayList<>();
  private long room;
  private long inNewest;

  /** A filter with room for at least twice {@code expected} keys before its first growth. */
  ClientKeyFilter(long expected) {
    grow(Math.max(MIN_KEYS, 2 * expected));
  }

  void add(ClientKey key) {
    if (inNewest >= room) {
      grow(2 * room);
    }
    filters.get(filters.size() - 1).put(key);
    inNewest++;
  }

  /** False: no message was ever stored under this key. True: there may be one. */
  boolean mightContain(ClientKey key) {
    for (BloomFilter<ClientKey> filter : filters) {
      if (filter.mightContain(key)) {
        return true;
      }
    }
    return false;
  }

  /** How many filters the keys are spread over (one until the first growth). */
  int filters() {
    return filters.size();
  }

  private void grow(long keys) {
    filters.add(BloomFilter.create(KeyFunnel.INSTANCE, keys, FALSE_POSITIVES));
    room = keys;
    inNewest = 0;
  }

  /** The key's three parts as the filter hashes them. */
  private enum KeyFunnel implements Funnel<ClientKey> {
    INSTANCE;

    @Override
    public void funnel(ClientKey key, PrimitiveSink into) {
      // The chars as they are (no UTF-8 encoding): a key is only ever compared with keys hashed alike.
      into.putLong(key.chatId()).putLong(key.senderId()).putUnencodedChars(key.clientId());
    }
  }
}
