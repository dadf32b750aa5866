package chat.chats;

import chat.shared.Settings;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgBuilder;
import chat.shared.launch.PostgresUrl;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import java.util.Locale;
import java.util.Map;
import org.flywaydb.core.Flyway;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The chat service's schema {@value #SCHEMA} in a PostgreSQL database (CHAT_STORE=postgresql,
 * CHAT_PG_URL): migrated by Flyway over JDBC, served by two vertx-pg-client pools whose
 * connections have {@code search_path = chat}. Nothing else of the database is read.
 *
 * <p>Pool sizes are fixed, not settings: {@value #WRITER_CONNECTIONS} writer connections (the
 * group commit uses one at a time; chat creation, participant changes, edits and reactions of other
 * chats run beside it, queueing only on the rows they share) and {@value #READER_CONNECTIONS}
 * readers, each pipelining its queries.
 */
final class PostgresChatDatabase implements ChatDatabase {

  private static final Logger LOG = LoggerFactory.getLogger(PostgresChatDatabase.class);
  static final String SCHEMA = "chat";
  static final String MIGRATIONS = "classpath:db/chat/postgresql";
  static final int WRITER_CONNECTIONS = 8;
  static final int READER_CONNECTIONS = 8;

  private final PgConnectOptions options;

  PostgresChatDatabase(PgConnectOptions options) {
    this.options = options;
  }

  /**
   * From CHAT_PG_URL and CHAT_PG_PASSWORD_FILE, read by the one parser both services use
   * ({@link PostgresUrl}: it refuses a URL without a password when no file gives one).
   */
  static PostgresChatDatabase from(Settings settings) {
    PostgresUrl url = PostgresUrl.from(settings);
    PgConnectOptions options = new PgConnectOptions()
      .setHost(url.host())
      .setPort(url.port())
      .setDatabase(url.database())
      .setUser(url.user())
      .setPassword(url.password());
    options.setProperties(Map.of("search_path", SCHEMA, "application_name", "chatbus-chat"));
    if (!"0".equals(settings.string(Settings.CHAT_DB_MAX_BYTES).trim())) {
      LOG.warn("{} caps the SQLite file only; PostgreSQL's room is the server's", Settings.CHAT_DB_MAX_BYTES);
    }
    return new PostgresChatDatabase(options);
  }

  /** The schema {@value #SCHEMA} is created by Flyway when missing, with its history table in it. */
  @Override
  public void migrate() {
    String jdbcUrl = "jdbc:postgresql://" + options.getHost() + ":" + options.getPort() + "/" + options.getDatabase()
      + "?sslmode=" + options.getSslMode().name().toLowerCase(Locale.ROOT).replace('_', '-')
      + "&ApplicationName=chatbus-chat-migration";
    Flyway.configure(PostgresChatDatabase.class.getClassLoader())
      .dataSource(jdbcUrl, options.getUser(), options.getPassword())
      .schemas(SCHEMA)
      .defaultSchema(SCHEMA)
      .locations(MIGRATIONS)
      // A database migrated by a newer release is refused, not served by this older one.
      .ignoreMigrationPatterns(new String[0])
      .load()
      .migrate();
  }

  @Override
  public Pool writerPool(Vertx vertx) {
    return pool(vertx, WRITER_CONNECTIONS, "chat-writer");
  }

  @Override
  public Pool readerPool(Vertx vertx) {
    return pool(vertx, READER_CONNECTIONS, "chat-reader");
  }

  private Pool pool(Vertx vertx, int size, String name) {
    return PgBuilder.pool()
      .with(new PoolOptions().setMaxSize(size).setName(name))
      // The pool's name is also its SQL client metrics' namespace (ChatMetrics).
      .connectingTo(new PgConnectOptions(options).setMetricsName(name))
      .using(vertx)
      .build();
  }

  /** The connection options (tests). */
  PgConnectOptions options() {
    return new PgConnectOptions(options);
  }

  @Override
  public ChatSql sql() {
    return new PostgresChatSql();
  }

  @Override
  public String describe() {
    return "postgresql://" + options.getHost() + ":" + options.getPort() + "/" + options.getDatabase() + " schema " + SCHEMA;
  }
}
