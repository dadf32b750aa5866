package chat.auth;

import chat.shared.launch.PostgresUrl;
import chat.shared.sql.SqlDialect;
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
    super(SqlDialect.POSTGRESQL);
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
      // A database migrated by a newer release is refused, not served by this older one.
      .ignoreMigrationPatterns(new String[0])
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
    options.setMetricsName(POOL_NAME);
    return PgBuilder.pool()
      // A request waits at most 5 s for a connection (then 503), well inside the callers' 10 s.
      .with(new PoolOptions().setMaxSize(POOL_SIZE).setName(POOL_NAME)
        .setConnectionTimeout(5).setConnectionTimeoutUnit(TimeUnit.SECONDS))
      .connectingTo(options)
      .using(vertx)
      .build();
  }

  @Override
  public String toString() {
    return "PostgreSQL " + url + " (schema " + SCHEMA + ")";
  }

  // Plain BEGIN (READ COMMITTED): lockUsers takes the lock where one is needed.
  @Override
  String begin() {
    return "BEGIN";
  }

  // A table lock: see the class comment.
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

  // FILTER: a typed NULL test, ILIKE.
  @Override
  String countUsers() {
    return "SELECT COUNT(*) AS n FROM users" + FILTER;
  }

  // FILTER: a typed NULL test, ILIKE.
  @Override
  String pageUsers() {
    return "SELECT " + USER_COLUMNS + " FROM users" + FILTER + " ORDER BY id LIMIT $6 OFFSET $7";
  }

  // COLLATE "C": SQLite's BINARY order of created_at, whatever the locale.
  @Override
  String newestAudit() {
    return "SELECT " + AUDIT_COLUMNS + " FROM audit_log ORDER BY created_at COLLATE \"C\" DESC, id DESC LIMIT $1";
  }
}
