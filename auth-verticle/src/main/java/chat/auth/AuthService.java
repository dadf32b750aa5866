package chat.auth;

import chat.shared.ErrorCode;
import chat.shared.ServiceError;
import chat.shared.Times;
import chat.shared.UserType;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.authentication.UsernamePasswordCredentials;
import io.vertx.ext.auth.sqlclient.SqlAuthentication;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The operations of the auth service, one method per event-bus address. Each takes the request
 * body and answers with the reply body or a {@link ServiceError}. Runs on the auth verticle's
 * worker context: SqlAuthentication verifies hashes in its callbacks.
 */
final class AuthService {

  private static final Logger LOG = LoggerFactory.getLogger(AuthService.class);

  static final int LOOKUP_MAX_IDS = 1000;
  static final int SEARCH_DEFAULT_LIMIT = 20;
  static final int SEARCH_MAX_LIMIT = 100;
  static final int SEARCH_MAX_LENGTH = 254;

  private static final String BAD_CREDENTIALS = "Invalid username or password";

  private final Vertx vertx;
  private final UserSql users;
  private final SqlAuthentication sqlAuth;
  private final Passwords passwords;

  AuthService(Vertx vertx, UserSql users, SqlAuthentication sqlAuth, Passwords passwords) {
    this.vertx = vertx;
    this.users = users;
    this.sqlAuth = sqlAuth;
    this.passwords = passwords;
  }

  /** {@code {username,email,password,user_type}} -> user. */
  Future<JsonObject> register(JsonObject body) {
    Inputs in = new Inputs(body);
    String rawUsername = in.requiredString("username");
    String username = rawUsername == null ? null : UserRules.normalizeUsername(rawUsername);
    String email = in.requiredString("email");
    String password = in.requiredString("password");
    String typeName = in.requiredString("user_type");
    UserRules.checkUsername(in, "username", username);
    UserRules.checkEmail(in, "email", email);
    UserRules.checkNewPassword(in, "password", password);
    UserType type = UserRules.checkUserType(in, "user_type", typeName);
    in.throwIfInvalid();

    // The pre-check spares a hash for the common case; the unique index settles races.
    return users.usernameTaken(username)
      .compose(taken -> taken
        ? Future.<String>failedFuture(usernameTaken())
        : vertx.executeBlocking(() -> passwords.hash(password), false))
      .compose(hash -> users.insert(username, email, hash, type.wireName(), Times.now()))
      .recover(err -> {
        if (UserSql.isDuplicateUsername(err)) {
          LOG.debug("Registration of {} lost a race to the same name", username);
          return Future.failedFuture(usernameTaken());
        }
        return Future.failedFuture(err);
      })
      .onSuccess(user -> LOG.info("Registered user {} ({}) as {}", user.getLong("id"), username, type.wireName()));
  }

  /**
   * {@code {username,password}} -> user. An unknown or deactivated username costs the same
   * hash verification as a wrong password and gets the same answer.
   */
  Future<JsonObject> login(JsonObject body) {
    Inputs in = new Inputs(body);
    String rawUsername = in.requiredString("username");
    String password = in.requiredString("password");
    UserRules.checkPasswordLength(in, "password", password);
    in.throwIfInvalid();

    String username = UserRules.normalizeUsername(rawUsername);
    // No registered name is longer, so an over-long one is unknown without asking the database.
    Future<JsonObject> candidate = username.codePointCount(0, username.length()) > UserRules.USERNAME_MAX
      ? Future.succeededFuture(null)
      : users.findActiveByUsername(username);
    return candidate.compose(user -> {
      if (user == null) {
        passwords.verifyUnknownUser(password);
        LOG.debug("Failed login: unknown or inactive username");
        return Future.failedFuture(badCredentials());
      }
      // Authenticate the stored spelling: the row found is the one whose hash is checked.
      return sqlAuth.authenticate(new UsernamePasswordCredentials(user.getString("username"), password))
        .transform(ar -> {
          if (ar.succeeded()) {
            LOG.debug("User {} logged in", user.getLong("id"));
            return Future.succeededFuture(user);
          }
          if (isDatabaseFailure(ar.cause())) {
            return Future.failedFuture(ar.cause());
          }
          LOG.info("Failed login for user {}: wrong password", user.getLong("id"));
          return Future.failedFuture(badCredentials());
        });
    });
  }

