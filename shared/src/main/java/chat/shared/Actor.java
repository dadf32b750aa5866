package chat.shared;

import io.vertx.core.json.JsonObject;

/**
 * The owner performing an administration request, as the gateway stamps it from the session
 * into the request's {@code actor} field: {@code {id, username}}. The services record it in their
 * audit logs; they never take it from anything a client sent.
 */
public record Actor(long id, String username) {

  public static final String FIELD = "actor";

  public JsonObject toJson() {
    return new JsonObject().put("id", id).put("username", username);
  }

  /** The request's actor; without a well-formed one there is nobody to act for (UNAUTHENTICATED). */
  public static Actor from(JsonObject body) {
    Object value = body.getValue(FIELD);
    if (value instanceof JsonObject) {
      JsonObject json = (JsonObject) value;
      Object id = json.getValue("id");
      Object username = json.getValue("username");
      if ((id instanceof Integer || id instanceof Long) && ((Number) id).longValue() > 0 && username instanceof String) {
        return new Actor(((Number) id).longValue(), (String) username);
      }
    }
    throw new ServiceError(ErrorCode.UNAUTHENTICATED, "No acting owner in the request");
  }
}
