package chat.auth;

import chat.shared.launch.PostgresUrl;
import io.vertx.core.VertxException;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.ClosedConnectionException;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import io.vertx.sqlclient.Tuple;
import java.io.IOException;
import java.util.Collection;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.configuration.FluentConfiguration;

/**
 * The auth store on PostgreSQL ({@code CHAT_STORE=postgresql}): the schema {@value #SCHEMA} of
 * the {@code CHAT_PG_URL} database, which Flyway creates and migrates ({@code db/auth/postgresql}
 * and the same {@link V3__Username_key} as SQLite) and every pooled connection has as its
 * {@code search_path}. The reactive pool holds up to {@value #POOL_SIZE} connections: auth's
 * statements are short and its password work, not the database, bounds its throughput.
 *
 * <p>Write transactions run at READ COMMITTED. What SQLite's single writer gave for free, the
 * owner bootstrap (count the owners, then insert one) and admin updates (check the actor is
 * still an active owner, then change a user) get from {@link #lockUsers}: a SHARE ROW EXCLUSIVE
 * lock on {@code users}, which conflicts with itself and with every insert or update, so of two
 * such transactions the second waits and then reads what the first committed. Registrations of
 * other types take no lock: the unique index on {@code username_key} decides their races
 * (SQLSTATE 23505, answered 409 as on SQLite).
 */
final class PostgresAuthStore extends AuthStore {

  static final String SCHEMA = "auth";
  static final String MIGRATIONS = "classpath:db/auth/postgresql";
  static final int POOL_SIZE = 8;

  /**
   * SQLSTATEs of a failing storage rather than a failing statement: whole classes 08 (connection),
   * 53 (insufficient resources: disk full, too many connections), 58 (system error) and 28
   * (authorization: the credentials stopped working); and 57P01-57P05 (shutdown, cannot connect
   * now), 25006 (a read-only server), 40001 and 40P01 (serialisation failure, deadlock: retry).
   */
  private static final Set<String> STORAGE_CLASSES = Set.of("08", "53", "58", "28");
  private static final Set<String> STORAGE_STATES = Set.of("57P01", "57P02", "57P03", "57P04", "57P05", "25006",
    "40001", "40P01");

  private final PostgresUrl url;

  PostgresAuthStore(PostgresUrl url) {
    this.url = url;
  }

  @Override
  void migrate() {
    flyway().load().migrate();
  }

  @Override
  FluentConfiguration flyway() {
    return Flyway.configure()
      .dataSource(url.jdbcUrl(), url.user(), url.password())
      .schemas(SCHEMA)
      .defaultSchema(SCHEMA)
      .locations(MIGRATIONS)
      .javaMigrations(new V3__Username_key());
  }

  @Override
  Pool createPool(Vertx vertx) {
    PgConnectOptions options = new PgConnectOptions()
      .setHost(url.host())
      .setPort(url.port())
      .setDatabase(url.database())
      .setUser(url.user())
      .setPassword(url.password())
      .addProperty("search_path", SCHEMA)
      .addProperty("application_name", "chatbus-auth");
    return PgBuilder.pool()
      // A request waits at most 5 s for a connection (then 503), well inside the callers' 10 s.
      .with(new PoolOptions().setMaxSize(POOL_SIZE).setConnectionTimeout(5).setConnectionTimeoutUnit(TimeUnit.SECONDS))
      .connectingTo(options)
      .using(vertx)
      .build();
  }

  @Override
  public String toString() {
    return "PostgreSQL " + url + " (schema " + SCHEMA + ")";
  }

  @Override
  String begin() {
    return "BEGIN";
  }

  @Override
  String lockUsers() {
    return "LOCK TABLE users IN SHARE ROW EXCLUSIVE MODE";
  }

