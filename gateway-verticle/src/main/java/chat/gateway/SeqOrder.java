package chat.gateway;

import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;

/**
 * Puts one chat's events back in {@code seq} order on their way to this gateway's sockets. With
 * several chat instances (issue 12) each publishes its own commits, so two instances' events of
 * one chat may arrive here out of seq order. An event whose seq is the next one is delivered at
 * once (and the held ones that follow it); one that comes early (a seq is missing) is held until
 * the missing one arrives, but at most {@link #WAIT_MS} ms: then everything held goes out in seq
 * order anyway (an instance killed between its commit and its publish leaves a gap for good,
 * which clients fill from the feed, as after any gap). Events without a seq (presence, read,
 * typing...) pass at once. One that comes late (a seq at or below the last delivered: its
 * instance was slower than the wait) is dropped: the sockets saw the gap it left, and fill it
 * from the feed, so the seqs a socket gets only ever grow.
 *
 * <p>With one chat instance events already arrive in order: nothing is ever held. Used from the
 * gateway verticle's event loop only.
 */
final class SeqOrder<T> {

  /** Longest wait for a missing seq before the events after it are delivered anyway. */
  static final long WAIT_MS = 100;

  /** The timers of the event loop ({@code vertx.setTimer}, {@code vertx.cancelTimer}), or a test's. */
  interface Timers {
    long set(long delayMs, Runnable action);

    void cancel(long timerId);
  }

  private final Timers timers;
  private final Consumer<T> deliver;
  private final TreeMap<Long, T> held = new TreeMap<>();
  /** The highest seq delivered; 0 before the first. */
  private long last;
  private long late;
  private long timer = -1;

  SeqOrder(Timers timers, Consumer<T> deliver) {
    this.timers = timers;
    this.deliver = deliver;
  }

  /** An event of the chat; {@code seq} 0 or less: it has none. */
  void offer(long seq, T event) {
    if (seq <= 0) {
      deliver.accept(event);
      return;
    }
    if (seq <= last) {
      late++;
      return;
    }
    if (last == 0 || seq == last + 1) {
      last = seq;
      deliver.accept(event);
      drain();
      return;
    }
    held.put(seq, event);
    if (timer < 0) {
      timer = timers.set(WAIT_MS, this::giveUp);
    }
  }

  /** Events held now (for tests and diagnostics). */
  int heldCount() {
    return held.size();
  }

  /** Events dropped because they came after the wait for them ended (for tests and diagnostics). */
  long lateCount() {
    return late;
  }

  /** Stops the timer (the chat's last socket here went); what is held is dropped. */
  void close() {
    if (timer >= 0) {
      timers.cancel(timer);
      timer = -1;
    }
    held.clear();
  }

  /** Delivers the held events that follow the last delivered one without a gap. */
  private void drain() {
    while (!held.isEmpty() && held.firstKey() == last + 1) {
      Map.Entry<Long, T> next = held.pollFirstEntry();
      last = next.getKey();
      deliver.accept(next.getValue());
    }
    if (held.isEmpty() && timer >= 0) {
      timers.cancel(timer);
      timer = -1;
    }
  }

  /** The wait is over: everything held goes out in seq order, the gaps left as they are. */
  private void giveUp() {
    timer = -1;
    while (!held.isEmpty()) {
      Map.Entry<Long, T> next = held.pollFirstEntry();
      last = next.getKey();
      deliver.accept(next.getValue());
    }
  }
}
