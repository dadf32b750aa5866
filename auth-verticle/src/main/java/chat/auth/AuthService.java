package chat.auth;

import chat.shared.ErrorCode;
import chat.shared.ServiceError;
import chat.shared.Times;
import chat.shared.UserType;
import chat.shared.metrics.DomainMetrics;
import chat.shared.validation.Fields;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The operations of the auth service, one method per event-bus address. Each takes the request
 * body and answers with the reply body or a {@link ServiceError}. Passwords are hashed and
 * checked on {@link PasswordWork}'s pool, after {@link LoginLimits} has counted the attempt.
 */
final class AuthService {

  private static final Logger LOG = LoggerFactory.getLogger(AuthService.class);

  static final int LOOKUP_MAX_IDS = 1000;
  static final int SEARCH_DEFAULT_LIMIT = 20;
  static final int SEARCH_MAX_LIMIT = 100;
  static final int SEARCH_MAX_LENGTH = 254;
  /** A login name longer than this (characters) names nobody; it is not even folded. */
  private static final int LOGIN_NAME_MAX = 4 * UserRules.USERNAME_MAX;
  /** Requests without {@code client_address} (internal callers, tests) share this one. */
  static final String UNKNOWN_ADDRESS = "unknown";

  private static final String BAD_CREDENTIALS = "Invalid username or password";

  private final UserSql users;
  private final Passwords passwords;
  private final PasswordWork work;
  private final LoginLimits limits;
  private final boolean ownerSignupOpen;

  AuthService(UserSql users, Passwords passwords, PasswordWork work, LoginLimits limits, boolean ownerSignupOpen) {
    this.users = users;
    this.passwords = passwords;
    this.work = work;
    this.limits = limits;
    this.ownerSignupOpen = ownerSignupOpen;
  }

  /**
   * {@code {username,email,password,user_type,client_address?}} -> user. An owner registers
   * only while no owner exists (unless owner sign-up is open); that is decided in the insert's
   * transaction, which holds the users lock ({@link UserSql#lockUsers}), so of two concurrent
   * first owners one wins.
   */
  Future<JsonObject> register(JsonObject body) {
    Fields in = new Fields(body);
    String rawUsername = in.requiredString("username");
    String username = rawUsername == null ? null : UserRules.normalizeUsername(rawUsername);
    String email = in.requiredString("email");
    String password = in.requiredString("password");
    String typeName = in.requiredString("user_type");
    UserRules.checkUsername(in, "username", username);
    UserRules.checkEmail(in, "email", email);
    UserRules.checkNewPassword(in, "password", password);
    UserType type = UserRules.checkUserType(in, "user_type", typeName);
    String address = clientAddress(in);
    in.throwIfInvalid();

    boolean ownerNeedsBootstrap = type == UserType.OWNER && !ownerSignupOpen;
    long wait = limits.reserveRegistration(address);
    if (wait > 0) {
      DomainMetrics.rateLimited("register");
      LOG.info("Registration refused: too many from one address");
      return Future.failedFuture(ServiceError.rateLimited("Too many registrations from this address, try again later",
        (wait + 999) / 1000));
    }
    if (!work.tryAcquire(address)) {
      limits.registrationRefused(address);
      DomainMetrics.rateLimited("register");
      return Future.failedFuture(PasswordWork.busy());
    }
    String key = UserRules.usernameKey(username);
    // The pre-checks spare a hash for the common refusals; the transaction and the unique
    // index decide races.
    return users.usernameTaken(key)
      .compose(taken -> {
        if (taken) {
          return Future.<Void>failedFuture(usernameTaken());
        }
        return ownerNeedsBootstrap ? users.countOwners(users.pool()).compose(AuthService::noOwnerYet) : Future.succeededFuture();
      })
      .compose(v -> work.execute(() -> passwords.hash(password)))
      .compose(hash -> users.inTransaction(tx -> (ownerNeedsBootstrap
          ? users.lockUsers(tx).compose(locked -> users.countOwners(tx)).compose(AuthService::noOwnerYet)
          : Future.<Void>succeededFuture())
        .compose(v -> users.insert(tx, username, email, hash, type.wireName(), Times.now()))))
      .recover(err -> {
        if (users.isDuplicateUsername(err)) {
          LOG.debug("Registration of {} lost a race to the same name", username);
          return Future.failedFuture(usernameTaken());
        }
        return Future.failedFuture(err);
      })
      .onComplete(ar -> work.release(address))
      .onFailure(err -> limits.registrationRefused(address))
      .onSuccess(user -> LOG.info("Registered user {} ({}) as {}", user.getLong("id"), username, type.wireName()));
  }

