package chat.shared;

import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;

/**
 * A failure a service reports to its caller: a contract {@link ErrorCode}, a message for
 * humans and, for validation, the offending fields. Over the event bus it travels as a
 * {@link ReplyException} whose failure code is {@link ErrorCode#code()} and whose message is
 * {@code {"message":..., "fields":{...}, "retry_after":n}}; {@link #from(Throwable)} turns it back.
 * {@code retry_after} (seconds) rides along on RATE_LIMITED so the gateway can say in
 * {@code Retry-After} when the next attempt is possible.
 */
public final class ServiceError extends RuntimeException {

  private final ErrorCode code;
  private final JsonObject fields;
  /** Seconds until a retry can succeed, or 0 when unknown. */
  private final long retryAfterSeconds;

  public ServiceError(ErrorCode code, String message) {
    this(code, message, null);
  }

  public ServiceError(ErrorCode code, String message, JsonObject fields) {
    this(code, message, fields, 0);
  }

  private ServiceError(ErrorCode code, String message, JsonObject fields, long retryAfterSeconds) {
    super(message, null, false, false);
    this.code = code;
    this.fields = fields == null || fields.isEmpty() ? null : fields;
    this.retryAfterSeconds = Math.max(0, retryAfterSeconds);
  }

  /** RATE_LIMITED, with the whole seconds (at least 1) after which a retry may pass. */
  public static ServiceError rateLimited(String message, long retryAfterSeconds) {
    return new ServiceError(ErrorCode.RATE_LIMITED, message, null, Math.max(1, retryAfterSeconds));
  }

  public static ServiceError validation(String field, String problem) {
    return new ServiceError(ErrorCode.VALIDATION, "Invalid " + field + ": " + problem,
      new JsonObject().put(field, problem));
  }

  public static ServiceError notFound(String what) {
    return new ServiceError(ErrorCode.NOT_FOUND, what + " not found");
  }

  public ErrorCode code() {
    return code;
  }

  /** Field name to problem, or null. */
  public JsonObject fields() {
    return fields;
  }

  /** Seconds after which a retry may pass (for {@code Retry-After}), or 0 when not known. */
  public long retryAfterSeconds() {
    return retryAfterSeconds;
  }

  /** The payload sent as the ReplyException message. */
  public String encodeForReply() {
    JsonObject json = new JsonObject().put("message", getMessage());
    if (fields != null) {
      json.put("fields", fields);
    }
    if (retryAfterSeconds > 0) {
      json.put("retry_after", retryAfterSeconds);
    }
    return json.encode();
  }

  /** The contract's error body: {@code {"error":{"code","message","fields"?}}}. */
  public JsonObject toErrorBody() {
    JsonObject error = new JsonObject().put("code", code.wireName()).put("message", getMessage());
    if (fields != null) {
      error.put("fields", fields);
    }
    return new JsonObject().put("error", error);
  }

  /**
   * Maps any failure of a service call to a ServiceError: our own errors come back as they
   * were sent; a missing service is UNAVAILABLE, a silent one TIMEOUT; anything else INTERNAL
   * (its text is not passed on, it may hold internals).
   */
  public static ServiceError from(Throwable failure) {
    if (failure instanceof ServiceError) {
      return (ServiceError) failure;
    }
    if (failure instanceof ReplyException) {
      ReplyException re = (ReplyException) failure;
      if (re.failureType() == ReplyFailure.NO_HANDLERS) {
        return new ServiceError(ErrorCode.UNAVAILABLE, "A service is not available, try again shortly");
      }
      if (re.failureType() == ReplyFailure.TIMEOUT) {
        return new ServiceError(ErrorCode.TIMEOUT, "A service did not answer in time");
      }
      ErrorCode code = ErrorCode.ofCode(re.failureCode());
      if (code != null) {
        try {
          JsonObject json = new JsonObject(re.getMessage());
          Object retryAfter = json.getValue("retry_after");
          return new ServiceError(code, json.getString("message", code.wireName()), json.getJsonObject("fields"),
            retryAfter instanceof Number ? ((Number) retryAfter).longValue() : 0);
        } catch (DecodeException | ClassCastException | NullPointerException e) {
          return new ServiceError(code, code.wireName());
        }
      }
    }
    return new ServiceError(ErrorCode.INTERNAL, "Internal error");
  }
}
