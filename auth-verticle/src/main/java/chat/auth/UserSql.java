package chat.auth;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.function.Function;
import org.sqlite.SQLiteErrorCode;
import org.sqlite.SQLiteException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every SQL statement of the auth service (the schema itself is the Flyway migration under
 * {@code db/auth}, and {@link V3__Username_key}). Rows come back as the contract's user JSON;
 * the password hash is only ever written here and read by {@link #findLoginCandidate}, never
 * put into a user.
 */
final class UserSql {

  private static final Logger LOG = LoggerFactory.getLogger(UserSql.class);

  /**
   * PRAGMAs ride on the URL so sqlite-jdbc applies them to every connection it opens (the
   * pool's and Flyway's). IMMEDIATE transactions take the write lock up front instead of
   * failing with SQLITE_BUSY when a reader later tries to write.
   */
  private static final String URL_PRAGMAS =
    "?journal_mode=WAL&synchronous=NORMAL&busy_timeout=5000&foreign_keys=true&transaction_mode=IMMEDIATE";

  static final String USER_COLUMNS = "id, username, email, user_type, is_active, date_joined";

  /** Lookups by name go by the folded key ({@link UserRules#usernameKey}), which the unique index holds. */
  private static final String USERNAME_TAKEN = "SELECT 1 FROM users WHERE username_key = ?";

  private static final String OWNERS = "SELECT COUNT(*) AS n FROM users WHERE user_type = 'owner'";

  private static final String INSERT =
    "INSERT INTO users (username, username_key, email, password_hash, user_type, is_active, date_joined) "
      + "VALUES (?, ?, ?, ?, ?, 1, ?) RETURNING " + USER_COLUMNS;

  private static final String BY_ID = "SELECT " + USER_COLUMNS + " FROM users WHERE id = ?";

  /** The one statement that reads a password hash. */
  private static final String LOGIN_CANDIDATE =
    "SELECT " + USER_COLUMNS + ", password_hash FROM users WHERE username_key = ? AND is_active = 1";

  /** The IN list is built with one placeholder per id; callers cap the number of ids. */
  private static final String BY_IDS = "SELECT " + USER_COLUMNS + " FROM users WHERE id IN (%s)";

  /** The email clause only when the caller may see emails (the ? is 1 or 0). */
  private static final String SEARCH_ACTIVE =
    "SELECT " + USER_COLUMNS + " FROM users WHERE is_active = 1"
      + " AND (username LIKE ? ESCAPE '\\' OR username_key LIKE ? ESCAPE '\\'"
      + " OR (? = 1 AND email LIKE ? ESCAPE '\\'))"
      + " ORDER BY username_key, id LIMIT ?";

  /** An active user found by name, with the hash its password is checked against. */
  record Candidate(JsonObject user, String passwordHash) {
  }

  private final Pool pool;

  UserSql(Pool pool) {
    this.pool = pool;
  }

  Pool pool() {
    return pool;
  }

  static String jdbcUrl(Path databaseFile) {
    return "jdbc:sqlite:" + databaseFile.toAbsolutePath() + URL_PRAGMAS;
  }

  /** True when the failure is the unique index on username refusing a second "same" name. */
  static boolean isDuplicateUsername(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (t instanceof SQLiteException
        && ((SQLiteException) t).getResultCode() == SQLiteErrorCode.SQLITE_CONSTRAINT_UNIQUE) {
        return true;
      }
    }
    return false;
  }

  /**
   * Runs {@code work} on one connection inside BEGIN IMMEDIATE ... COMMIT, rolled back if it
   * fails. The transaction is spelt in SQL rather than with {@code Pool.withTransaction}:
   * vertx-jdbc-client 5.0.x leaves a connection in manual-commit mode after its first
   * transaction (vert-x3/vertx-jdbc-client#356), and auth's single pooled connection also
   * serves plain statements that must keep committing on their own.
   */
  static <T> Future<T> inTransaction(Pool pool, Function<SqlConnection, Future<T>> work) {
    return pool.withConnection(conn -> conn.query("BEGIN IMMEDIATE").execute()
      .compose(begun -> {
        Future<T> result;
        try {
          result = work.apply(conn);
        } catch (RuntimeException e) {
          result = Future.failedFuture(e);
        }
        return result.transform(ar -> {
          if (ar.succeeded()) {
            return conn.query("COMMIT").execute().map(ar.result());
          }
          return conn.query("ROLLBACK").execute().transform(rolledBack -> {
            if (rolledBack.failed()) {
              LOG.error("Rollback failed", rolledBack.cause());
            }
            return Future.<T>failedFuture(ar.cause());
          });
        });
      }));
  }

  <T> Future<T> inTransaction(Function<SqlConnection, Future<T>> work) {
    return inTransaction(pool, work);
  }

  Future<Boolean> usernameTaken(String usernameKey) {
    return pool.preparedQuery(USERNAME_TAKEN).execute(Tuple.of(usernameKey))
      .map(rows -> rows.size() > 0);
  }

  /** Users of type owner, active or not; {@code client} may be a transaction's connection. */
  Future<Long> countOwners(SqlClient client) {
    return client.query(OWNERS).execute().map(rows -> rows.iterator().next().getLong("n"));
  }

  /** Inserts an active user; fails with the driver's constraint error when the name is taken. */
  Future<JsonObject> insert(SqlClient client, String username, String email, String passwordHash,
                            String userType, String dateJoined) {
    return client.preparedQuery(INSERT)
      .execute(Tuple.of(username, UserRules.usernameKey(username), email, passwordHash, userType, dateJoined))
      .map(UserSql::single);
  }

  /** The user, active or not, or null. */
  Future<JsonObject> findById(long id) {
    return pool.preparedQuery(BY_ID).execute(Tuple.of(id)).map(UserSql::single);
  }

  /** The active user whose folded username is {@code usernameKey}, with its hash, or null. */
  Future<Candidate> findLoginCandidate(String usernameKey) {
    return pool.preparedQuery(LOGIN_CANDIDATE).execute(Tuple.of(usernameKey)).map(rows -> {
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
    String sql = String.format(BY_IDS, String.join(", ", Collections.nCopies(ids.size(), "?")));
    return pool.preparedQuery(sql).execute(Tuple.wrap(new ArrayList<Object>(ids))).map(UserSql::all);
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
    return pool.preparedQuery(SEARCH_ACTIVE)
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
