package chat.chats;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Whether the chat service can write its database now, as its readiness ({@code svc.chat.ping})
 * reports it. Every write transaction tells the outcome: a storage failure (a full disk, an I/O
 * error, a lock held elsewhere) makes the service unwritable, a commit makes it writable again.
 * While unwritable, a cheap probe write runs every {@value #PROBE_INTERVAL_MS} ms, so the service
 * recovers by itself once space is back even when nobody sends.
 *
 * <p>Used on the verticle's event loop; {@link #writable()} may be read from anywhere.
 */
final class StorageHealth {

  private static final Logger LOG = LoggerFactory.getLogger(StorageHealth.class);
  static final long PROBE_INTERVAL_MS = 1_000;

  private final Vertx vertx;
  private Supplier<Future<Void>> probe = Future::succeededFuture;
  private volatile boolean writable = true;
  private long probeTimer = -1;
  private boolean probing;
  private boolean closed;

  StorageHealth(Vertx vertx) {
    this.vertx = vertx;
  }

  /** The write that proves the database takes data again (see {@link ChatStore#probeWrite}). */
  void probeWith(Supplier<Future<Void>> probe) {
    this.probe = probe;
  }

  boolean writable() {
    return writable;
  }

  /** A write transaction committed. */
  void committed() {
    if (!writable) {
      LOG.info("The chat database takes writes again");
    }
    writable = true;
    cancelProbe();
  }

  /** A write transaction failed for a reason of the storage, not of the request. */
  void storageFailed(Throwable cause) {
    if (writable) {
      LOG.warn("The chat database cannot be written, reporting DOWN until a write succeeds: {}", cause.toString());
    }
    writable = false;
    scheduleProbe();
  }

  /** Stops probing (the verticle is stopping). */
  void close() {
    closed = true;
    cancelProbe();
  }

  private void scheduleProbe() {
    if (closed || probing || probeTimer >= 0) {
      return;
    }
    probeTimer = vertx.setTimer(PROBE_INTERVAL_MS, id -> {
      probeTimer = -1;
      probing = true;
      // The probe is itself a write transaction: its outcome lands in committed() or
      // storageFailed(), which schedules the next probe.
      probe.get().onComplete(ar -> {
        probing = false;
        if (ar.failed() && !writable) {
          LOG.debug("Write probe failed: {}", ar.cause().toString());
          scheduleProbe();
        }
      });
    });
  }

  private void cancelProbe() {
    if (probeTimer >= 0) {
      vertx.cancelTimer(probeTimer);
      probeTimer = -1;
    }
  }
}
