package chat.auth;

import chat.shared.ServiceError;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;

/**
 * The bounded place where passwords are hashed and verified: a named worker pool sized to the
 * cores, and admission before it. At most {@code maxPending} checks run or wait overall and
 * {@code perAddress} per client address; one more is refused at once with RATE_LIMITED, so a
 * flood queues nothing and a real user's check waits behind a few others at most.
 */
final class PasswordWork {

  static final String POOL_NAME = "auth-passwords";
  /** Far above one PBKDF2 check; Vert.x's blocked-thread checker warns past it. */
  private static final long MAX_EXECUTE_SECONDS = 10;

  private final WorkerExecutor executor;
  private final int maxPending;
  private final int perAddress;
  private final Map<String, Integer> pendingByAddress = new HashMap<>();
  private int pending;

  PasswordWork(Vertx vertx, int workers, int maxPending, int perAddress) {
    this.executor = vertx.createSharedWorkerExecutor(POOL_NAME, workers, MAX_EXECUTE_SECONDS, TimeUnit.SECONDS);
    this.maxPending = maxPending;
    this.perAddress = perAddress;
  }

  /** A slot for one check from {@code address}, or false when the pool or the address is full. */
  synchronized boolean tryAcquire(String address) {
    int mine = pendingByAddress.getOrDefault(address, 0);
    if (pending >= maxPending || mine >= perAddress) {
      return false;
    }
    pending++;
    pendingByAddress.put(address, mine + 1);
    return true;
  }

  synchronized void release(String address) {
    pending = Math.max(0, pending - 1);
    Integer mine = pendingByAddress.get(address);
    if (mine == null || mine <= 1) {
      pendingByAddress.remove(address);
    } else {
      pendingByAddress.put(address, mine - 1);
    }
  }

  /** Runs the (blocking) work on the pool, unordered so the checks of one caller run in parallel. */
  <T> Future<T> execute(Callable<T> work) {
    return executor.executeBlocking(work, false);
  }

  /** The refusal for a full pool: retrying a second later is a fair guess. */
  static ServiceError busy() {
    return ServiceError.rateLimited("Too many logins at once, try again shortly", 1);
  }

  Future<Void> close() {
    return executor.close();
  }
}
