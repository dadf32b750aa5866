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
import java.util.List;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The auth service: users, registration, login and their administration, served on the
 * {@code svc.auth.*} addresses from its own store ({@link AuthStore}): the SQLite database
 * {@code <CHAT_DATA_DIR>/auth.db} by default, or the schema {@code auth} of a PostgreSQL
 * database ({@code CHAT_STORE=postgresql}, {@code CHAT_PG_URL}). A failure of the store answers
 * 503 {@code unavailable}; the next request tries the store again.
 *
 * <p>Deploy it only with {@link #deploymentOptions(JsonObject)}, as a worker verticle: its
 * start runs the migrations and computes a hash, and whatever slow work a change might add
 * should never stall an event loop. Password hashing and verification themselves run on
 * {@link PasswordWork}'s named pool, sized to the cores, in parallel.
 *
 * <p>The login and registration limits ({@link LoginLimits}) are kept here, in the one auth
 * instance every gateway asks, so they hold cluster-wide.
 */
public class AuthVerticle extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(AuthVerticle.class);

  /** How often limits that no longer limit anything are dropped. */
  private static final long SWEEP_MS = 60_000;

  private AuthStore store;
  private PasswordWork work;
  private long sweepTimer = -1;

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
    try {
      store = AuthStore.of(settings);
    } catch (RuntimeException e) {
      return Future.failedFuture(e);
    }
    int iterations = settings.integer(Settings.PASSWORD_ITERATIONS);
    String ownerSignup = settings.string(Settings.OWNER_SIGNUP).trim();
    if (!"open".equals(ownerSignup) && !"closed".equals(ownerSignup)) {
      return Future.failedFuture(new IllegalArgumentException(
        Settings.OWNER_SIGNUP + " must be open or closed, got '" + ownerSignup + "'"));
    }
    int cores = Runtime.getRuntime().availableProcessors();
    int workers = settings.integer(Settings.PASSWORD_WORKERS) > 0 ? settings.integer(Settings.PASSWORD_WORKERS) : cores;
    int queue = settings.integer(Settings.PASSWORD_QUEUE) > 0 ? settings.integer(Settings.PASSWORD_QUEUE) : 4 * workers;
    work = new PasswordWork(vertx, workers, queue, Math.max(1, settings.integer(Settings.PASSWORD_CHECKS_PER_ADDRESS)));
    LoginLimits limits = new LoginLimits(settings.integer(Settings.LOGIN_ACCOUNT_FREE_FAILURES),
      settings.integer(Settings.LOGIN_BACKOFF_MAX_SECONDS) * 1000L,
      settings.integer(Settings.LOGIN_ATTEMPTS_PER_MINUTE), settings.integer(Settings.REGISTRATIONS_PER_HOUR),
      System::currentTimeMillis);
    sweepTimer = vertx.setPeriodic(SWEEP_MS, id -> limits.sweep());

    return vertx.executeBlocking(() -> {
        store.open(vertx);
        // The dummy hash for unknown users costs one full hash: compute it off the context too.
        return new Passwords(iterations);
      })
      .compose(passwords -> register(
        new AuthService(new UserSql(store), passwords, work, limits, "open".equals(ownerSignup)),
        new AdminService(new AdminSql(store), vertx.eventBus())))
      .onSuccess(v -> LOG.info("Auth service ready on {} (PBKDF2, {} iterations, {} password workers, owner sign-up {})",
        store, iterations, workers, ownerSignup))
      .onFailure(err -> {
        vertx.cancelTimer(sweepTimer);
        work.close();
        store.close();
      });
  }

  @Override
  public Future<?> stop() {
    vertx.cancelTimer(sweepTimer);
    return Future.all(store == null ? Future.succeededFuture() : store.close(),
      work == null ? Future.succeededFuture() : work.close());
  }

  /** Registers every operation; done when each consumer has reached the (clustered) event bus. */
  private Future<?> register(AuthService service, AdminService admin) {
    EventBus eventBus = vertx.eventBus();
    // Each operation's failures pass through the store: its own storage failures become 503.
    Function<Function<JsonObject, Future<JsonObject>>, Function<JsonObject, Future<JsonObject>>> guarded =
      handler -> body -> handler.apply(body).recover(store::answer);
    List<MessageConsumer<Object>> consumers = List.of(
      ServiceBus.serve(eventBus, Addresses.AUTH_REGISTER, guarded.apply(service::register)),
      ServiceBus.serve(eventBus, Addresses.AUTH_LOGIN, guarded.apply(service::login)),
      ServiceBus.serve(eventBus, Addresses.AUTH_USER_GET, guarded.apply(service::getUser)),
      ServiceBus.serve(eventBus, Addresses.AUTH_USERS_LOOKUP, guarded.apply(service::lookupUsers)),
      ServiceBus.serve(eventBus, Addresses.AUTH_USERS_SEARCH, guarded.apply(service::searchUsers)),
      ServiceBus.serve(eventBus, Addresses.AUTH_PING, guarded.apply(service::ping)),
      ServiceBus.serve(eventBus, Addresses.AUTH_ADMIN_USERS_LIST, guarded.apply(admin::listUsers)),
      ServiceBus.serve(eventBus, Addresses.AUTH_ADMIN_USER_GET, guarded.apply(admin::getUser)),
      ServiceBus.serve(eventBus, Addresses.AUTH_ADMIN_USER_UPDATE, guarded.apply(admin::updateUser)),
      ServiceBus.serve(eventBus, Addresses.AUTH_ADMIN_AUDIT, guarded.apply(admin::audit)));
    return Future.all(consumers.stream().map(MessageConsumer::completion).collect(Collectors.toList()));
  }
}