  /**
   * {@code {username,password,client_address?}} -> user. An unknown or deactivated username
   * costs the same hash verification as a wrong password and gets the same answer. The attempt
   * is counted before its hash is checked and given back when it succeeds.
   */
  Future<JsonObject> login(JsonObject body) {
    Fields in = new Fields(body);
    String rawUsername = in.requiredString("username");
    String password = in.requiredString("password");
    UserRules.checkPasswordLength(in, "password", password);
    String address = clientAddress(in);
    in.throwIfInvalid();

    // No registered name folds from anything this long; it still costs a (dummy) check below.
    String key = rawUsername.length() > LOGIN_NAME_MAX ? null : UserRules.usernameKey(rawUsername);
    // Limits first (so Retry-After is the limit's own wait), then a slot for the hash check.
    LoginLimits.Attempt attempt = limits.reserveLogin(key == null ? "\u0000too-long" : key, address);
    if (!attempt.granted()) {
      DomainMetrics.rateLimited("login");
      DomainMetrics.loginFailed("rate_limited");
      LOG.debug("Login refused for {} s: too many failures", attempt.retryAfterSeconds());
      return Future.failedFuture(ServiceError.rateLimited(
        "Too many failed logins, try again in " + attempt.retryAfterSeconds() + " s", attempt.retryAfterSeconds()));
    }
    if (!work.tryAcquire(address)) {
      limits.cancelled(attempt);
      DomainMetrics.rateLimited("login");
      DomainMetrics.loginFailed("overloaded");
      return Future.failedFuture(PasswordWork.busy());
    }
    Future<UserSql.Candidate> candidate = key == null ? Future.succeededFuture(null) : users.findLoginCandidate(key);
    return candidate
      .recover(err -> {
        limits.cancelled(attempt);
        return Future.failedFuture(err);
      })
      .compose(found -> work.execute(() -> passwords.verify(found == null ? null : found.passwordHash(), password))
        .compose(matches -> {
          if (matches) {
            limits.succeeded(attempt);
            LOG.debug("User {} logged in", found.user().getLong("id"));
            return Future.succeededFuture(found.user());
          }
          limits.failed(attempt);
          if (found == null) {
            DomainMetrics.loginFailed("unknown_user");
            LOG.debug("Failed login: unknown or inactive username");
          } else {
            DomainMetrics.loginFailed("wrong_password");
            LOG.info("Failed login for user {}: wrong password", found.user().getLong("id"));
          }
          return Future.<JsonObject>failedFuture(badCredentials());
        }, err -> {
          limits.cancelled(attempt);
          return Future.failedFuture(err);
        }))
      .onComplete(ar -> work.release(address));
  }

  /** {@code {id}} -> user, active or not. */
  Future<JsonObject> getUser(JsonObject body) {
    Fields in = new Fields(body);
    long id = in.id("id");
    in.throwIfInvalid();
    return users.findById(id)
      .compose(user -> user == null
        ? Future.failedFuture(ServiceError.notFound("User"))
        : Future.succeededFuture(user));
  }

  /** {@code {ids:[..]}} -> {@code {users:[..], missing:[..]}}, both in the order asked, without repeats. */
  Future<JsonObject> lookupUsers(JsonObject body) {
    Fields in = new Fields(body);
    // Any integer: one that cannot be an id is simply missing.
    Set<Long> ids = new LinkedHashSet<>(in.integers("ids", 0, LOOKUP_MAX_IDS));
    in.throwIfInvalid();
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

  /**
   * {@code {search?, limit?, match_email?}} -> {@code {users:[..]}}: active users, by folded
   * username; emails are searched only when {@code match_email} is true (callers that may see them).
   */
  Future<JsonObject> searchUsers(JsonObject body) {
    // The gateway passes ?limit= as given: an empty one is refused, not taken for the default.
    Fields in = Fields.keepingEmptyStrings(body);
    String fragment = in.strippedString("search", SEARCH_MAX_LENGTH);
    int limit = in.boundedInt("limit", SEARCH_DEFAULT_LIMIT, 1, SEARCH_MAX_LIMIT);
    boolean matchEmail = Boolean.TRUE.equals(body.getValue("match_email"));
    in.throwIfInvalid();
    return users.searchActive(fragment, matchEmail, limit)
      .map(found -> new JsonObject().put("users", new JsonArray(new ArrayList<>(found))));
  }

  /** {@code {}} -> {@code {status:"UP"}}, or {@code "DOWN"} while the store does not answer (readiness). */
  Future<JsonObject> ping(JsonObject body) {
    return users.ping()
      .map(ok -> "UP")
      .otherwise(err -> {
        LOG.warn("Readiness DOWN: the auth store does not answer: {}", err.toString());
        return "DOWN";
      })
      .map(status -> new JsonObject().put("status", status));
  }

  /** The caller's client address as a limit key (IPv6 by its /64), or {@link #UNKNOWN_ADDRESS}. */
  private static String clientAddress(Fields in) {
    String raw = in.optionalString("client_address");
    return raw == null || raw.isBlank() ? UNKNOWN_ADDRESS : LoginLimits.addressKey(raw);
  }

  private static Future<Void> noOwnerYet(long owners) {
    if (owners > 0) {
      return Future.failedFuture(new ServiceError(ErrorCode.FORBIDDEN,
        "Owners are appointed by an existing owner",
        new JsonObject().put("user_type", "an owner exists already; an owner can promote you after you register")));
    }
    return Future.succeededFuture();
  }

  private static ServiceError usernameTaken() {
    return new ServiceError(ErrorCode.CONFLICT, "Username is already taken");
  }

  private static ServiceError badCredentials() {
    return new ServiceError(ErrorCode.UNAUTHENTICATED, BAD_CREDENTIALS);
  }
}
