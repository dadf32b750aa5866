package chat.auth;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.function.Function;

/**
 * The users' queries of the auth service, run on the store's pool in the store's dialect
 * ({@link AuthStore} holds every statement; the schema is its Flyway migrations and
 * {@link V3__Username_key}). Rows come back as the contract's user JSON; the password hash is
 * only ever written here and read by {@link #findLoginCandidate}, never put into a user.
 */
final class UserSql {

  /** An active user found by name, with the hash its password is checked against. */
  record Candidate(JsonObject user, String passwordHash) {
  }

  private final AuthStore store;
  private final Pool pool;

  UserSql(AuthStore store) {
    this.store = store;
    this.pool = store.pool();
  }

  Pool pool() {
    return pool;
  }

  /** True when the failure is the unique index on the folded username refusing a second "same" name. */
  boolean isDuplicateUsername(Throwable failure) {
    return store.isUniqueViolation(failure);
  }

  /** See {@link AuthStore#inTransaction}. */
  <T> Future<T> inTransaction(Function<SqlConnection, Future<T>> work) {
    return store.inTransaction(work);
  }

  /** Inside a transaction: no other owner bootstrap or admin update runs until it ends. */
  Future<Void> lockUsers(SqlConnection tx) {
    return store.lockUsers(tx);
  }

  /** Succeeds when the store answers a trivial query. */
  Future<Void> ping() {
    return pool.query(store.ping()).execute().mapEmpty();
  }

  Future<Boolean> usernameTaken(String usernameKey) {
    return pool.preparedQuery(store.usernameTaken()).execute(Tuple.of(usernameKey))
      .map(rows -> rows.size() > 0);
  }

  /** Users of type owner, active or not; {@code client} may be a transaction's connection. */
  Future<Long> countOwners(SqlClient client) {
    return client.query(store.countOwners()).execute().map(rows -> rows.iterator().next().getLong("n"));
  }

  /** Inserts an active user; fails with the driver's constraint error when the name is taken. */
  Future<JsonObject> insert(SqlClient client, String username, String email, String passwordHash,
                            String userType, String dateJoined) {
    return client.preparedQuery(store.insertUser())
      .execute(Tuple.of(username, UserRules.usernameKey(username), email, passwordHash, userType, dateJoined))
      .map(UserSql::single);
  }

  /** The user, active or not, or null. */
  Future<JsonObject> findById(long id) {
    return pool.preparedQuery(store.userById()).execute(Tuple.of(id)).map(UserSql::single);
  }

  /** The active user whose folded username is {@code usernameKey}, with its hash, or null. */
  Future<Candidate> findLoginCandidate(String usernameKey) {
    return pool.preparedQuery(store.loginCandidate()).execute(Tuple.of(usernameKey)).map(rows -> {
      if (rows.size() == 0) {
        return null;
      }
      Row row = rows.iterator().next();
      return new Candidate(toUser(row), row.getString("password_hash"));
    });
  }

  /** The users among these ids, active or not, in no particular order. */
  Future<List<JsonObject>> findByIds(Collection<Long> ids) {
    if (ids.isEmpty()) {
      return Future.succeededFuture(List.of());
    }
    return pool.preparedQuery(store.usersByIds(ids.size())).execute(store.idsTuple(ids)).map(UserSql::all);
  }

  /**
   * Active users whose username contains {@code fragment}, as typed or folded (so "ÉMILE" and
   * a fullwidth spelling find "émile"), or whose email contains it when {@code matchEmail}
   * (only callers that may see emails: otherwise a search would reveal them letter by letter);
   * ordered by folded username. An empty fragment matches all.
   */
  Future<List<JsonObject>> searchActive(String fragment, boolean matchEmail, int limit) {
    String pattern = "%" + escapeLike(fragment) + "%";
    String folded = "%" + escapeLike(UserRules.usernameKey(fragment)) + "%";
    return pool.preparedQuery(store.searchActive())
      .execute(Tuple.of(pattern, folded, matchEmail ? 1 : 0, pattern, limit))
      .map(UserSql::all);
  }

  /** Escapes LIKE's wildcards so user text only ever matches itself; '\' is the ESCAPE char. */
  static String escapeLike(String text) {
    StringBuilder sb = new StringBuilder(text.length() + 8);
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c == '\\' || c == '%' || c == '_') {
        sb.append('\\');
      }
      sb.append(c);
    }
    return sb.toString();
  }

  static JsonObject single(RowSet<Row> rows) {
    return rows.size() == 0 ? null : toUser(rows.iterator().next());
  }

  static List<JsonObject> all(RowSet<Row> rows) {
    List<JsonObject> users = new ArrayList<>(rows.size());
    for (Row row : rows) {
      users.add(toUser(row));
    }
    return users;
  }

  /** The contract's user object, plus is_active for the services that need it. */
  static JsonObject toUser(Row row) {
    return new JsonObject()
      .put("id", row.getLong("id"))
      .put("username", row.getString("username"))
      .put("email", row.getString("email"))
      .put("user_type", row.getString("user_type"))
      .put("date_joined", row.getString("date_joined"))
      .put("is_active", row.getInteger("is_active") != 0);
  }
}
