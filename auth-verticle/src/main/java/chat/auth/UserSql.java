package chat.auth;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.Tuple;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import org.sqlite.SQLiteErrorCode;
import org.sqlite.SQLiteException;

/**
 * Every SQL statement of the auth service (the schema itself is the Flyway migration under
 * {@code db/auth}). Rows come back as the contract's user JSON; the password hash is only ever
 * written here and read by {@link #AUTHENTICATION_QUERY}, never selected into a user.
 */
final class UserSql {

  /**
   * PRAGMAs ride on the URL so sqlite-jdbc applies them to every connection it opens (the
   * pool's and Flyway's). IMMEDIATE transactions take the write lock up front instead of
   * failing with SQLITE_BUSY when a reader later tries to write.
   */
  private static final String URL_PRAGMAS =
    "?journal_mode=WAL&synchronous=NORMAL&busy_timeout=5000&foreign_keys=true&transaction_mode=IMMEDIATE";

  /**
   * The query vertx-auth's SqlAuthentication runs with the username. COLLATE NOCASE makes it
   * use the unique index and match the way usernames are unique.
   */
  static final String AUTHENTICATION_QUERY =
    "SELECT password_hash FROM users WHERE username = ? COLLATE NOCASE AND is_active = 1";

  static final String USER_COLUMNS = "id, username, email, user_type, is_active, date_joined";

  private static final String USERNAME_TAKEN =
    "SELECT 1 FROM users WHERE username = ? COLLATE NOCASE";

  private static final String INSERT =
    "INSERT INTO users (username, email, password_hash, user_type, is_active, date_joined) "
      + "VALUES (?, ?, ?, ?, 1, ?) RETURNING " + USER_COLUMNS;

  private static final String BY_ID = "SELECT " + USER_COLUMNS + " FROM users WHERE id = ?";

  private static final String ACTIVE_BY_USERNAME =
    "SELECT " + USER_COLUMNS + " FROM users WHERE username = ? COLLATE NOCASE AND is_active = 1";

  /** The IN list is built with one placeholder per id; callers cap the number of ids. */
  private static final String BY_IDS = "SELECT " + USER_COLUMNS + " FROM users WHERE id IN (%s)";

  private static final String SEARCH_ACTIVE =
    "SELECT " + USER_COLUMNS + " FROM users WHERE is_active = 1"
      + " AND (username LIKE ? ESCAPE '\\' OR email LIKE ? ESCAPE '\\')"
      + " ORDER BY username COLLATE NOCASE, id LIMIT ?";

  private final Pool pool;

  UserSql(Pool pool) {
    this.pool = pool;
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

  Future<Boolean> usernameTaken(String username) {
    return pool.preparedQuery(USERNAME_TAKEN).execute(Tuple.of(username))
      .map(rows -> rows.size() > 0);
  }

  /** Inserts an active user; fails with the driver's constraint error when the name is taken. */
  Future<JsonObject> insert(String username, String email, String passwordHash, String userType,
                            String dateJoined) {
    return pool.preparedQuery(INSERT)
      .execute(Tuple.of(username, email, passwordHash, userType, dateJoined))
      .map(UserSql::single);
  }

  /** The user, active or not, or null. */
  Future<JsonObject> findById(long id) {
    return pool.preparedQuery(BY_ID).execute(Tuple.of(id)).map(UserSql::single);
  }

  /** The active user with this username in any letter case, or null. */
  Future<JsonObject> findActiveByUsername(String username) {
    return pool.preparedQuery(ACTIVE_BY_USERNAME).execute(Tuple.of(username)).map(UserSql::single);
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
   * Active users whose username or email contains {@code fragment} (ASCII letters compared
   * without case, as SQLite's LIKE does), ordered by username; an empty fragment matches all.
   */
  Future<List<JsonObject>> searchActive(String fragment, int limit) {
    String pattern = "%" + escapeLike(fragment) + "%";
    return pool.preparedQuery(SEARCH_ACTIVE).execute(Tuple.of(pattern, pattern, limit)).map(UserSql::all);
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
