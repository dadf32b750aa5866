package chat.shared;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * Token buckets by key (a user, a client address): the one rate limiter of the services. A
 * bucket holds up to {@code capacity} tokens and refills evenly; a new key starts full, and a
 * key is stored only once something was taken from it. A capacity or refill of 0 means
 * unlimited. At most {@code maxKeys} keys are kept (least recently used dropped first), and
 * {@link #evictFull} drops the ones that filled up again.
 *
 * <p>Not thread-safe: each user keeps it on one context (the chat verticle's event loop) or
 * behind its own lock (the auth service's {@code LoginLimits}).
 */
public final class TokenBuckets {

  private static final class Bucket {
    double level;
    long at;
  }

  private final double fullCapacity;
  private final double fullRefillPerMilli;
  private double capacity;
  private double refillPerMilli;
  private final LongSupplier clock;
  private final Map<String, Bucket> buckets;

  /**
   * @param capacity tokens a full bucket holds (the burst)
   * @param refillPerSecond tokens added back per second
   * @param maxKeys keys kept at most
   * @param clock milliseconds, {@code System::currentTimeMillis} outside tests
   */
  public TokenBuckets(double capacity, double refillPerSecond, int maxKeys, LongSupplier clock) {
    this.fullCapacity = capacity;
    this.fullRefillPerMilli = refillPerSecond / 1000.0;
    this.capacity = capacity;
    this.refillPerMilli = fullRefillPerMilli;
    this.clock = clock;
    this.buckets = new LinkedHashMap<>(64, 0.75f, true) {
      @Override
      protected boolean removeEldestEntry(Map.Entry<String, Bucket> eldest) {
        return size() > maxKeys;
      }
    };
  }

  /**
   * Keeps {@code 1/parts} of the configured capacity and refill from now on (at least one token
   * of capacity): the share of one of {@code parts} instances that together hold one budget per
   * key, each seeing about the same part of a key's takes (the chat service's instances on
   * PostgreSQL, which the event bus hands requests round-robin). 1 restores the whole.
   */
  public void share(int parts) {
    int n = Math.max(1, parts);
    capacity = fullCapacity <= 0 ? fullCapacity : Math.max(1.0, fullCapacity / n);
    refillPerMilli = fullRefillPerMilli / n;
    for (Bucket bucket : buckets.values()) {
      bucket.level = Math.min(bucket.level, capacity);
    }
  }

  public boolean unlimited() {
    return capacity <= 0 || refillPerMilli <= 0;
  }

  /** 0 when {@code key} has a token now, else the whole milliseconds until it has one. Takes nothing. */
  public long waitMillis(String key) {
    if (unlimited()) {
      return 0;
    }
    Bucket bucket = refilled(key, clock.getAsLong());
    // The tiny slack absorbs the rounding of the rate.
    return bucket.level >= 1.0 ? 0 : Math.max(1, (long) Math.ceil((1.0 - bucket.level) / refillPerMilli - 1e-6));
  }

  /** Takes a token if one is left. */
  public boolean tryTake(String key) {
    if (unlimited()) {
      return true;
    }
    Bucket bucket = refilled(key, clock.getAsLong());
    if (bucket.level < 1.0) {
      return false;
    }
    bucket.level -= 1.0;
    buckets.put(key, bucket);
    return true;
  }

  /** Gives a token taken earlier back (what it was taken for did not count). */
  public void refund(String key) {
    Bucket bucket = buckets.get(key);
    if (bucket != null) {
      bucket.level = Math.min(capacity, bucket.level + 1.0);
    }
  }

  /** Drops buckets that have filled up again; called periodically to bound memory. */
  public void evictFull() {
    long now = clock.getAsLong();
    for (Iterator<Bucket> it = buckets.values().iterator(); it.hasNext(); ) {
      Bucket b = it.next();
      if (b.level + (now - b.at) * refillPerMilli >= capacity) {
        it.remove();
      }
    }
  }

  /** Keys held now. */
  public int size() {
    return buckets.size();
  }

  /** The key's bucket brought up to {@code now} (a new one is full; not stored until taken from). */
  private Bucket refilled(String key, long now) {
    Bucket bucket = buckets.get(key);
    if (bucket == null) {
      bucket = new Bucket();
      bucket.level = capacity;
    } else {
      bucket.level = Math.min(capacity, bucket.level + (now - bucket.at) * refillPerMilli);
    }
    bucket.at = now;
    return bucket;
  }
}