  /** {@code {id}} -> user, active or not. */
  Future<JsonObject> getUser(JsonObject body) {
    Inputs in = new Inputs(body);
    OptionalLong id = in.requiredLong("id");
    in.throwIfInvalid();
    return users.findById(id.getAsLong())
      .compose(user -> user == null
        ? Future.failedFuture(ServiceError.notFound("User"))
        : Future.succeededFuture(user));
  }

  /** {@code {ids:[..]}} -> {@code {users:[..], missing:[..]}}, both in the order asked, without repeats. */
  Future<JsonObject> lookupUsers(JsonObject body) {
    Set<Long> ids = requestedIds(body);
    return users.findByIds(ids).map(found -> {
      Map<Long, JsonObject> byId = new HashMap<>();
      for (JsonObject user : found) {
        byId.put(user.getLong("id"), user);
      }
      JsonArray present = new JsonArray();
      JsonArray missing = new JsonArray();
      for (Long id : ids) {
        JsonObject user = byId.get(id);
        if (user == null) {
          missing.add(id);
        } else {
          present.add(user);
        }
      }
      return new JsonObject().put("users", present).put("missing", missing);
    });
  }

  /** {@code {search?, limit?}} -> {@code {users:[..]}}: active users, by username. */
  Future<JsonObject> searchUsers(JsonObject body) {
    Inputs in = new Inputs(body);
    String search = in.optionalString("search");
    if (search != null && search.length() > SEARCH_MAX_LENGTH) {
      in.reject("search", "must be at most " + SEARCH_MAX_LENGTH + " characters");
    }
    int limit = in.boundedInt("limit", SEARCH_DEFAULT_LIMIT, 1, SEARCH_MAX_LIMIT);
    in.throwIfInvalid();
    String fragment = search == null ? "" : search.trim();
    return users.searchActive(fragment, limit)
      .map(found -> new JsonObject().put("users", new JsonArray(new ArrayList<>(found))));
  }

  /** {@code {}} -> {@code {status:"UP"}}. */
  Future<JsonObject> ping(JsonObject body) {
    return Future.succeededFuture(new JsonObject().put("status", "UP"));
  }

  private static Set<Long> requestedIds(JsonObject body) {
    Object value = body.getValue("ids");
    if (value == null) {
      throw ServiceError.validation("ids", "is required");
    }
    if (!(value instanceof JsonArray)) {
      throw ServiceError.validation("ids", "must be an array of integers");
    }
    JsonArray array = (JsonArray) value;
    if (array.size() > LOOKUP_MAX_IDS) {
      throw ServiceError.validation("ids", "must hold at most " + LOOKUP_MAX_IDS + " ids");
    }
    Set<Long> ids = new LinkedHashSet<>();
    for (Object item : array) {
      OptionalLong id = Inputs.wholeNumber(item);
      if (id.isEmpty()) {
        throw ServiceError.validation("ids", "must be an array of integers");
      }
      ids.add(id.getAsLong());
    }
    return ids;
  }

  private static boolean isDatabaseFailure(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (t instanceof SQLException) {
        return true;
      }
    }
    return false;
  }

  private static ServiceError usernameTaken() {
    return new ServiceError(ErrorCode.CONFLICT, "Username is already taken");
  }

  private static ServiceError badCredentials() {
    return new ServiceError(ErrorCode.UNAUTHENTICATED, BAD_CREDENTIALS);
  }
}
