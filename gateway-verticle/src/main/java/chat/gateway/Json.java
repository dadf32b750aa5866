package chat.gateway;

import chat.shared.ErrorCode;
import chat.shared.ServiceError;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RequestBody;
import io.vertx.ext.web.RoutingContext;

/** Reading JSON request bodies and writing JSON responses. */
final class Json {

  private Json() {
  }

  /** The request body as a JSON object, or a VALIDATION failure that says what is wrong. */
  static JsonObject body(RoutingContext ctx) {
    RequestBody body = ctx.body();
    if (body == null || body.isEmpty()) {
      throw new ServiceError(ErrorCode.VALIDATION, "Request body must be a JSON object");
    }
    Object value;
    try {
      value = io.vertx.core.json.Json.decodeValue(body.buffer());
    } catch (DecodeException e) {
      throw new ServiceError(ErrorCode.VALIDATION, "Request body is not valid JSON");
    }
    if (!(value instanceof JsonObject)) {
      throw new ServiceError(ErrorCode.VALIDATION, "Request body must be a JSON object");
    }
    return (JsonObject) value;
  }

  static void send(RoutingContext ctx, int status, JsonObject body) {
    ctx.response()
      .setStatusCode(status)
      .putHeader("Content-Type", "application/json; charset=utf-8")
      .putHeader("Cache-Control", "no-store")
      .end(body.encode());
  }
}
