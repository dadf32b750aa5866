package chat.shared;

import chat.shared.validation.Ids;
import io.vertx.core.json.JsonObject;
import java.util.OptionalLong;

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
      OptionalLong actorId = Ids.of(id, false);
      if (actorId.isPresent() && username instanceof String) {
        return new Actor(actorId.getAsLong(), (String) username);
      }
    }
    throw new ServiceError(ErrorCode.UNAUTHENTICATED, "No acting owner in the request");
  }
}
