package chat.auth;

import chat.shared.ErrorCode;
import chat.shared.ServiceError;
import chat.shared.Settings;
import chat.shared.launch.PostgresUrl;
import chat.shared.sql.SqlDialect;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.util.Collection;
import java.util.function.Function;
import org.flywaydb.core.api.configuration.FluentConfiguration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where the auth service keeps its users and audit log: SQLite ({@link SqliteAuthStore}, the
 * default) or PostgreSQL ({@link PostgresAuthStore}). A store opens the pool, runs its dialect's
 * Flyway migrations and holds every SQL statement of the service, so the classes above it
 * ({@link UserSql}, {@link AdminSql} and the services) are the same on both. Each statement's
 * parameters are listed in its javadoc, in order; both dialects take the same tuple.
 *
 * <p>A statement both stores share is written once, here, in the {@code ?} form; the store's
 * {@link SqlDialect} derives its own text (PostgreSQL's {@code $1..$n}, once per statement) and
 * list parameters. What really differs (transactions and locks, case-insensitive matching and
 * collation, typed NULL parameters) is abstract here and written by each store.
 *
 * <p>Its errors are its own too: which failure is the unique index refusing a name
 * ({@link #isUniqueViolation}) and which one is the storage itself failing
 * ({@link #isStorageFailure}, answered 503 {@code unavailable}).
 */
abstract sealed class AuthStore permits SqliteAuthStore, PostgresAuthStore {

  private static final Logger LOG = LoggerFactory.getLogger(AuthStore.class);

  /** The columns every user statement returns, as {@link UserSql#toUser} reads them. */
  static final String USER_COLUMNS = "id, username, email, user_type, is_active, date_joined";
  static final String AUDIT_COLUMNS = "id, actor_id, actor_username, action, target, details, created_at";
  /** The pool's name in the pool metrics ({@code pool_name}) and its SQL client metrics' {@code namespace}. */
  static final String POOL_NAME = "auth";

  private final SqlDialect dialect;
  private Pool pool;

  AuthStore(SqlDialect dialect) {
    this.dialect = dialect;
  }

  /** The store {@code CHAT_STORE} names. */
  static AuthStore of(Settings settings) {
    return PostgresUrl.selected(settings) ? new PostgresAuthStore(PostgresUrl.from(settings)) : new SqliteAuthStore(settings);
  }

  /** Runs the migrations (blocking: call it off the event loop), then opens the pool. */
  final Pool open(Vertx vertx) {
    migrate();
    pool = createPool(vertx);
    return pool;
  }

  final Pool pool() {
    return pool;
  }

  Future<Void> close() {
    return pool == null ? Future.succeededFuture() : pool.close();
  }

  /** Blocking: creates what is missing (directory, schema) and applies the Flyway migrations. */
  abstract void migrate();

  /** The Flyway configuration of this store: its database, schema and migrations. */
  abstract FluentConfiguration flyway();

  abstract Pool createPool(Vertx vertx);

  /** What the log says the service runs on (no password). */
  @Override
  public abstract String toString();

  // transactions

  /** Starts a write transaction. */
  abstract String begin();

  /**
   * Makes the transaction the only writer of users until it ends, so what it read (the number
   * of owners, the acting owner) still holds at its commit; null when {@link #begin} did already.
   */
  abstract String lockUsers();

  /**
   * Runs {@code work} on one connection inside {@link #begin} ... COMMIT, rolled back if it
   * fails. The transaction is spelt in SQL rather than with {@code Pool.withTransaction}:
   * vertx-jdbc-client 5.0.x leaves a connection in manual-commit mode after its first
   * transaction (vert-x3/vertx-jdbc-client#356), and the SQLite store's single pooled connection
   * also serves plain statements that must keep committing on their own.
   */
  final <T> Future<T> inTransaction(Function<SqlConnection, Future<T>> work) {
    return pool.withConnection(conn -> conn.query(begin()).execute()
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
              LOG.debug("Rollback failed (the connection may be gone)", rolledBack.cause());
            }
            return Future.<T>failedFuture(ar.cause());
          });
        });
      }));
  }

  /** {@link #lockUsers} on the transaction's connection. */
  final Future<Void> lockUsers(SqlConnection tx) {
    String lock = lockUsers();
    return lock == null ? Future.succeededFuture() : tx.query(lock).execute().mapEmpty();
  }

  // failures

  /** True when the failure is a unique index refusing a row (a second "same" username). */
  abstract boolean isUniqueViolation(Throwable failure);

  /** True when the failure is the storage failing (gone, full, read-only...), not the statement. */
  abstract boolean isStorageFailure(Throwable failure);

  /** The failure as the caller should see it: a storage failure becomes 503 {@code unavailable}. */
  final <T> Future<T> answer(Throwable failure) {
    if (!(failure instanceof ServiceError) && isStorageFailure(failure)) {
      LOG.warn("The auth store failed: {}", String.valueOf(failure));
      return Future.failedFuture(new ServiceError(ErrorCode.UNAVAILABLE,
        "The auth service cannot reach its storage right now, try again shortly"));
    }
    return Future.failedFuture(failure);
  }

  /** A statement both stores share, from its {@code ?} form. */
  private String sql(String text) {
    return dialect.sql(text);
  }

  /** () -> one row: the store answers (readiness). */
  String ping() {
    return sql("SELECT 1");
  }

  // users (UserSql)

  /** (username_key) -> a row when taken. */
  String usernameTaken() {
    return sql("SELECT 1 FROM users WHERE username_key = ?");
  }

  /** () -> {@code n}: users of type owner, active or not. */
  String countOwners() {
    return sql("SELECT COUNT(*) AS n FROM users WHERE user_type = 'owner'");
  }

  /** (username, username_key, email, password_hash, user_type, date_joined) -> the user, active. */
  String insertUser() {
    return sql("INSERT INTO users (username, username_key, email, password_hash, user_type, is_active, date_joined)"
      + " VALUES (?, ?, ?, ?, ?, 1, ?) RETURNING " + USER_COLUMNS);
  }

  /** (id) -> the user, active or not. */
  String userById() {
    return sql("SELECT " + USER_COLUMNS + " FROM users WHERE id = ?");
  }

  /** (username_key) -> the active user with {@code password_hash}: the one statement that reads a hash. */
  String loginCandidate() {
    return sql("SELECT " + USER_COLUMNS + ", password_hash FROM users WHERE username_key = ? AND is_active = 1");
  }

  /**
   * {@link #idsTuple} -> the users among the ids (at most {@link AuthService#LOOKUP_MAX_IDS}): on
   * PostgreSQL one array parameter whatever the count, so one prepared statement serves every lookup.
   */
  String usersByIds(int count) {
    return sql("SELECT " + USER_COLUMNS + " FROM users WHERE id " + dialect.in(count));
  }

  abstract Tuple idsTuple(Collection<Long> ids);

  /**
   * (pattern, folded pattern, match email 1|0, pattern, limit) -> active users whose username
   * as typed or folded, or (when asked) email, is LIKE the pattern ('\' escapes), by folded name.
   */
  abstract String searchActive();

  // administration (AdminSql)

  /** (user_type or null, the same again, pattern, folded pattern, pattern) -> {@code n}. */
  abstract String countUsers();

  /** The parameters of {@link #countUsers}, then (limit, offset) -> users by id. */
  abstract String pageUsers();

  /** (user_type, is_active 1|0, id) -> the user as updated. */
  String updateUser() {
    return sql("UPDATE users SET user_type = ?, is_active = ? WHERE id = ? RETURNING " + USER_COLUMNS);
  }

  /** (actor_id, actor_username, action, target, details, created_at). */
  String insertAudit() {
    return sql("INSERT INTO audit_log (actor_id, actor_username, action, target, details, created_at)"
      + " VALUES (?, ?, ?, ?, ?, ?)");
  }

  /** () -> {@code n}. */
  String countAudit() {
    return sql("SELECT COUNT(*) AS n FROM audit_log");
  }

  /** (limit) -> the newest audit entries. */
  abstract String newestAudit();
}
