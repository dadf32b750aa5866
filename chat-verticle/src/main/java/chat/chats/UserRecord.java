package chat.chats;

import io.vertx.core.json.JsonObject;

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
    if (!(id instanceof Integer || id instanceof Long) || ((Number) id).longValue() <= 0
      || !(username instanceof String) || !(email instanceof String)
      || !(userType instanceof String) || !(dateJoined instanceof String)
      || (active != null && !(active instanceof Boolean))) {
      return null;
    }
    return new UserRecord(((Number) id).longValue(), (String) username, (String) email, (String) userType,
      (String) dateJoined, active == null || (Boolean) active);
  }
}
