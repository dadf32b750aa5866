package chat.bench.gen;

import java.util.BitSet;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * One measured window: every message sent in it gets a sequence number; the sender's ack
 * (or error) and every receiver's delivery are recorded against it. Loss is counted per
 * receiver against the acknowledged ids: a receiver of the message's chat that never got
 * that id has lost it.
 */
public final class Phase {

  /** Latencies are recorded in microseconds, up to a minute. */
  private static final long MAX_MICROS = 60_000_000L;

  public final int tag;
  /** Random UUIDs as client_ids (as browsers send them) instead of {@code <tag>-<seq>}. */
  public volatile boolean uuidClientIds;
  public final int capacity;
  private final int[][] groups;
  private final BitSet[] got;
  private final AtomicInteger nextSeq = new AtomicInteger();
  private final AtomicLongArray sentAt;
  /** Acked message id by seq; -1 when the send failed. */
  private final AtomicLongArray ackedId;
  private final AtomicLongArray deliveredId;
  private final int[] groupOf;

  final Recorder e2e = new Recorder(MAX_MICROS, 3);
  final Recorder ack = new Recorder(MAX_MICROS, 3);
  final Recorder restAck = new Recorder(MAX_MICROS, 3);
  final LongAdder delivered = new LongAdder();
  final LongAdder expected = new LongAdder();
  final LongAdder duplicates = new LongAdder();
  final LongAdder idMismatch = new LongAdder();
  final LongAdder acked = new LongAdder();
  final LongAdder failed = new LongAdder();
  final LongAdder refused = new LongAdder();
  volatile boolean full;

  /**
   * @param groups receiver indexes per chat group (a message's expected receivers)
   * @param receivers how many receiver indexes exist
   */
  public Phase(int tag, int capacity, int[][] groups, int receivers) {
    this.tag = tag;
    this.capacity = capacity;
    this.groups = groups;
    this.got = new BitSet[receivers];
    for (int i = 0; i < receivers; i++) {
      got[i] = new BitSet();
    }
    this.sentAt = new AtomicLongArray(capacity);
    this.ackedId = new AtomicLongArray(capacity);
    this.deliveredId = new AtomicLongArray(capacity);
    this.groupOf = new int[capacity];
  }

  /** A new sequence number for a message to chat group {@code group}, or -1 when the cap is reached. */
  public int nextSeq(int group) {
    int seq = nextSeq.getAndIncrement();
    if (seq >= capacity) {
      full = true;
      return -1;
    }
    groupOf[seq] = group;
    return seq;
  }

  public void sent(int seq, long nanos) {
    sentAt.set(seq, nanos);
  }

  public int sentCount() {
    return Math.min(nextSeq.get(), capacity);
  }

  public void onAck(int seq, long id, long now, boolean rest) {
    if (seq < 0 || seq >= capacity || ackedId.get(seq) != 0) {
      return;
    }
    ackedId.set(seq, id);
    acked.increment();
    expected.add(groups.length == 0 ? 0 : groups[groupOf[seq]].length);
    long micros = Math.max(0, (now - sentAt.get(seq)) / 1000);
    (rest ? restAck : ack).recordValue(Math.min(micros, MAX_MICROS));
  }

  public void onSendFailed(int seq) {
    if (seq < 0 || seq >= capacity || ackedId.get(seq) != 0) {
      return;
    }
    ackedId.set(seq, -1);
    failed.increment();
  }

  public void onDelivery(int receiver, int seq, long id, long sentNanos, long now) {
    if (seq < 0 || seq >= capacity || receiver < 0 || receiver >= got.length) {
      return;
    }
    BitSet bits = got[receiver];
    boolean dup;
    synchronized (bits) {
      dup = bits.get(seq);
      bits.set(seq);
    }
    if (dup) {
      duplicates.increment();
      return;
    }
    if (!deliveredId.compareAndSet(seq, 0, id) && deliveredId.get(seq) != id) {
      idMismatch.increment();
    }
    delivered.increment();
    e2e.recordValue(Math.min(Math.max(0, (now - sentNanos) / 1000), MAX_MICROS));
  }

  /** Every sent message acked or failed, and every expected delivery made. */
  public boolean settled() {
    return acked.sum() + failed.sum() >= sentCount() && delivered.sum() >= expected.sum();
  }

  /** Snapshot after the window closed. */
  public Outcome outcome() {
    Outcome o = new Outcome();
    o.sent = sentCount();
    o.acked = acked.sum();
    o.failed = failed.sum();
    o.refused = refused.sum();
    o.delivered = delivered.sum();
    o.expected = expected.sum();
    o.duplicates = duplicates.sum();
    long lost = 0;
    long mismatch = idMismatch.sum();
    for (int seq = 0; seq < o.sent; seq++) {
      long id = ackedId.get(seq);
      if (id <= 0) {
        continue;
      }
      long seen = deliveredId.get(seq);
      if (seen != 0 && seen != id) {
        mismatch++;
      }
      if (groups.length == 0) {
        continue;
      }
      for (int r : groups[groupOf[seq]]) {
        BitSet bits = got[r];
        synchronized (bits) {
          if (!bits.get(seq)) {
            lost++;
          }
        }
      }
    }
    o.lost = lost;
    o.idMismatch = mismatch;
    o.unacked = o.sent - o.acked - o.failed;
    o.e2e = e2e.getIntervalHistogram();
    o.ack = ack.getIntervalHistogram();
    o.restAck = restAck.getIntervalHistogram();
    return o;
  }

  /** Counts and latency histograms of a closed phase. */
  public static final class Outcome {
    public long sent;
    public long acked;
    public long failed;
    public long refused;
    public long unacked;
    public long delivered;
    public long expected;
    public long lost;
    public long duplicates;
    public long idMismatch;
    public Histogram e2e;
    public Histogram ack;
    public Histogram restAck;

    /** Percentile in milliseconds, or NaN without samples. */
    public static double ms(Histogram h, double percentile) {
      if (h == null || h.getTotalCount() == 0) {
        return Double.NaN;
      }
      return h.getValueAtPercentile(percentile) / 1000.0;
    }
  }

  /** The client_id of this phase's send {@code seq}. */
  public String clientId(int seq) {
    if (!uuidClientIds) {
      return tag + "-" + seq;
    }
    java.util.concurrent.ThreadLocalRandom r = java.util.concurrent.ThreadLocalRandom.current();
    return new java.util.UUID((r.nextLong() & ~0xf000L) | 0x4000L, (r.nextLong() & 0x3fffffffffffffffL) | 0x8000000000000000L).toString();
  }
}
