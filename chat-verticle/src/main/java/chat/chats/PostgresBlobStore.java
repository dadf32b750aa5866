package chat.chats;

import chat.shared.Addresses;
import chat.shared.ServiceError;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.file.AsyncFile;
import io.vertx.core.file.OpenOptions;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The bytes of attachments on PostgreSQL: {@code chat.attachment_chunks}, 256 KiB bytea rows per
 * SHA-256, so that every chat instance serves every file. Storing the chunks and the attachment
 * row is one transaction; it and a removal of the same SHA-256 hold a transaction-scoped advisory
 * lock on it, so a removal (which deletes only when no committed row names the bytes, checked by a
 * statement that starts after it got the lock) never takes bytes an upload is about to name.
 */
final class PostgresBlobStore implements BlobStore {

  private static final Logger LOG = LoggerFactory.getLogger(PostgresBlobStore.class);

  private final Vertx vertx;
  private final ChatStore store;
  private final Pool reader;
  private final PostgresChatSql sql;

  PostgresBlobStore(Vertx vertx, ChatStore store, Pool reader, PostgresChatSql sql) {
    this.vertx = vertx;
    this.store = store;
    this.reader = reader;
    this.sql = sql;
  }

  @Override
  public <T> Future<T> put(String sha256, Path temp, long size, Function<SqlConnection, Future<T>> insertRow) {
    return store.inTransaction(tx -> tx.preparedQuery(sql.lockBlob()).execute(Tuple.of(sha256))
        .compose(locked -> tx.preparedQuery(sql.blobExists()).execute(Tuple.of(sha256)))
        .compose(found -> found.size() > 0 ? Future.succeededFuture() : insertChunks(tx, sha256, temp, size))
        .compose(stored -> insertRow.apply(tx)))
      .andThen(ar -> vertx.fileSystem().delete(temp.toString()));
  }

  /** The file's chunks, one read and one insert at a time (a chunk in memory at most). */
  private Future<Void> insertChunks(SqlConnection tx, String sha256, Path temp, long size) {
    if (size == 0) {
      return Future.succeededFuture();
    }
    return vertx.fileSystem().open(temp.toString(), new OpenOptions().setRead(true).setWrite(false).setCreate(false))
      .compose(file -> insertFrom(tx, file, sha256, size, 0).andThen(ar -> file.close()));
  }

  private Future<Void> insertFrom(SqlConnection tx, AsyncFile file, String sha256, long size, int index) {
    long position = (long) index * Addresses.ATTACHMENT_CHUNK_BYTES;
    if (position >= size) {
      return Future.succeededFuture();
    }
    int length = (int) Math.min(Addresses.ATTACHMENT_CHUNK_BYTES, size - position);
    return file.read(Buffer.buffer(length), 0, position, length)
      .compose(chunk -> tx.preparedQuery(sql.insertChunk()).execute(Tuple.of(sha256, index, chunk)))
      .compose(inserted -> insertFrom(tx, file, sha256, size, index + 1));
  }

  @Override
  public Future<Buffer> chunk(String sha256, long size, int index) {
    return reader.preparedQuery(sql.chunk()).execute(Tuple.of(sha256, index)).map(rows -> {
      if (rows.size() == 0) {
        throw ServiceError.notFound("Attachment");
      }
      return rows.iterator().next().getBuffer("data");
    });
  }

  @Override
  public Future<Void> removeIfUnused(String sha256) {
    return store.inTransaction(tx -> tx.preparedQuery(sql.lockBlob()).execute(Tuple.of(sha256))
      .compose(locked -> tx.preparedQuery(sql.deleteUnusedBlob()).execute(Tuple.of(sha256)))
      .mapEmpty());
  }

  @Override
  public Future<Integer> sweep() {
    return reader.query(sql.unusedBlobs()).execute().compose(rows -> {
      List<String> unused = new ArrayList<>();
      rows.forEach(row -> unused.add(row.getString("sha256")));
      Future<Void> done = Future.succeededFuture();
      for (String sha : unused) {
        done = done.compose(v -> removeIfUnused(sha));
      }
      return done.map(v -> {
        if (!unused.isEmpty()) {
          LOG.info("Removed the bytes of {} attachments no attachment named (left by an interrupted deletion)",
            unused.size());
        }
        return unused.size();
      });
    });
  }
}
