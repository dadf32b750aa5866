package chat.auth;

import chat.shared.Settings;
import chat.shared.sql.SqlDialect;
import io.vertx.core.Vertx;
import io.vertx.jdbcclient.JDBCConnectOptions;
import io.vertx.jdbcclient.JDBCPool;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import io.vertx.sqlclient.Tuple;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Set;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.configuration.FluentConfiguration;
import org.sqlite.SQLiteErrorCode;
import org.sqlite.SQLiteException;

/**
 * The auth store on SQLite (the default): {@code <CHAT_DATA_DIR>/auth.db}, one pooled
 * connection (SQLite has a single writer and auth traffic is small), write transactions
 * {@code BEGIN IMMEDIATE}, which take the database's write lock up front and so also serialise
 * the owner bootstrap and admin updates. Migrations: {@code db/auth/sqlite} and
 * {@link V3__Username_key}.
 */
final class SqliteAuthStore extends AuthStore {

  static final String DATABASE_FILE = "auth.db";
  /**
   * Moved here from {@code db/auth}: Flyway records a script's name and checksum, not its
   * location, so a database migrated from the old location validates unchanged.
   */
  static final String MIGRATIONS = "classpath:db/auth/sqlite";

  /**
   * PRAGMAs ride on the URL so sqlite-jdbc applies them to every connection it opens (the
   * pool's and Flyway's). IMMEDIATE transactions take the write lock up front instead of
   * failing with SQLITE_BUSY when a reader later tries to write.
   */
  private static final String URL_PRAGMAS =
    "?journal_mode=WAL&synchronous=NORMAL&busy_timeout=5000&foreign_keys=true&transaction_mode=IMMEDIATE";

  /** SQLite's primary result codes of a failing storage: BUSY, LOCKED, NOMEM, READONLY, IOERR, FULL, CANTOPEN, PROTOCOL. */
  private static final Set<Integer> STORAGE_FAILURES = Set.of(5, 6, 7, 8, 10, 13, 14, 15);

  private final Path dataDir;
  private final Path database;

  SqliteAuthStore(Settings settings) {
    super(SqlDialect.SQLITE);
    this.dataDir = Path.of(settings.string(Settings.DATA_DIR));
    this.database = dataDir.resolve(DATABASE_FILE);
  }

  static String jdbcUrl(Path databaseFile) {
    return "jdbc:sqlite:" + databaseFile.toAbsolutePath() + URL_PRAGMAS;
  }

  @Override
  void migrate() {
    try {
      Files.createDirectories(dataDir);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot create the data directory " + dataDir, e);
    }
    flyway().load().migrate();
  }

  @Override
  FluentConfiguration flyway() {
    return Flyway.configure()
      .dataSource(jdbcUrl(database), null, null)
      .locations(MIGRATIONS)
      // A database migrated by a newer release is refused, not served by this older one.
      .ignoreMigrationPatterns(new String[0])
      .javaMigrations(new V3__Username_key());
  }

  @Override
  Pool createPool(Vertx vertx) {
    return JDBCPool.pool(vertx, new JDBCConnectOptions().setJdbcUrl(jdbcUrl(database)).setMetricsName(POOL_NAME),
      new PoolOptions().setMaxSize(1).setName(POOL_NAME));
  }

  @Override
  public String toString() {
    return "SQLite " + database;
  }

  // BEGIN IMMEDIATE: takes the database's write lock up front.
  @Override
  String begin() {
    return "BEGIN IMMEDIATE";
  }

  // None: BEGIN IMMEDIATE already made the transaction the only writer.
  @Override
  String lockUsers() {
    return null;
  }

  @Override
  boolean isUniqueViolation(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (t instanceof SQLiteException
        && ((SQLiteException) t).getResultCode() == SQLiteErrorCode.SQLITE_CONSTRAINT_UNIQUE) {
        return true;
      }
    }
    return false;
  }

  @Override
  boolean isStorageFailure(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t instanceof SQLException && STORAGE_FAILURES.contains(((SQLException) t).getErrorCode() & 0xff)) {
        return true;
      }
    }
    return false;
  }

  @Override
  Tuple idsTuple(Collection<Long> ids) {
    return Tuple.wrap(new ArrayList<Object>(ids));
  }

  // LIKE (SQLite's ignores ASCII case); BINARY order of username_key.
  @Override
  String searchActive() {
    return "SELECT " + USER_COLUMNS + " FROM users WHERE is_active = 1"
      + " AND (username LIKE ? ESCAPE '\\' OR username_key LIKE ? ESCAPE '\\'"
      + " OR (? = 1 AND email LIKE ? ESCAPE '\\'))"
      + " ORDER BY username_key, id LIMIT ?";
  }

  /** An untyped NULL test, LIKE. */
  private static final String FILTER = " WHERE (? IS NULL OR user_type = ?) AND (username LIKE ? ESCAPE '\\'"
    + " OR username_key LIKE ? ESCAPE '\\' OR email LIKE ? ESCAPE '\\')";

  // FILTER: an untyped NULL test, LIKE.
  @Override
  String countUsers() {
    return "SELECT COUNT(*) AS n FROM users" + FILTER;
  }

  // FILTER: an untyped NULL test, LIKE.
  @Override
  String pageUsers() {
    return "SELECT " + USER_COLUMNS + " FROM users" + FILTER + " ORDER BY id LIMIT ? OFFSET ?";
  }

  // BINARY order of created_at (SQLite's default collation).
  @Override
  String newestAudit() {
    return "SELECT " + AUDIT_COLUMNS + " FROM audit_log ORDER BY created_at DESC, id DESC LIMIT ?";
  }
}
