package chat.bench.gen;

import java.util.concurrent.TimeUnit;

/** A point in time a scenario must not pass. */
public final class Deadline {

  private final long endNanos;
  private final String what;

  public Deadline(String what, long seconds) {
    this.what = what;
    this.endNanos = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
  }

  public boolean expired() {
    return System.nanoTime() >= endNanos;
  }

  public long remainingMillis() {
    return Math.max(0, TimeUnit.NANOSECONDS.toMillis(endNanos - System.nanoTime()));
  }

  /** Throws when expired, so a scenario stops at its cap. */
  public void check() {
    if (expired()) {
      throw new CapReached(what + " reached its time cap");
    }
  }

  public String what() {
    return what;
  }

  /** A scenario hit a time or traffic cap. */
  public static final class CapReached extends RuntimeException {
    public CapReached(String message) {
      super(message);
    }
  }
}
