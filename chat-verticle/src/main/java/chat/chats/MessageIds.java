package chat.chats;

import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.SqlConnection;
import java.util.function.BiFunction;
import java.util.function.Function;

/**
 * Where the ids of the group commit's new messages come from ({@link ChatSql#messageIds}): each
 * batch takes its ids inside its transaction, after it locked its chats, ascending.
 *
 * <p>Used on the writer's event loop only.
 */
interface MessageIds {

  /** Before the first batch. */
  Future<Void> start();

  /** {@code count} new ids, ascending. */
  Future<long[]> take(SqlConnection tx, int count);

  /** The batch that took {@code ids} committed. */
  void committed(long[] ids);

  /** The batch failed and was rolled back. */
  void failed();

  /**
   * Counted in memory by the only writer of the database (SQLite): {@code MAX(id) + 1} at start,
   * then on from each committed batch; after a failed batch, read again inside the next batch's
   * transaction (whatever the failed one left). A rolled-back batch's ids are given again.
   */
  final class Counted implements MessageIds {
    private final Function<SqlClient, Future<Long>> lastId;
    private final Pool reader;
    private long next = -1;

    Counted(Function<SqlClient, Future<Long>> lastId, Pool reader) {
      this.lastId = lastId;
      this.reader = reader;
    }

    @Override
    public Future<Void> start() {
      return lastId.apply(reader).map(last -> {
        next = last + 1;
        return null;
      });
    }

    @Override
    public Future<long[]> take(SqlConnection tx, int count) {
      Future<Long> first = next > 0 ? Future.succeededFuture(next) : lastId.apply(tx).map(last -> last + 1);
      return first.map(from -> {
        next = from;
        long[] ids = new long[count];
        for (int i = 0; i < count; i++) {
          ids[i] = from + i;
        }
        return ids;
      });
    }

    @Override
    public void committed(long[] ids) {
      if (ids.length > 0) {
        next = ids[ids.length - 1] + 1;
      }
    }

    @Override
    public void failed() {
      next = -1;
    }
  }

  /**
   * Taken from a database sequence (PostgreSQL), so that writers of several instances never
   * collide; a rolled-back batch's ids are not given again (gaps, as AUTOINCREMENT allows).
   */
  final class Sequence implements MessageIds {
    private final BiFunction<SqlClient, Integer, Future<long[]>> next;

    Sequence(BiFunction<SqlClient, Integer, Future<long[]>> next) {
      this.next = next;
    }

    @Override
    public Future<Void> start() {
      return Future.succeededFuture();
    }

    @Override
    public Future<long[]> take(SqlConnection tx, int count) {
      return count == 0 ? Future.succeededFuture(new long[0]) : next.apply(tx, count);
    }

    @Override
    public void committed(long[] ids) {
    }

    @Override
    public void failed() {
    }
  }
}
