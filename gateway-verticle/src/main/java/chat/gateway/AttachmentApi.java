package chat.gateway;

import chat.shared.Addresses;
import chat.shared.ErrorCode;
import chat.shared.ServiceBus;
import chat.shared.ServiceError;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerFileUpload;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code /api/chats/{id}/attachments} (issue 14). The gateway keeps no file: an upload's
 * multipart part {@code file} is streamed, as it arrives, to the chat instance that answered
 * the upload's {@code begin}, in chunks of {@link Addresses#ATTACHMENT_CHUNK_BYTES} with at most
 * {@value #IN_FLIGHT} unanswered at once (the request is paused meanwhile: back-pressure down to
 * the client's socket); a download pulls one chunk at a time from any chat instance, asking for
 * the next only when the response's write queue has room. Memory per transfer: a few chunks.
 */
final class AttachmentApi {

  private static final Logger LOG = LoggerFactory.getLogger(AttachmentApi.class);

  /** Chunks of one upload sent and not yet answered. */
  static final int IN_FLIGHT = 2;
  /** Room for the multipart framing (boundaries, part headers) beyond the file in a Content-Length. */
  static final long MULTIPART_OVERHEAD = 16 * 1024;
  /** After refusing an upload, its remaining bytes are read and dropped this long, then the connection closes. */
  static final long DRAIN_MS = 2_000;
  private static final String UPLOAD_KEY = "chat.attachment.upload";
  private static final Pattern UPLOAD_PATH = Pattern.compile("/api/chats/[^/]+/attachments/?");

  private final Vertx vertx;
  private final ServiceBus services;
  private final long maxBytes;

  AttachmentApi(Vertx vertx, ServiceBus services, long maxBytes) {
    this.vertx = vertx;
    this.services = services;
    this.maxBytes = maxBytes;
  }

  void mount(Router router) {
    router.post("/api/chats/:chatId/attachments").handler(this::upload);
    // Whatever refused an upload (CSRF, session, this class), the answer waits for the body: drain.
    router.post("/api/chats/:chatId/attachments").failureHandler(this::drainThenAnswer);
    router.get("/api/chats/:chatId/attachments/:attachmentId").handler(this::download);
  }

  /**
   * The router's first body step: every request but an upload goes through {@code bodyHandler};
   * an upload's body is never buffered. A Content-Length that cannot fit is refused at once;
   * else the multipart decoder is set up and the {@code file} part, once it starts, is held
   * paused until {@link #upload} (after the session, CSRF and user checks) takes it.
   */
  Handler<RoutingContext> bodyHandlerUnlessUpload(Handler<RoutingContext> bodyHandler) {
    return ctx -> {
      HttpServerRequest request = ctx.request();
      if (request.method() != HttpMethod.POST || !UPLOAD_PATH.matcher(ctx.normalizedPath()).matches()) {
        bodyHandler.handle(ctx);
        return;
      }
      String length = request.getHeader("Content-Length");
      if (length != null && length.chars().allMatch(Character::isDigit) && length.length() < 19
        && Long.parseLong(length) > maxBytes + MULTIPART_OVERHEAD) {
        refuse(ctx, tooLarge());
        return;
      }
      PendingUpload pending = new PendingUpload();
      ctx.put(UPLOAD_KEY, pending);
      try {
        request.setExpectMultipart(true);
        request.uploadHandler(pending::arrived);
        request.endHandler(v -> pending.ended());
      } catch (IllegalStateException notMultipart) {
        pending.notMultipart = true;
      }
      ctx.next();
    };
  }

  /** The request's file part, held until the route is ready for it. */
  private static final class PendingUpload {
    HttpServerFileUpload upload;
    boolean ended;
    boolean notMultipart;
    boolean taken;
    Handler<HttpServerFileUpload> waiting;
    Handler<Void> endedWithoutFile;

    void arrived(HttpServerFileUpload part) {
      if (upload != null || !"file".equals(part.name())) {
        // Only the first part named file is read; any other file part is dropped unread.
        part.handler(null);
        return;
      }
      part.pause();
      upload = part;
      if (waiting != null) {
        Handler<HttpServerFileUpload> w = waiting;
        waiting = null;
        w.handle(part);
      }
    }

    void ended() {
      ended = true;
      if (upload == null && endedWithoutFile != null) {
        endedWithoutFile.handle(null);
      }
    }

    /** Calls {@code then} with the file part, now or once it starts; {@code none} if the request ends without one. */
    void take(Handler<HttpServerFileUpload> then, Handler<Void> none) {
      taken = true;
      if (upload != null) {
        then.handle(upload);
      } else if (ended) {
        none.handle(null);
      } else {
        waiting = then;
        endedWithoutFile = none;
      }
    }
  }

  private ServiceError tooLarge() {
    return new ServiceError(ErrorCode.PAYLOAD_TOO_LARGE, "An attachment may have at most " + maxBytes + " bytes");
  }

  private static ServiceError noFilePart() {
    return ServiceError.validation("file", "must be a multipart/form-data part named file");
  }

  /** Fails the upload with {@code error}; {@link #drainThenAnswer} answers it. */
  private static void refuse(RoutingContext ctx, ServiceError error) {
    ctx.fail(error);
  }

  /**
   * The failure handler of the upload route: the error is answered (by {@link HttpErrors}, next)
   * once the client sent the rest of its body, read and dropped so that the client reads the
   * answer instead of a reset, or after {@value #DRAIN_MS} ms of it; then the connection closes.
   */
  private void drainThenAnswer(RoutingContext ctx) {
    HttpServerRequest request = ctx.request();
    if (request.isEnded()) {
      ctx.next();
      return;
    }
    boolean[] answered = {false};
    Handler<Void> answer = v -> {
      if (!answered[0]) {
        answered[0] = true;
        if (!request.isEnded()) {
          ctx.addEndHandler(ended -> request.connection().close());
        }
        ctx.next();
      }
    };
    long timer = vertx.setTimer(DRAIN_MS, t -> answer.handle(null));
    request.handler(bytes -> { });
    request.endHandler(v -> {
      vertx.cancelTimer(timer);
      answer.handle(null);
    });
    PendingUpload pending = ctx.get(UPLOAD_KEY);
    if (pending != null && pending.upload != null) {
      pending.upload.handler(bytes -> { }).resume();
    }
    request.resume();
  }

  // ---- upload -------------------------------------------------------------------------

  private void upload(RoutingContext ctx) {
    JsonObject user;
    long chatId;
    try {
      user = SessionUsers.require(ctx);
      chatId = Handlers.pathId(ctx, "chatId");
    } catch (ServiceError e) {
      refuse(ctx, e);
      return;
    }
    PendingUpload pending = ctx.get(UPLOAD_KEY);
    if (pending == null || pending.notMultipart) {
      refuse(ctx, noFilePart());
      return;
    }
    JsonObject begin = new JsonObject().put("user_id", user.getLong("id")).put("chat_id", chatId);
    String length = ctx.request().getHeader("Content-Length");
    if (length != null && length.chars().allMatch(Character::isDigit) && length.length() < 19) {
      // What the file can be at most: the chat service refuses it at once when even that is too much.
      begin.put("declared_size", Math.max(0, Long.parseLong(length) - MULTIPART_OVERHEAD));
    }
    services.request(Addresses.CHAT_ATTACHMENT_BEGIN, begin).onComplete(begun -> {
      if (begun.failed()) {
        refuse(ctx, ServiceError.from(begun.cause()));
        return;
      }
      Transfer transfer = new Transfer(ctx, begun.result().getString("upload_address"));
      pending.take(transfer::start, none -> transfer.fail(noFilePart()));
    });
  }

  /** One upload on its way to its chat instance. */
  private final class Transfer {
    final RoutingContext ctx;
    final String address;
    final int chunkBytes = Addresses.ATTACHMENT_CHUNK_BYTES;
    HttpServerFileUpload part;
    Buffer pending = Buffer.buffer();
    long sent;
    long received;
    int inFlight;
    boolean partEnded;
    boolean done;

    Transfer(RoutingContext ctx, String address) {
      this.ctx = ctx;
      this.address = address;
    }

    void start(HttpServerFileUpload part) {
      this.part = part;
      ctx.response().closeHandler(v -> fail(new ServiceError(ErrorCode.VALIDATION, "The client went away")));
      part.exceptionHandler(err -> fail(new ServiceError(ErrorCode.VALIDATION, "The upload broke off")));
      part.handler(this::bytes);
      part.endHandler(v -> {
        partEnded = true;
        flush(true);
      });
      part.resume();
    }

    private void bytes(Buffer bytes) {
      if (done) {
        return;
      }
      received += bytes.length();
      if (received > maxBytes) {
        fail(tooLarge());
        return;
      }
      pending.appendBuffer(bytes);
      flush(false);
    }

    /** Sends every whole chunk held (and the rest at the end) while fewer than IN_FLIGHT are unanswered. */
    private void flush(boolean last) {
      while (!done && inFlight < IN_FLIGHT && (pending.length() >= chunkBytes || (last && pending.length() > 0))) {
        int n = Math.min(chunkBytes, pending.length());
        Buffer chunk = pending.getBuffer(0, n);
        pending = pending.getBuffer(n, pending.length());
        send(chunk);
      }
      if (done) {
        return;
      }
      if (pending.length() >= chunkBytes) {
        part.pause();
      } else if (!partEnded) {
        part.resume();
      }
      if (partEnded && pending.length() == 0 && inFlight == 0) {
        end();
      }
    }

    private void send(Buffer chunk) {
      long offset = sent;
      sent += chunk.length();
      inFlight++;
      services.<JsonObject>requestAny(address, chunk,
          new DeliveryOptions().addHeader(Addresses.ATTACHMENT_OFFSET, Long.toString(offset)))
        .onComplete(ar -> {
          inFlight--;
          if (ar.failed()) {
            fail(ServiceError.from(ar.cause()));
          } else {
            flush(partEnded);
          }
        });
    }

    private void end() {
      done = true;
      JsonObject end = new JsonObject().put("op", "end").put("filename", part.filename());
      services.request(address, end).onComplete(ar -> {
        if (ar.succeeded()) {
          Json.send(ctx, 201, ar.result());
        } else {
          refuse(ctx, ServiceError.from(ar.cause()));
        }
      });
    }

    /** Gives the upload up: the chat instance drops its temp file; the client gets the error. */
    void fail(ServiceError error) {
      if (done) {
        return;
      }
      done = true;
      pending = Buffer.buffer();
      // Answered once the chat instance dropped the temp file (or could not be told: it drops it when idle).
      services.request(address, new JsonObject().put("op", "abort"))
        .onFailure(err -> LOG.debug("Abort of upload {} not delivered (the instance drops it when idle): {}",
          address, err.toString()))
        .onComplete(ar -> {
          if (!ctx.response().ended() && !ctx.response().closed()) {
            refuse(ctx, error);
          }
        });
    }
  }

  // ---- download -----------------------------------------------------------------------

  private void download(RoutingContext ctx) {
    JsonObject command;
    try {
      JsonObject user = SessionUsers.require(ctx);
      command = new JsonObject()
        .put("user_id", user.getLong("id"))
        .put("chat_id", Handlers.pathId(ctx, "chatId"))
        .put("attachment_id", Handlers.pathId(ctx, "attachmentId", "Attachment"));
    } catch (ServiceError e) {
      ctx.fail(e);
      return;
    }
    services.request(Addresses.CHAT_ATTACHMENT_OPEN, command).onComplete(opened -> {
      if (opened.failed()) {
        ctx.fail(opened.cause());
        return;
      }
      JsonObject attachment = opened.result();
      long size = attachment.getLong("size");
      String contentType = attachment.getString("content_type");
      HttpServerResponse response = ctx.response()
        .setStatusCode(200)
        .putHeader("Content-Type", contentType)
        .putHeader("Content-Length", Long.toString(size))
        .putHeader("X-Content-Type-Options", "nosniff")
        .putHeader("Cache-Control", "private")
        .putHeader("Content-Disposition", disposition(contentType, attachment.getString("filename")));
      if (size == 0) {
        response.end();
        return;
      }
      pull(response, attachment.getString("sha256"), size, 0);
    });
  }

  /** Writes chunk {@code index}, then asks for the next once the write queue has room. */
  private void pull(HttpServerResponse response, String sha256, long size, int index) {
    long chunks = (size + Addresses.ATTACHMENT_CHUNK_BYTES - 1) / Addresses.ATTACHMENT_CHUNK_BYTES;
    if (index >= chunks) {
      response.end();
      return;
    }
    JsonObject ask = new JsonObject().put("sha256", sha256).put("size", size).put("index", index);
    services.<Buffer>requestAny(Addresses.CHAT_ATTACHMENT_CHUNK, ask, new DeliveryOptions()).onComplete(ar -> {
      if (response.closed()) {
        return;
      }
      if (ar.failed()) {
        // The head is out: all that is left is to break the response off.
        LOG.warn("Download of {} broke off at chunk {}: {}", sha256, index, ar.cause().toString());
        response.reset();
        return;
      }
      response.write(ar.result());
      if (response.writeQueueFull()) {
        response.drainHandler(v -> pull(response, sha256, size, index + 1));
      } else {
        pull(response, sha256, size, index + 1);
      }
    });
  }

  /** {@code inline} for the image types, {@code attachment} otherwise; the name as RFC 6266/5987 spell it. */
  static String disposition(String contentType, String filename) {
    String kind = IMAGE_TYPES.contains(contentType) ? "inline" : "attachment";
    String name = filename == null || filename.isEmpty() ? "file" : filename;
    StringBuilder ascii = new StringBuilder(name.length());
    name.codePoints().forEach(cp -> ascii.append(cp >= 0x20 && cp < 0x7F && cp != '"' && cp != '\\' && cp != '%'
      ? (char) cp : '_'));
    String encoded = URLEncoder.encode(name, StandardCharsets.UTF_8).replace("+", "%20").replace("*", "%2A");
    return kind + "; filename=\"" + ascii + "\"; filename*=UTF-8''" + encoded;
  }

  private static final List<String> IMAGE_TYPES = List.of("image/png", "image/jpeg", "image/gif", "image/webp");
}
