package chat.gateway;

import chat.shared.ErrorCode;
import chat.shared.ServiceError;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one failure handler of the gateway: every failed request, whatever failed it, answers
 * with the contract's JSON error body and the status of its {@link ErrorCode}. Nothing about
 * the failure's internals (stack, class, message of an unexpected exception) reaches the client.
 */
final class HttpErrors {

  private static final Logger LOG = LoggerFactory.getLogger(HttpErrors.class);

  private HttpErrors() {
  }

  static void handle(RoutingContext ctx) {
    ServiceError error = toServiceError(ctx);
    if (error.code() == ErrorCode.INTERNAL) {
      LOG.error("Request {} {} failed", ctx.request().method(), ctx.request().path(), ctx.failure());
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

  private static ServiceError toServiceError(RoutingContext ctx) {
    Throwable failure = ctx.failure();
    if (failure instanceof ServiceError) {
      return (ServiceError) failure;
    }
    switch (ctx.statusCode()) {
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
      default:
        return new ServiceError(ErrorCode.INTERNAL, "Internal error");
    }
  }
}
