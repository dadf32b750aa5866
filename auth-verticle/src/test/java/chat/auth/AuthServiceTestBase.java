package chat.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;

import chat.shared.Addresses;
import chat.shared.ErrorCode;
import chat.shared.ServiceBus;
import chat.shared.ServiceError;
import chat.shared.Settings;
import chat.shared.launch.PostgresUrl;
import chat.testing.TestPostgres;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Deploys the real AuthVerticle, the way every deployer does, on a fresh database per test;
 * tests then speak to it only over the event bus through {@link ServiceBus}. The store is the
 * one the surefire execution names ({@link TestPostgres#selected}): a SQLite file in a
 * temporary directory, or a fresh database of the test PostgreSQL server.
 */
@ExtendWith(VertxExtension.class)
abstract class AuthServiceTestBase {

  /** Low so tests are fast; production uses Settings' default. */
  static final int TEST_ITERATIONS = 1000;
  static final String PASSWORD = "correct horse battery";

  @TempDir
  Path dataDir;

  Vertx vertx;
  ServiceBus bus;
  JsonObject config;
  String deploymentId;

  @BeforeEach
  void deployAuthVerticle(Vertx vertx, VertxTestContext ctx) {
    this.vertx = vertx;
    this.bus = new ServiceBus(vertx.eventBus());
    // A data directory that does not exist yet: the verticle creates it.
    this.config = newStore("data")
      .put(Settings.PASSWORD_ITERATIONS, TEST_ITERATIONS)
      // Tests register owners freely and log in in parallel from no address; the classes that
      // check these rules set them back (see extraConfig).
      .put(Settings.OWNER_SIGNUP, "open")
      .put(Settings.LOGIN_ATTEMPTS_PER_MINUTE, 100_000)
      .put(Settings.REGISTRATIONS_PER_HOUR, 1_000_000)
      .put(Settings.PASSWORD_QUEUE, 10_000)
      .put(Settings.PASSWORD_CHECKS_PER_ADDRESS, 10_000)
      .mergeIn(extraConfig());
    vertx.deployVerticle(new AuthVerticle(), AuthVerticle.deploymentOptions(config))
      .onComplete(ctx.succeeding(id -> {
        deploymentId = id;
        ctx.completeNow();
      }));
  }

  /** Settings a test class needs on top of the defaults above. */
  JsonObject extraConfig() {
    return new JsonObject();
  }

  /** SQLite only: the database file of the deployed service. */
  Path databaseFile() {
    return dataDir.resolve("data").resolve(SqliteAuthStore.DATABASE_FILE);
  }

  /**
   * The settings of a new, empty store: a data directory {@code name} (not created) under the
   * test's temporary directory on SQLite, a fresh database on PostgreSQL.
   */
  JsonObject newStore(String name) {
    JsonObject store = new JsonObject().put(Settings.DATA_DIR, dataDir.resolve(name).toString());
    if (TestPostgres.selected()) {
      store.put(Settings.STORE, PostgresUrl.POSTGRESQL).put(Settings.PG_URL, TestPostgres.freshDatabase());
    }
    return store;
  }

  /** A JDBC connection of its own (so it sees only committed rows) to the store of {@code settings}. */
  static Connection connect(JsonObject settings) throws SQLException {
    Settings read = new Settings(settings);
    if (PostgresUrl.selected(read)) {
      PostgresUrl url = PostgresUrl.from(read);
      return DriverManager.getConnection(url.jdbcUrl() + "?currentSchema=" + PostgresAuthStore.SCHEMA,
        url.user(), url.password());
    }
    return DriverManager.getConnection(
      SqliteAuthStore.jdbcUrl(Path.of(read.string(Settings.DATA_DIR)).resolve(SqliteAuthStore.DATABASE_FILE)));
  }

  /** The first column of each row of {@code sql} (with {@code params}), as text, read on a connection of its own. */
  Future<List<String>> committed(String sql, Object... params) {
    return vertx.executeBlocking(() -> {
      try (Connection connection = connect(config);
           PreparedStatement select = connection.prepareStatement(sql)) {
        for (int i = 0; i < params.length; i++) {
          select.setObject(i + 1, params[i]);
        }
        List<String> values = new ArrayList<>();
        try (ResultSet rows = select.executeQuery()) {
          while (rows.next()) {
            values.add(rows.getString(1));
          }
        }
        return values;
      }
    });
  }

  static JsonObject registration(String username) {
    return new JsonObject()
      .put("username", username)
      .put("email", username.toLowerCase() + "@example.com")
      .put("password", PASSWORD)
      .put("user_type", "student");
  }

  Future<JsonObject> register(String username) {
    return bus.request(Addresses.AUTH_REGISTER, registration(username));
  }

  Future<JsonObject> register(JsonObject body) {
    return bus.request(Addresses.AUTH_REGISTER, body);
  }

  Future<JsonObject> login(String username, String password) {
    return bus.request(Addresses.AUTH_LOGIN, new JsonObject().put("username", username).put("password", password));
  }

  /** Succeeds with the error when {@code call} failed with {@code code}; fails the test otherwise. */
  static Future<ServiceError> expectError(Future<?> call, ErrorCode code) {
    return call.transform(ar -> {
      if (ar.succeeded()) {
        return Future.failedFuture(new AssertionError("expected " + code + " but got " + ar.result()));
      }
      ServiceError error = ServiceError.from(ar.cause());
      if (error.code() != code) {
        return Future.failedFuture(new AssertionError(
          "expected " + code + " but got " + error.code() + ": " + error.getMessage()));
      }
      return Future.succeededFuture(error);
    });
  }

  /** Asserts a VALIDATION error naming exactly these fields. */
  static void assertInvalidFields(ServiceError error, String... fields) {
    assertEquals(ErrorCode.VALIDATION, error.code());
    assertEquals(Set.of(fields), error.fields().fieldNames(), "fields of " + error.fields());
  }
}
