package chat.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;

import chat.shared.Addresses;
import chat.shared.ErrorCode;
import chat.shared.ServiceBus;
import chat.shared.ServiceError;
import chat.shared.Settings;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.nio.file.Path;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Deploys the real AuthVerticle, the way every deployer does, on a fresh database per test;
 * tests then speak to it only over the event bus through {@link ServiceBus}.
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
    this.config = new JsonObject()
      .put(Settings.DATA_DIR, dataDir.resolve("data").toString())
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

  Path databaseFile() {
    return dataDir.resolve("data").resolve(AuthVerticle.DATABASE_FILE);
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
