package chat.chats;

import chat.shared.validation.Ids;
import io.vertx.core.json.JsonObject;
import java.util.OptionalLong;

/** One row of the {@code users} projection: what the auth service told us about a user. */
record UserRecord(long id, String username, String email, String userType, String dateJoined, boolean active) {

  /**
   * Reads a user object as the auth service sends it ({@code id, username, email, user_type,
   * date_joined, is_active}); null when it lacks something we store. An absent
   * {@code is_active} counts as active.
   */
  static UserRecord fromAuth(JsonObject json) {
    if (json == null) {
      return null;
    }
    Object id = json.getValue("id");
    Object username = json.getValue("username");
    Object email = json.getValue("email");
    Object userType = json.getValue("user_type");
    Object dateJoined = json.getValue("date_joined");
    Object active = json.getValue("is_active");
    OptionalLong userId = Ids.of(id, false);
    if (userId.isEmpty() || !(username instanceof String) || !(email instanceof String)
      || !(userType instanceof String) || !(dateJoined instanceof String)
      || (active != null && !(active instanceof Boolean))) {
      return null;
    }
    return new UserRecord(userId.getAsLong(), (String) username, (String) email, (String) userType,
      (String) dateJoined, active == null || (Boolean) active);
  }
}
