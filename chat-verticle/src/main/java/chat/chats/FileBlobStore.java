package chat.chats;

import chat.shared.Addresses;
import chat.shared.ServiceError;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.sqlclient.SqlConnection;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The bytes of attachments on SQLite: {@code <CHAT_DATA_DIR>/attachments/ab/cd/<sha256>}, one
 * file per SHA-256. A SQLite store has one chat instance, so a queue on this instance orders every
 * {@link #put} and {@link #removeIfUnused}: a file is removed only when, after the removing
 * transaction committed, no row names it, and no upload of the same bytes is half-way between
 * placing the file and committing its row.
 */
final class FileBlobStore implements BlobStore {

  private static final Logger LOG = LoggerFactory.getLogger(FileBlobStore.class);

  private final Vertx vertx;
  private final Path root;
  private final ChatStore store;
  private Future<?> tail = Future.succeededFuture();

  FileBlobStore(Vertx vertx, Path root, ChatStore store) {
    this.vertx = vertx;
    this.root = root;
    this.store = store;
  }

  /** {@code ab/cd/abcd...}: two levels of 256 folders keep each folder small. */
  Path path(String sha256) {
    return root.resolve(sha256.substring(0, 2)).resolve(sha256.substring(2, 4)).resolve(sha256);
  }

  /** Runs the steps after every earlier one ended (on the verticle's event loop). */
  private <T> Future<T> serially(Supplier<Future<T>> step) {
    Future<T> next = tail.transform(ignored -> step.get());
    tail = next.otherwiseEmpty();
    return next;
  }

  @Override
  public <T> Future<T> put(String sha256, Path temp, long size, Function<SqlConnection, Future<T>> insertRow) {
    return serially(() -> vertx.<Void>executeBlocking(() -> {
        Path target = path(sha256);
        if (Files.exists(target)) {
          Files.deleteIfExists(temp);
        } else {
          Files.createDirectories(target.getParent());
          Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE);
        }
        return null;
      }, false)
      .compose(placed -> store.inTransaction(insertRow)
        .recover(err -> removeUnused(sha256).transform(ignored -> Future.failedFuture(err)))));
  }

  @Override
  public Future<Buffer> chunk(String sha256, long size, int index) {
    long position = (long) index * Addresses.ATTACHMENT_CHUNK_BYTES;
    int length = (int) Math.max(0, Math.min(Addresses.ATTACHMENT_CHUNK_BYTES, size - position));
    return vertx.executeBlocking(() -> {
      try (FileChannel channel = FileChannel.open(path(sha256), StandardOpenOption.READ)) {
        ByteBuffer bytes = ByteBuffer.allocate(length);
        while (bytes.hasRemaining()) {
          if (channel.read(bytes, position + bytes.position()) < 0) {
            break;
          }
        }
        bytes.flip();
        return Buffer.buffer(bytes.array()).slice(0, bytes.limit());
      } catch (NoSuchFileException e) {
        throw ServiceError.notFound("Attachment");
      }
    }, false);
  }

  @Override
  public Future<Void> removeIfUnused(String sha256) {
    return serially(() -> removeUnused(sha256));
  }

  private Future<Void> removeUnused(String sha256) {
    return store.attachments().shaInUse(sha256).compose(used -> used ? Future.succeededFuture()
      : vertx.executeBlocking(() -> {
        Path file = path(sha256);
        Files.deleteIfExists(file);
        deleteIfEmpty(file.getParent());
        deleteIfEmpty(file.getParent().getParent());
        return null;
      }, false));
  }

  @Override
  public Future<Integer> sweep() {
    return serially(() -> store.attachments().allShas().compose(used -> vertx.executeBlocking(() -> {
      Set<String> named = new HashSet<>(used);
      int removed = 0;
      if (!Files.isDirectory(root)) {
        return 0;
      }
      List<Path> files;
      try (Stream<Path> walk = Files.walk(root, 3)) {
        files = walk.filter(p -> root.relativize(p).getNameCount() == 3 && Files.isRegularFile(p)).toList();
      }
      for (Path file : files) {
        if (!named.contains(file.getFileName().toString())) {
          Files.deleteIfExists(file);
          removed++;
        }
      }
      if (removed > 0) {
        LOG.info("Removed {} attachment files no attachment named (left by an interrupted deletion)", removed);
      }
      return removed;
    }, false)));
  }

  private static void deleteIfEmpty(Path dir) {
    try {
      Files.delete(dir);
    } catch (IOException notEmptyOrGone) {
      // Still holds other files: kept.
    }
  }
}
