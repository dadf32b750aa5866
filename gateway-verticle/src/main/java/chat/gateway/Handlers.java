package chat.gateway;

import chat.shared.ServiceError;
import chat.shared.validation.Ids;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.OptionalLong;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.function.Function;

/** Adapts an asynchronous operation to a route handler: success is JSON, failure goes to {@link HttpErrors}. */
final class Handlers {

  private Handlers() {
  }

  static Handler<RoutingContext> json(int status, Function<RoutingContext, Future<JsonObject>> operation) {
    return ctx -> {
      Future<JsonObject> result;
      try {
        result = operation.apply(ctx);
      } catch (ServiceError e) {
        ctx.fail(e);
        return;
      } catch (RuntimeException e) {
        ctx.fail(e);
        return;
      }
      result.onComplete(ar -> {
        if (ar.succeeded()) {
          Json.send(ctx, status, ar.result());
        } else {
          ctx.fail(ar.cause());
        }
      });
    };
  }

  /** Like {@link #json} for an operation whose success has no body (204 No Content). */
  static Handler<RoutingContext> noContent(Function<RoutingContext, Future<?>> operation) {
    return ctx -> {
      Future<?> result;
      try {
        result = operation.apply(ctx);
      } catch (RuntimeException e) {
        ctx.fail(e);
        return;
      }
      result.onComplete(ar -> {
        if (ar.succeeded()) {
          ctx.response().setStatusCode(204).putHeader("Cache-Control", "no-store").end();
        } else {
          ctx.fail(ar.cause());
        }
      });
    };
  }

  /**
   * The last segment of the request path as text, percent-decoded strictly: the bytes must be
   * well-formed UTF-8 (no overlong forms, no encoded surrogates, no truncated sequences), else a
   * VALIDATION failure on {@code field}. vertx-web's own path parameters decode a bad sequence
   * to U+FFFD silently, so this reads the raw (normalised) path instead.
   */
  static String lastPathSegmentText(RoutingContext ctx, String field) {
    String path = ctx.normalizedPath();
    int end = path.endsWith("/") ? path.length() - 1 : path.length();
    String raw = path.substring(path.lastIndexOf('/', end - 1) + 1, end);
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(raw.length());
    for (int i = 0; i < raw.length(); ) {
      if (raw.charAt(i) == '%') {
        int hi = i + 2 < raw.length() ? Character.digit(raw.charAt(i + 1), 16) : -1;
        int lo = hi < 0 ? -1 : Character.digit(raw.charAt(i + 2), 16);
        if (lo < 0) {
          throw ServiceError.validation(field, "must be percent-encoded UTF-8");
        }
        bytes.write(hi * 16 + lo);
        i += 3;
      } else {
        int cp = raw.codePointAt(i);
        bytes.writeBytes(new String(Character.toChars(cp)).getBytes(StandardCharsets.UTF_8));
        i += Character.charCount(cp);
      }
    }
    try {
      return StandardCharsets.UTF_8.newDecoder()
        .onMalformedInput(CodingErrorAction.REPORT)
        .onUnmappableCharacter(CodingErrorAction.REPORT)
        .decode(ByteBuffer.wrap(bytes.toByteArray()))
        .toString();
    } catch (CharacterCodingException e) {
      throw ServiceError.validation(field, "must be percent-encoded UTF-8");
    }
  }

  /** A positive id from the path; anything else is "not found", as an unknown id would be. */
  static long pathId(RoutingContext ctx, String name) {
    return pathId(ctx, name, "chatId".equals(name) ? "Chat" : "Participant");
  }

  /** The same, naming {@code what} was not found. */
  static long pathId(RoutingContext ctx, String name, String what) {
    OptionalLong id = Ids.parse(ctx.pathParam(name));
    if (id.isEmpty()) {
      throw ServiceError.notFound(what);
    }
    return id.getAsLong();
  }
}
