package chat.gateway;

import chat.shared.ErrorCode;
import chat.shared.ServiceError;
import chat.shared.UserType;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.Session;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** The logged-in user kept in the server-side session, and the public view of a user. */
final class SessionUsers {

  private static final String USER_KEY = "user";

  private SessionUsers() {
  }

  /** The session's user, or null when nobody is logged in. */
  static JsonObject current(Session session) {
    if (session == null || session.isDestroyed()) {
      return null;
    }
    Object user = session.get(USER_KEY);
    return user instanceof JsonObject ? (JsonObject) user : null;
  }

  /**
   * The request's session when it carries a session cookie, else null without looking: the
   * session handler stores the session of every successful request that looked at its session,
   * so looking at a cookieless request's (new, empty) session would keep one per anonymous
   * request (a scraper of the OpenAPI document, a health checker) for the whole session timeout.
   */
  static Session ofRequest(RoutingContext ctx) {
    return ctx.request().getCookie(GatewayVerticle.SESSION_COOKIE) == null ? null : ctx.session();
  }

  /** The caller, or an UNAUTHENTICATED failure. */
  static JsonObject require(RoutingContext ctx) {
    JsonObject user = current(ofRequest(ctx));
    if (user == null) {
      throw new ServiceError(ErrorCode.UNAUTHENTICATED, "Log in first");
    }
    return user;
  }

  static void login(Session session, JsonObject user) {
    session.regenerateId();
    session.put(USER_KEY, publicUser(user));
  }

  /** Replaces the session's copy of its user (same session id: the login is not renewed). */
  static void refresh(Session session, JsonObject user) {
    session.put(USER_KEY, publicUser(user));
  }

  /**
   * The contract's user object with its email: for the user itself (me, login, register) and
   * for owners. What the auth service returns minus internal fields.
   */
  static JsonObject publicUser(JsonObject user) {
    return new JsonObject()
      .put("id", user.getLong("id"))
      .put("username", user.getString("username"))
      .put("email", user.getString("email"))
      .put("user_type", user.getString("user_type"))
      .put("date_joined", user.getString("date_joined"));
  }

  /** The user object as anyone else sees it: without {@code email}. */
  static JsonObject listedUser(JsonObject user) {
    JsonObject listed = publicUser(user);
    listed.remove("email");
    return listed;
  }

  static boolean isOwner(JsonObject user) {
    return UserType.OWNER.wireName().equals(user.getString("user_type"));
  }

  /**
   * An opaque reference to a session, safe to publish on the event bus and to log: the
   * session id itself is a bearer secret.
   */
  static String sessionRef(Session session) {
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(session.id().getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(digest, 0, 16);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
