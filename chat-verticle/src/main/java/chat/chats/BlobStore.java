package chat.chats;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.sqlclient.SqlConnection;
import java.nio.file.Path;
import java.util.function.Function;

/**
 * Where the bytes of attachments live, once per SHA-256: files under the data directory on
 * SQLite ({@link FileBlobStore}; one chat instance), chunk rows of the chat schema on PostgreSQL
 * ({@link PostgresBlobStore}; any instance serves any file). Either way a row of
 * {@code attachments} never names bytes that are not stored: {@link #put} stores the bytes before
 * (or in the same transaction as) the row, and {@link #removeIfUnused} removes them only once no
 * committed row names them, serialised against {@code put} of the same SHA-256.
 */
interface BlobStore {

  /** The blob store of the chat store in use: chunk rows on PostgreSQL, files under the data directory on SQLite. */
  static BlobStore of(io.vertx.core.Vertx vertx, ChatStore store, io.vertx.sqlclient.Pool reader, Path dataDir) {
    return store.sql() instanceof PostgresChatSql
      ? new PostgresBlobStore(vertx, store, reader, (PostgresChatSql) store.sql())
      : new FileBlobStore(vertx, dataDir.resolve("attachments"), store);
  }

  /**
   * Makes the bytes of {@code temp} (whose SHA-256 is {@code sha256}) stored, unless they are
   * already, then runs {@code insertRow} in a write transaction; {@code temp} is gone afterwards.
   */
  <T> Future<T> put(String sha256, Path temp, long size, Function<SqlConnection, Future<T>> insertRow);

  /** Chunk {@code index} ({@link chat.shared.Addresses#ATTACHMENT_CHUNK_BYTES} each) of a stored file of {@code size} bytes. */
  Future<Buffer> chunk(String sha256, long size, int index);

  /** Removes the bytes if no committed attachment names them any more. */
  Future<Void> removeIfUnused(String sha256);

  /** At start: removes stored bytes no attachment names (left by a crash after a COMMIT). */
  Future<Integer> sweep();
}
