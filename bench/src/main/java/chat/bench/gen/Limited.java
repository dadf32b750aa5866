package chat.bench.gen;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/** Runs an async task per item with a bounded number in flight; fails with the first failure. */
public final class Limited {

  private Limited() {
  }

  public static <T> Future<Void> forEach(Vertx vertx, List<T> items, int concurrency, Function<T, Future<?>> task) {
    if (items.isEmpty()) {
      return Future.succeededFuture();
    }
    Promise<Void> done = Promise.promise();
    AtomicInteger next = new AtomicInteger();
    AtomicInteger finished = new AtomicInteger();
    AtomicBoolean failed = new AtomicBoolean();
    Runnable[] worker = new Runnable[1];
    worker[0] = () -> {
      int i = next.getAndIncrement();
      if (i >= items.size() || failed.get()) {
        return;
      }
      Future<?> f;
      try {
        f = task.apply(items.get(i));
      } catch (RuntimeException e) {
        f = Future.failedFuture(e);
      }
      f.onComplete(ar -> {
        if (ar.failed()) {
          if (failed.compareAndSet(false, true)) {
            done.tryFail(ar.cause());
          }
          return;
        }
        if (finished.incrementAndGet() == items.size()) {
          done.tryComplete();
        } else {
          worker[0].run();
        }
      });
    };
    vertx.runOnContext(v -> {
      for (int k = 0; k < Math.min(concurrency, items.size()); k++) {
        worker[0].run();
      }
    });
    return done.future();
  }
}
