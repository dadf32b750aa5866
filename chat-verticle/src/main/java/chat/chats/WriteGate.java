package chat.chats;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.util.ArrayDeque;
import java.util.function.Supplier;

/**
 * One write at a time, in the order they were asked for: a database with a single writer (SQLite)
 * written through more than one connection. Each write starts when the one before it completed.
 *
 * <p>Used on the chat verticle's event loop only.
 */
final class WriteGate {

  private final ArrayDeque<Runnable> waiting = new ArrayDeque<>();
  private boolean busy;

  <T> Future<T> run(Supplier<Future<T>> write) {
    Promise<T> done = Promise.promise();
    Runnable start = () -> {
      Future<T> result;
      try {
        result = write.get();
      } catch (RuntimeException e) {
        result = Future.failedFuture(e);
      }
      result.onComplete(ar -> {
        done.handle(ar);
        next();
      });
    };
    if (busy) {
      waiting.add(start);
    } else {
      busy = true;
      start.run();
    }
    return done.future();
  }

  private void next() {
    Runnable start = waiting.poll();
    if (start == null) {
      busy = false;
    } else {
      start.run();
    }
  }
}
