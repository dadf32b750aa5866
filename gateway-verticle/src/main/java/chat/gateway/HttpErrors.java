package chat.gateway;

import chat.shared.ErrorCode;
import chat.shared.ServiceError;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one failure handler of the gateway: every failed request, whatever failed it, answers
 * with the contract's JSON error body and the status of its {@link ErrorCode}. Nothing about
 * the failure's internals (stack, class, message of an unexpected exception) reaches the client.
 * That includes what Vert.x refuses before any route runs: the router's own errors (a path
 * with a broken percent-escape) through {@link #mountOn}, and the HTTP server's invalid
 * requests (bad request line, oversized URI or headers) through {@link #invalidRequest}. A
 * request no route served is 405 {@code method_not_allowed} with {@code Allow} when its path is
 * served with other methods ({@link AllowedMethods}), else 404 {@code not_found}
 * ({@link #unserved}). Client faults are logged at debug, never as an ERROR with a stack.
 */
final class HttpErrors {

  private static final Logger LOG = LoggerFactory.getLogger(HttpErrors.class);

  private HttpErrors() {
  }

  /** Statuses the router answers by itself (no route, or an error while matching) that we map. */
  private static final int[] ROUTER_STATUSES = {400, 401, 403, 404, 405, 413, 414, 431, 500};

  /**
   * The failure handler of every route, and the router's error handler for the statuses it
   * raises itself (a path that cannot be decoded fails while routes are matched, with no
   * failure handler in reach; without these Vert.x answers plain text and logs an ERROR). Its
   * 404 (and 405) mean no route served the request: answered by {@link #unserved}, counting the
   * static files of the web root too. Call after every route is mounted.
   */
  static void mountOn(Router router, AllowedMethods methods) {
    router.route().failureHandler(HttpErrors::handle);
    for (int status : ROUTER_STATUSES) {
      if (status == 404 || status == 405) {
        router.errorHandler(status, ctx -> unrouted(ctx, status, methods));
      } else {
        router.errorHandler(status, ctx -> handle(ctx, status));
      }
    }
  }

  static void handle(RoutingContext ctx) {
    handle(ctx, ctx.statusCode());
  }

  /**
   * The failure for a request no route served: 405 {@code method_not_allowed} when its path is
   * served with other methods ({@code allowed}, then named in the response's {@code Allow}
   * header), else {@code notFound}.
   */
  static ServiceError unserved(RoutingContext ctx, Set<HttpMethod> allowed, ServiceError notFound) {
    if (allowed.isEmpty()) {
      return notFound;
    }
    ctx.response().putHeader(HttpHeaders.ALLOW,
      allowed.stream().map(HttpMethod::name).collect(Collectors.joining(", ")));
    return toServiceError(null, 405);
  }

  /** The router found no route for the request (its 404, or its 405 were it ever raised). */
  private static void unrouted(RoutingContext ctx, int status, AllowedMethods methods) {
    if (ctx.failure() != null || undecodableQuery(ctx.request().query()) != null) {
      handle(ctx, status);
      return;
    }
    methods.ofRoutesAndFiles(ctx).onComplete(ar -> {
      if (!ctx.response().closed()) {
        answer(ctx, unserved(ctx, ar.succeeded() ? ar.result() : Set.of(), toServiceError(null, 404)));
      }
    });
  }

  private static void handle(RoutingContext ctx, int status) {
    ServiceError error = ctx.failure() instanceof ServiceError ? null : undecodableQuery(ctx.request().query());
    if (error == null) {
      error = toServiceError(ctx.failure(), status);
    }
    answer(ctx, error);
  }

  private static void answer(RoutingContext ctx, ServiceError error) {
    if (error.code() == ErrorCode.INTERNAL) {
      LOG.error("Request {} {} failed", ctx.request().method(), ctx.request().path(), ctx.failure());
    } else if (!(ctx.failure() instanceof ServiceError) && LOG.isDebugEnabled()) {
      LOG.debug("Request refused with {}: {}", error.code().httpStatus(), String.valueOf(ctx.failure()));
    }
    HttpServerResponse response = ctx.response();
    if (response.headWritten()) {
      response.reset();
      return;
    }
    if (error.code() == ErrorCode.RATE_LIMITED) {
      // The service that refused says when a retry can pass (login limits); else one second.
      long retryAfter = error.retryAfterSeconds() > 0 ? error.retryAfterSeconds() : 1;
      response.putHeader("Retry-After", Long.toString(retryAfter));
    }
    if (error.code() == ErrorCode.PAYLOAD_TOO_LARGE) {
      // The rest of an oversized body is not read; close instead of draining it.
      response.putHeader("Connection", "close");
    }
    Json.send(ctx, error.code().httpStatus(), error.toErrorBody());
  }

  /**
   * The HTTP server's invalid-request handler: a request Netty could not decode never reaches
   * the router. Answered with the contract's error and the connection closed (what follows
   * on it cannot be framed), as Vert.x's default handler does.
   */
  static void invalidRequest(HttpServerRequest request) {
    long start = System.nanoTime();
    Throwable cause = request.decoderResult().cause();
    int status = cause instanceof TooLongHttpLineException ? 414
      : cause instanceof TooLongHttpHeaderException ? 431
      : 400;
    ServiceError error = toServiceError(cause, status);
    LOG.debug("Invalid request refused with {}: {}", status, String.valueOf(cause));
    HttpServerResponse response = request.response()
      .setStatusCode(status)
      .putHeader("Content-Type", "application/json; charset=utf-8")
      .putHeader("Cache-Control", "no-store")
      .putHeader("Connection", "close");
    response.end(error.toErrorBody().encode()).onComplete(ar -> request.connection().close());
    AccessLog.unrouted(request.method() == null ? "-" : request.method().name(), status, start);
  }

  /** Query parameter names echoed as field names; anything else is reported as "query". */
  private static final Pattern PARAM_NAME = Pattern.compile("[A-Za-z0-9_]{1,64}");

  /**
   * A query string with a broken percent-escape fails wherever it is first decoded (the router's
   * matching of path parameters: 400 without a route; a handler's {@code getParam}: an
   * IllegalArgumentException). Either way it is the client's bad value: 400 naming each
   * parameter whose value cannot be decoded. Null when the query decodes (or there is none).
   */
  static ServiceError undecodableQuery(String rawQuery) {
    if (rawQuery == null || rawQuery.isEmpty()) {
      return null;
    }
    try {
      new QueryStringDecoder(rawQuery, false).parameters();
      return null;
    } catch (IllegalArgumentException undecodable) {
      JsonObject fields = new JsonObject();
      for (String pair : rawQuery.split("&")) {
        int eq = pair.indexOf('=');
        String name = eq < 0 ? pair : pair.substring(0, eq);
        String value = eq < 0 ? "" : pair.substring(eq + 1);
        if (!decodable(name) || !PARAM_NAME.matcher(name).matches()) {
          fields.put("query", "must be a percent-encoded query string");
        } else if (!decodable(value)) {
          fields.put(name, "must be percent-encoded UTF-8 text");
        }
      }
      if (fields.isEmpty()) {
        fields.put("query", "must be a percent-encoded query string");
      }
      return new ServiceError(ErrorCode.VALIDATION, "The query string cannot be decoded", fields);
    }
  }

  private static boolean decodable(String component) {
    try {
      QueryStringDecoder.decodeComponent(component);
      return true;
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  private static ServiceError toServiceError(Throwable failure, int status) {
    if (failure instanceof ServiceError) {
      return (ServiceError) failure;
    }
    switch (status) {
      case 400:
        return new ServiceError(ErrorCode.VALIDATION, "Bad request");
      case 401:
        return new ServiceError(ErrorCode.UNAUTHENTICATED, "Log in first");
      case 403:
        return new ServiceError(ErrorCode.FORBIDDEN, "Forbidden");
      case 404:
        return ServiceError.notFound("Resource");
      case 405:
        return new ServiceError(ErrorCode.METHOD_NOT_ALLOWED, "Method not allowed on this resource");
      case 413:
        return new ServiceError(ErrorCode.PAYLOAD_TOO_LARGE, "Request body is too large");
      case 414:
        return new ServiceError(ErrorCode.URI_TOO_LONG, "Request line is too long");
      case 431:
        return new ServiceError(ErrorCode.HEADERS_TOO_LARGE, "Request headers are too large");
      default:
        return new ServiceError(ErrorCode.INTERNAL, "Internal error");
    }
  }
}
