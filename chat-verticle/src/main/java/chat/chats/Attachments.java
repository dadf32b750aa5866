package chat.chats;

import chat.attachments.ContentSniffer;
import chat.attachments.FileNames;
import chat.shared.Addresses;
import chat.shared.ErrorCode;
import chat.shared.ServiceBus;
import chat.shared.ServiceError;
import chat.shared.validation.Fields;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.file.AsyncFile;
import io.vertx.core.file.OpenOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Attachments (issue 14) on the chat service: uploads streamed in over the event bus chunk by
 * chunk into a temp file (hashed and typed on the way, see {@link ContentSniffer}), stored once
 * per SHA-256 in the {@link BlobStore}, downloads served a chunk per request, the checks of a
 * send carrying {@code attachment_ids}, and the expiry of uploads never attached.
 *
 * <p>An upload lives on the instance that answered its {@code begin}: that instance registers a
 * consumer on an address of its own for it, so every chunk of the upload reaches the same temp
 * file whatever the number of chat instances. The consumer goes at the end, on abort, or after
 * {@value #IDLE_MS} ms without a chunk (the gateway or its client went away). Used on the
 * verticle's event loop.
 */
final class Attachments {

  private static final Logger LOG = LoggerFactory.getLogger(Attachments.class);

  /** An upload that gets no chunk for this long is dropped with its temp file. */
  static final long IDLE_MS = 30_000;
  /** Uploads open at once on one instance; more are refused 503 (each holds a file and a consumer). */
  static final int MAX_OPEN_UPLOADS = 256;
  /** Attachments one message may carry. */
  static final int MAX_PER_MESSAGE = 10;
  private static final Pattern SHA256 = Pattern.compile("[0-9a-f]{64}");

  private final Vertx vertx;
  private final ChatStore store;
  private final AttachmentStore rows;
  private final BlobStore blobs;
  private final Membership membership;
  private final Path tempDir;
  private final long maxBytes;
  private final long unusedMs;
  private final Map<String, Upload> uploads = new HashMap<>();
  /** Upload ids of sends accepted but not committed yet on this instance: not attachable again meanwhile. */
  private final Set<Long> claimed = new HashSet<>();
  private long expiryTimer = -1;

  Attachments(Vertx vertx, ChatStore store, BlobStore blobs, Membership membership, Path tempDir, long maxBytes,
              long unusedHours) {
    this.vertx = vertx;
    this.store = store;
    this.rows = store.attachments();
    this.blobs = blobs;
    this.membership = membership;
    this.tempDir = tempDir;
    this.maxBytes = maxBytes;
    this.unusedMs = unusedHours * 3_600_000L;
    store.onBlobsReleased(shas -> {
      Future<Void> removed = Future.succeededFuture();
      for (String sha : shas) {
        removed = removed.compose(v -> blobs.removeIfUnused(sha)
          .onFailure(err -> LOG.warn("Could not remove the bytes of a deleted attachment (swept at the next start): {}",
            err.toString()))
          .otherwiseEmpty());
      }
      return removed;
    });
  }

  /** Makes the temp folder, removes stale temp files and stored bytes nothing names, starts the expiry. */
  Future<Void> start() {
    return vertx.<Integer>executeBlocking(() -> {
        Files.createDirectories(tempDir);
        int removed = 0;
        FileTime stale = FileTime.fromMillis(System.currentTimeMillis() - 2 * IDLE_MS);
        try (Stream<Path> files = Files.list(tempDir)) {
          for (Path file : files.toList()) {
            // Older than any live upload can be (another instance may share this folder).
            if (Files.getLastModifiedTime(file).compareTo(stale) < 0) {
              Files.deleteIfExists(file);
              removed++;
            }
          }
        }
        return removed;
      }, false)
      .compose(tempRemoved -> {
        if (tempRemoved > 0) {
          LOG.info("Removed {} temp files of interrupted uploads", tempRemoved);
        }
        return blobs.sweep();
      })
      .onSuccess(swept -> {
        if (unusedMs > 0) {
          expiryTimer = vertx.setPeriodic(Math.min(unusedMs, 3_600_000L), id -> expireUnused());
        }
      })
      .mapEmpty();
  }

  void stop() {
    vertx.cancelTimer(expiryTimer);
    new ArrayList<>(uploads.values()).forEach(upload -> upload.abort("the chat service is stopping"));
  }

  // ---- upload -------------------------------------------------------------------------

  /** {@code {user_id, chat_id, declared_size?}} -> {@code {upload_address, chunk_bytes, max_bytes}}. */
  Future<JsonObject> begin(JsonObject body) {
    long caller = Validation.caller(body);
    Fields in = new Fields(body);
    long chatId = Validation.chatId(in);
    long declared = in.wholeNumber("declared_size", 0);
    in.throwIfInvalid();
    requireMember(chatId, caller);
    if (declared > maxBytes) {
      throw tooLarge();
    }
    if (uploads.size() >= MAX_OPEN_UPLOADS) {
      throw new ServiceError(ErrorCode.UNAVAILABLE, "Too many uploads at once, try again shortly");
    }
    String id = UUID.randomUUID().toString();
    Path temp = tempDir.resolve(id + ".part");
    return vertx.fileSystem().open(temp.toString(), new OpenOptions().setWrite(true).setCreateNew(true))
      .compose(file -> {
        Upload upload = new Upload(id, caller, chatId, temp, file);
        uploads.put(id, upload);
        upload.consumer = vertx.eventBus().consumer(Addresses.ATTACHMENT_UPLOAD_PREFIX + id,
          msg -> ServiceBus.answer(upload.address(), msg, upload::handle));
        upload.touch();
        return upload.consumer.completion().map(registered -> new JsonObject()
          .put("upload_address", upload.address())
          .put("chunk_bytes", Addresses.ATTACHMENT_CHUNK_BYTES)
          .put("max_bytes", maxBytes));
      });
  }

  private ServiceError tooLarge() {
    return new ServiceError(ErrorCode.PAYLOAD_TOO_LARGE, "An attachment may have at most " + maxBytes + " bytes");
  }

  /** One upload on its way: the temp file, what was received, its hash and type so far. */
  private final class Upload {
    final String id;
    final long uploader;
    final long chatId;
    final Path temp;
    final AsyncFile file;
    final MessageDigest digest;
    final ContentSniffer sniffer = new ContentSniffer();
    MessageConsumer<Object> consumer;
    long received;
    long idleTimer = -1;
    boolean finished;

    Upload(String id, long uploader, long chatId, Path temp, AsyncFile file) {
      this.id = id;
      this.uploader = uploader;
      this.chatId = chatId;
      this.temp = temp;
      this.file = file;
      try {
        this.digest = MessageDigest.getInstance("SHA-256");
      } catch (NoSuchAlgorithmException e) {
        throw new IllegalStateException("SHA-256 is part of every JRE", e);
      }
    }

    String address() {
      return Addresses.ATTACHMENT_UPLOAD_PREFIX + id;
    }

    void touch() {
      vertx.cancelTimer(idleTimer);
      idleTimer = vertx.setTimer(IDLE_MS, t -> abort("no chunk for " + IDLE_MS + " ms"));
    }

    Future<?> handle(Message<Object> msg) {
      if (finished) {
        return Future.failedFuture(ServiceError.notFound("Upload"));
      }
      touch();
      Object body = msg.body();
      if (body instanceof Buffer) {
        return chunk((Buffer) body, msg.headers().get(Addresses.ATTACHMENT_OFFSET));
      }
      if (body instanceof JsonObject && "end".equals(((JsonObject) body).getString("op"))) {
        return end(((JsonObject) body).getString("filename"));
      }
      return abort("the gateway gave it up").map(new JsonObject());
    }

    /** The next bytes; they must start where the previous ones ended (chunks of one sender arrive in order). */
    private Future<JsonObject> chunk(Buffer bytes, String offset) {
      if (offset == null || !offset.equals(Long.toString(received))) {
        return abort("a chunk out of order")
          .compose(v -> Future.failedFuture(new ServiceError(ErrorCode.VALIDATION, "Upload chunk out of order")));
      }
      if (received + bytes.length() > maxBytes) {
        return abort("more than " + maxBytes + " bytes").compose(v -> Future.failedFuture(tooLarge()));
      }
      byte[] raw = bytes.getBytes();
      digest.update(raw);
      sniffer.update(raw, 0, raw.length);
      long at = received;
      received += raw.length;
      return file.write(bytes, at).map(written -> new JsonObject().put("received", received));
    }

    /** All bytes are in: stored (once per SHA-256) with the attachment's row; answers the attachment. */
    private Future<JsonObject> end(String filename) {
      finish();
      if (!membership.isMember(chatId, uploader)) {
        return file.close().transform(ar -> deleteTemp()).compose(v -> Future.failedFuture(ServiceError.notFound("Chat")));
      }
      String sha256 = HexFormat.of().formatHex(digest.digest());
      String contentType = sniffer.contentType();
      String name = FileNames.sanitize(filename);
      long size = received;
      long now = System.currentTimeMillis();
      return file.flush().compose(flushed -> file.close())
        .compose(closed -> blobs.put(sha256, temp, size,
          tx -> rows.insert(tx, chatId, uploader, name, contentType, size, sha256, now)))
        .map(attachmentId -> {
          LOG.debug("Attachment {} ({} bytes, {}) uploaded to chat {} by user {}", attachmentId, size, contentType,
            chatId, uploader);
          return Views.attachment(new AttachmentRow(attachmentId, chatId, uploader, null, name, contentType, size,
            sha256, now));
        })
        .onFailure(err -> deleteTemp());
    }

    /** Drops the upload and its temp file; completes once the file is gone. */
    Future<Void> abort(String why) {
      if (finished) {
        return Future.succeededFuture();
      }
      LOG.debug("Upload {} to chat {} dropped: {}", id, chatId, why);
      finish();
      return file.close().transform(ar -> deleteTemp());
    }

    private void finish() {
      finished = true;
      vertx.cancelTimer(idleTimer);
      uploads.remove(id);
      if (consumer != null) {
        consumer.unregister();
      }
    }

    private Future<Void> deleteTemp() {
      return vertx.fileSystem().exists(temp.toString())
        .compose(exists -> exists ? vertx.fileSystem().delete(temp.toString()) : Future.succeededFuture())
        .otherwiseEmpty();
    }
  }

  // ---- download -----------------------------------------------------------------------

  /** {@code {user_id, chat_id, attachment_id}} -> the attachment object. */
  Future<JsonObject> open(JsonObject body) {
    long caller = Validation.caller(body);
    Fields in = new Fields(body);
    long chatId = Validation.chatId(in);
    long attachmentId = in.idOrText("attachment_id");
    in.throwIfInvalid();
    requireMember(chatId, caller);
    return rows.ofChat(attachmentId, chatId).map(row -> {
      if (row == null) {
        throw ServiceError.notFound("Attachment");
      }
      return Views.attachment(row);
    });
  }

  /** {@code {sha256, size, index}} -> Buffer, chunk {@code index} of those bytes. */
  Future<Buffer> chunk(Message<Object> msg) {
    if (!(msg.body() instanceof JsonObject)) {
      throw new ServiceError(ErrorCode.VALIDATION, "Request body must be a JSON object");
    }
    JsonObject body = (JsonObject) msg.body();
    Fields in = new Fields(body);
    String sha256 = in.requiredString("sha256");
    long size = in.wholeNumber("size", 0);
    long index = in.wholeNumber("index", 0);
    if (sha256 != null && !SHA256.matcher(sha256).matches()) {
      in.reject("sha256", "must be 64 lower-case hexadecimal digits");
    }
    if (size < 0 || size > maxBytes * 2 || index < 0 || index * Addresses.ATTACHMENT_CHUNK_BYTES > Math.max(0, size - 1)) {
      in.reject("index", "is beyond the file");
    }
    in.throwIfInvalid();
    return blobs.chunk(sha256, size, (int) index);
  }

  // ---- messages -----------------------------------------------------------------------

  /**
   * The attachment objects of a send's {@code attachment_ids}, checked: each an upload of the
   * caller in this chat, not attached yet (nor claimed by a send still committing); claimed until
   * {@link #unclaim}. Fails VALIDATION naming {@code attachment_ids}.
   */
  Future<JsonArray> claim(long caller, long chatId, List<Long> ids) {
    Set<Long> distinct = new LinkedHashSet<>(ids);
    if (distinct.size() != ids.size()) {
      return Future.failedFuture(ServiceError.validation("attachment_ids", "must not repeat an id"));
    }
    for (Long id : distinct) {
      if (claimed.contains(id)) {
        return Future.failedFuture(ServiceError.validation("attachment_ids", "attachment " + id + " is already attached"));
      }
    }
    return rows.byIds(distinct).compose(found -> {
      JsonArray views = new JsonArray();
      for (Long id : distinct) {
        AttachmentRow row = found.get(id);
        if (row == null || row.chatId() != chatId || row.uploaderId() != caller) {
          return Future.failedFuture(ServiceError.validation("attachment_ids",
            "attachment " + id + " is not an upload of yours in this chat"));
        }
        if (row.messageId() != null || claimed.contains(id)) {
          return Future.failedFuture(ServiceError.validation("attachment_ids", "attachment " + id + " is already attached"));
        }
        views.add(Views.attachment(row));
      }
      claimed.addAll(distinct);
      return Future.succeededFuture(views);
    });
  }

  void unclaim(List<Long> ids) {
    ids.forEach(claimed::remove);
  }

  /** Per message id, its attachments (for the message objects of history, feed, edits, administration). */
  Future<Map<Long, JsonArray>> ofMessages(java.util.Collection<Long> messageIds) {
    return rows.ofMessages(messageIds);
  }

  // ---- expiry -------------------------------------------------------------------------

  /** Removes uploads never attached within the setting's hours, a few hundred per run. */
  void expireUnused() {
    long bound = System.currentTimeMillis() - unusedMs;
    rows.unattachedBefore(bound, 500).compose(ids -> {
      Future<Integer> done = Future.succeededFuture(0);
      for (Long id : ids) {
        if (claimed.contains(id)) {
          continue;
        }
        done = done.compose(n -> store.inTransaction(tx -> rows.deleteUnattached(tx, id))
          .compose(shas -> {
            Future<Void> removed = Future.succeededFuture();
            for (String sha : shas) {
              removed = removed.compose(v -> blobs.removeIfUnused(sha));
            }
            return removed.map(n + shas.size());
          }));
      }
      return done;
    }).onSuccess(n -> {
      if (n > 0) {
        LOG.info("Removed {} uploads never attached to a message", n);
      }
    }).onFailure(err -> LOG.warn("Expiring unattached uploads failed: {}", err.toString()));
  }

  private void requireMember(long chatId, long userId) {
    if (!membership.isMember(chatId, userId)) {
      throw ServiceError.notFound("Chat");
    }
  }

  /** Temp files of uploads, under the data directory (both stores). */
  static Path tempDir(Path dataDir) {
    return dataDir.resolve("attachments").resolve("tmp");
  }
}
