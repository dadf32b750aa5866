package chat.auth;

import chat.shared.Addresses;
import chat.shared.ServiceBus;
import chat.shared.Settings;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.ThreadingModel;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.sqlclient.SqlAuthentication;
import io.vertx.ext.auth.sqlclient.SqlAuthenticationOptions;
import io.vertx.jdbcclient.JDBCConnectOptions;
import io.vertx.jdbcclient.JDBCPool;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import org.flywaydb.core.Flyway;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The auth service: users, registration, login and their administration, served on the
 * {@code svc.auth.*} addresses from its own SQLite database {@code <CHAT_DATA_DIR>/auth.db}.
 *
 * <p>Deploy it only with {@link #deploymentOptions(JsonObject)}: it is a worker verticle
 * because vertx-auth's SqlAuthentication verifies PBKDF2 hashes (deliberately slow) inside its
 * callbacks, on this verticle's context.
 */
public class AuthVerticle extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(AuthVerticle.class);

  static final String DATABASE_FILE = "auth.db";
  private static final String MIGRATIONS = "classpath:db/auth";

  private Pool pool;

  /** The only way to deploy this verticle: as a worker, with the given config. */
  public static DeploymentOptions deploymentOptions(JsonObject config) {
    return new DeploymentOptions().setThreadingModel(ThreadingModel.WORKER).setConfig(config);
  }

  @Override
  public Future<?> start() {
    if (context.isEventLoopContext()) {
      return Future.failedFuture(new IllegalStateException(
        "AuthVerticle hashes passwords on its own context: deploy it with AuthVerticle.deploymentOptions(config)"));
    }
    Settings settings = new Settings(config());
    Path dataDir = Path.of(settings.string(Settings.DATA_DIR));
    Path database = dataDir.resolve(DATABASE_FILE);
    String url = UserSql.jdbcUrl(database);
    int iterations = settings.integer(Settings.PASSWORD_ITERATIONS);

    pool = JDBCPool.pool(vertx,
      new JDBCConnectOptions().setJdbcUrl(url),
      // SQLite has a single writer and auth traffic is small: one connection, no lock contention.
      new PoolOptions().setMaxSize(1));
    SqlAuthentication sqlAuth = SqlAuthentication.create(pool,
      new SqlAuthenticationOptions().setAuthenticationQuery(UserSql.AUTHENTICATION_QUERY));

    return vertx.executeBlocking(() -> {
        Files.createDirectories(dataDir);
        migrate(url);
        // The dummy hash for unknown users costs one full hash: compute it off the context too.
        return new Passwords(sqlAuth, iterations);
      })
      .compose(passwords -> register(new AuthService(vertx, new UserSql(pool), sqlAuth, passwords),
        new AdminService(new AdminSql(pool), vertx.eventBus())))
      .onSuccess(v -> LOG.info("Auth service ready on {} (PBKDF2, {} iterations)", database, iterations));
  }

  @Override
  public Future<?> stop() {
    return pool == null ? Future.succeededFuture() : pool.close();
  }

  private static void migrate(String url) {
    Flyway.configure()
      .dataSource(url, null, null)
      .locations(MIGRATIONS)
      .load()
      .migrate();
  }

  /** Registers every operation; done when each consumer has reached the (clustered) event bus. */
  private Future<?> register(AuthService service, AdminService admin) {
    EventBus eventBus = vertx.eventBus();
    List<MessageConsumer<Object>> consumers = List.of(
      ServiceBus.serve(eventBus, Addresses.AUTH_REGISTER, service::register),
      ServiceBus.serve(eventBus, Addresses.AUTH_LOGIN, service::login),
      ServiceBus.serve(eventBus, Addresses.AUTH_USER_GET, service::getUser),
      ServiceBus.serve(eventBus, Addresses.AUTH_USERS_LOOKUP, service::lookupUsers),
      ServiceBus.serve(eventBus, Addresses.AUTH_USERS_SEARCH, service::searchUsers),
      ServiceBus.serve(eventBus, Addresses.AUTH_PING, service::ping),
      ServiceBus.serve(eventBus, Addresses.AUTH_ADMIN_USERS_LIST, admin::listUsers),
      ServiceBus.serve(eventBus, Addresses.AUTH_ADMIN_USER_GET, admin::getUser),
      ServiceBus.serve(eventBus, Addresses.AUTH_ADMIN_USER_UPDATE, admin::updateUser),
      ServiceBus.serve(eventBus, Addresses.AUTH_ADMIN_AUDIT, admin::audit));
    return Future.all(consumers.stream().map(MessageConsumer::completion).collect(Collectors.toList()));
  }
}
