package chat.gateway;

import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;

/**
 * Token buckets by key (a user), used for the 429 limits. Used from the
 * gateway verticle's event loop only, so it needs no locking. A capacity of 0 means unlimited.
 */
final class TokenBuckets {

  private final double capacity;
  private final double refillPerMilli;
  private final Map<String, double[]> buckets = new HashMap<>();

  /**
   * @param capacity tokens a full bucket holds (the burst)
   * @param refillPerSecond tokens added back per second
   */
  TokenBuckets(double capacity, double refillPerSecond) {
    this.capacity = capacity;
    this.refillPerMilli = refillPerSecond / 1000.0;
  }

  boolean unlimited() {
    return capacity <= 0 || refillPerMilli <= 0;
  }

  /** Whether at least one token is left, without taking it. */
  boolean available(String key) {
    return unlimited() || level(key, System.currentTimeMillis()) >= 1.0;
  }

  /** Takes a token if one is left. */
  boolean tryTake(String key) {
    if (unlimited()) {
      return true;
    }
    long now = System.currentTimeMillis();
    double level = level(key, now);
    if (level < 1.0) {
      return false;
    }
    buckets.put(key, new double[] {level - 1.0, now});
    return true;
  }

  /** Drops buckets that have filled up again; called periodically to bound memory. */
  void evictFull() {
    long now = System.currentTimeMillis();
    for (Iterator<Map.Entry<String, double[]>> it = buckets.entrySet().iterator(); it.hasNext(); ) {
      double[] b = it.next().getValue();
      if (b[0] + (now - b[1]) * refillPerMilli >= capacity) {
        it.remove();
      }
    }
  }

  private double level(String key, long now) {
    double[] b = buckets.get(key);
    if (b == null) {
      return capacity;
    }
    return Math.min(capacity, b[0] + (now - b[1]) * refillPerMilli);
  }
}