  @Override
  boolean isUniqueViolation(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t instanceof PgException && "23505".equals(((PgException) t).getSqlState())) {
        return true;
      }
    }
    return false;
  }

  /**
   * The server reporting one of the SQLSTATEs above, or the connection failing: refused, reset,
   * lost mid-statement ({@link ClosedConnectionException}, the client's "not active" and
   * "pending requests" failures), or no pooled connection within the pool's wait.
   */
  @Override
  boolean isStorageFailure(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t instanceof PgException) {
        String state = ((PgException) t).getSqlState();
        return state != null && (STORAGE_STATES.contains(state)
          || state.length() == 5 && STORAGE_CLASSES.contains(state.substring(0, 2)));
      }
      if (t instanceof IOException || t instanceof ClosedConnectionException || t instanceof TimeoutException) {
        return true;
      }
      if (t.getClass() == VertxException.class && t.getMessage() != null
        && (t.getMessage().startsWith("Connection is not active") || t.getMessage().startsWith("Pending requests failed"))) {
        return true;
      }
    }
    return false;
  }

  @Override
  String usernameTaken() {
    return "SELECT 1 FROM users WHERE username_key = $1";
  }

  @Override
  String countOwners() {
    return "SELECT COUNT(*) AS n FROM users WHERE user_type = 'owner'";
  }

  @Override
  String insertUser() {
    return "INSERT INTO users (username, username_key, email, password_hash, user_type, is_active, date_joined)"
      + " VALUES ($1, $2, $3, $4, $5, 1, $6) RETURNING " + USER_COLUMNS;
  }

  @Override
  String userById() {
    return "SELECT " + USER_COLUMNS + " FROM users WHERE id = $1";
  }

  @Override
  String loginCandidate() {
    return "SELECT " + USER_COLUMNS + ", password_hash FROM users WHERE username_key = $1 AND is_active = 1";
  }

  /** One array parameter whatever the count, so one prepared statement serves every lookup. */
  @Override
  String usersByIds(int count) {
    return "SELECT " + USER_COLUMNS + " FROM users WHERE id = ANY($1)";
  }

  @Override
  Tuple idsTuple(Collection<Long> ids) {
    return Tuple.tuple().addArrayOfLong(ids.toArray(new Long[0]));
  }

  /**
   * ILIKE: SQLite's LIKE ignores ASCII case, PostgreSQL's does not. COLLATE "C": the order of
   * SQLite's BINARY collation (code points), whatever the database's locale.
   */
  @Override
  String searchActive() {
    return "SELECT " + USER_COLUMNS + " FROM users WHERE is_active = 1"
      + " AND (username ILIKE $1 ESCAPE '\\' OR username_key ILIKE $2 ESCAPE '\\'"
      + " OR ($3 = 1 AND email ILIKE $4 ESCAPE '\\'))"
      + " ORDER BY username_key COLLATE \"C\", id LIMIT $5";
  }

  /** {@code $1::text}: a bare NULL parameter has no type PostgreSQL could infer. */
  private static final String FILTER = " WHERE ($1::text IS NULL OR user_type = $2) AND (username ILIKE $3 ESCAPE '\\'"
    + " OR username_key ILIKE $4 ESCAPE '\\' OR email ILIKE $5 ESCAPE '\\')";

  @Override
  String countUsers() {
    return "SELECT COUNT(*) AS n FROM users" + FILTER;
  }

  @Override
  String pageUsers() {
    return "SELECT " + USER_COLUMNS + " FROM users" + FILTER + " ORDER BY id LIMIT $6 OFFSET $7";
  }

  @Override
  String updateUser() {
    return "UPDATE users SET user_type = $1, is_active = $2 WHERE id = $3 RETURNING " + USER_COLUMNS;
  }

  @Override
  String insertAudit() {
    return "INSERT INTO audit_log (actor_id, actor_username, action, target, details, created_at)"
      + " VALUES ($1, $2, $3, $4, $5, $6)";
  }

  @Override
  String countAudit() {
    return "SELECT COUNT(*) AS n FROM audit_log";
  }

  @Override
  String newestAudit() {
    return "SELECT " + AUDIT_COLUMNS + " FROM audit_log ORDER BY created_at COLLATE \"C\" DESC, id DESC LIMIT $1";
  }
}
