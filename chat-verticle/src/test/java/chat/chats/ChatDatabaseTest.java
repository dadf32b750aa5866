package chat.chats;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import io.vertx.sqlclient.Pool;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** The connection settings carried in the JDBC URL reach every pooled connection. */
@Tag("sqlite-only")
@ExtendWith(VertxExtension.class)
class ChatDatabaseTest {

  @TempDir
  Path dataDir;

  @Test
  void pooledConnectionsUseWalNormalSyncForeignKeysAndBusyTimeout(Vertx vertx) throws Exception {
    Path nested = dataDir.resolve("not/yet/there");
    SqliteChatDatabase database = new SqliteChatDatabase(nested);
    vertx.executeBlocking(() -> {
      database.migrate();
      return null;
    }).await(20, TimeUnit.SECONDS);
    Context context = vertx.getOrCreateContext();
    Pool reader = on(context, () -> Future.succeededFuture(database.readerPool(vertx)));
    Pool writer = on(context, () -> Future.succeededFuture(database.writerPool(vertx)));

    for (Pool pool : new Pool[] {reader, writer}) {
      assertEquals("wal", pragma(context, pool, "journal_mode").toString().toLowerCase());
      assertEquals(1L, ((Number) pragma(context, pool, "synchronous")).longValue()); // NORMAL
      assertEquals(1L, ((Number) pragma(context, pool, "foreign_keys")).longValue());
      assertEquals(5000L, ((Number) pragma(context, pool, "busy_timeout")).longValue());
    }
    on(context, () -> Future.join(reader.close(), writer.close()));
  }

  private static Object pragma(Context context, Pool pool, String name) throws Exception {
    return on(context, () -> pool.query("PRAGMA " + name).execute()
      .map(rows -> rows.iterator().next().getValue(0)));
  }

  private static <T> T on(Context context, Supplier<Future<T>> work) throws Exception {
    Promise<T> promise = Promise.promise();
    context.runOnContext(v -> work.get().onComplete(promise));
    return promise.future().await(20, TimeUnit.SECONDS);
  }
}
