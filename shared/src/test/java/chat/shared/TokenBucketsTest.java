package chat.shared;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The one rate limiter, on a clock the test moves. */
class TokenBucketsTest {

  private final AtomicLong now = new AtomicLong(1_000_000);

  @Test
  void burstThenOneTokenPerRefillIntervalAndTheWaitIsExact() {
    TokenBuckets buckets = new TokenBuckets(3, 2, 100, now::get);   // 3 at once, then one per 500 ms
    for (int i = 0; i < 3; i++) {
      assertEquals(0, buckets.waitMillis("u"));
      assertTrue(buckets.tryTake("u"));
    }
    assertFalse(buckets.tryTake("u"));
    assertEquals(500, buckets.waitMillis("u"));
    now.addAndGet(499);
    assertEquals(1, buckets.waitMillis("u"));
    assertFalse(buckets.tryTake("u"));
    now.addAndGet(1);
    assertEquals(0, buckets.waitMillis("u"));
    assertTrue(buckets.tryTake("u"));
    assertTrue(buckets.tryTake("other"), "each key has its own bucket");
  }

  @Test
  void refundGivesATokenBackButNeverMoreThanTheCapacity() {
    TokenBuckets buckets = new TokenBuckets(2, 1, 100, now::get);
    assertTrue(buckets.tryTake("u"));
    assertTrue(buckets.tryTake("u"));
    assertFalse(buckets.tryTake("u"));
    buckets.refund("u");
    assertTrue(buckets.tryTake("u"));
    buckets.refund("u");
    buckets.refund("u");
    buckets.refund("u");
    assertTrue(buckets.tryTake("u"));
    assertTrue(buckets.tryTake("u"));
    assertFalse(buckets.tryTake("u"), "refunds stop at the capacity");
    buckets.refund("never-taken");
    assertEquals(1, buckets.size(), "a refund stores nothing for an unknown key");
  }

  @Test
  void keysAreBoundedAndFullBucketsAreEvicted() {
    TokenBuckets buckets = new TokenBuckets(1, 1, 2, now::get);
    buckets.tryTake("a");
    buckets.tryTake("b");
    buckets.tryTake("c");
    assertEquals(2, buckets.size(), "the least recently used key is dropped");
    buckets.evictFull();
    assertEquals(2, buckets.size());
    now.addAndGet(1_000);
    buckets.evictFull();
    assertEquals(0, buckets.size());
  }

  @Test
  void zeroCapacityOrRefillMeansUnlimited() {
    for (TokenBuckets buckets : new TokenBuckets[] {
      new TokenBuckets(0, 5, 10, now::get), new TokenBuckets(5, 0, 10, now::get)}) {
      assertTrue(buckets.unlimited());
      for (int i = 0; i < 100; i++) {
        assertTrue(buckets.tryTake("u"));
      }
      assertEquals(0, buckets.waitMillis("u"));
      assertEquals(0, buckets.size());
    }
  }

  @Test
  void aShareOfNKeepsOneNthOfTheBurstAndTheRateAndOneRestoresTheWhole() {
    TokenBuckets buckets = new TokenBuckets(10, 4, 100, now::get);   // 10 at once, 4 per second
    buckets.share(2);                                                // one of two instances
    for (int i = 0; i < 5; i++) {
      assertTrue(buckets.tryTake("u"), "half the burst: " + i);
    }
    assertFalse(buckets.tryTake("u"));
    assertEquals(500, buckets.waitMillis("u"), "half the rate: one per 500 ms");
    buckets.share(1);
    now.addAndGet(1_000);
    for (int i = 0; i < 4; i++) {
      assertTrue(buckets.tryTake("u"), "the whole rate again: 4 in a second");
    }
    assertFalse(buckets.tryTake("u"));
    buckets.share(100);
    now.addAndGet(60_000);
    assertTrue(buckets.tryTake("u"), "at least one token of capacity, however many share");
    assertFalse(buckets.tryTake("u"));
  }
}
