package chat.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import chat.shared.Addresses;
import chat.shared.ErrorCode;
import chat.shared.Settings;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.ThreadingModel;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxTestContext;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.sqlite.SQLiteConfig;

class DeploymentTest extends AuthServiceTestBase {

  @Test
  void deploymentOptionsMakeAWorkerWithTheGivenConfig() {
    JsonObject given = new JsonObject().put(Settings.DATA_DIR, "somewhere");
    DeploymentOptions options = AuthVerticle.deploymentOptions(given);
    assertEquals(ThreadingModel.WORKER, options.getThreadingModel());
    assertEquals(given, options.getConfig());
  }

  @Test
  void deployingOnTheEventLoopIsRefused(VertxTestContext ctx) {
    JsonObject otherDir = config.copy().put(Settings.DATA_DIR, dataDir.resolve("other").toString());
    vertx.deployVerticle(new AuthVerticle(), new DeploymentOptions().setConfig(otherDir))
      .onComplete(ctx.failing(err -> ctx.verify(() -> {
        assertTrue(err.getMessage().contains("deploymentOptions"), err.getMessage());
        ctx.completeNow();
      })));
  }

  @Test
  @Tag("sqlite-only")
  void databaseIsCreatedInTheDataDirectoryInWalMode(VertxTestContext ctx) {
    vertx.executeBlocking(() -> {
      SQLiteConfig readOnly = new SQLiteConfig();
      readOnly.setReadOnly(true);
      try (Connection connection = readOnly.createConnection("jdbc:sqlite:" + databaseFile());
           Statement statement = connection.createStatement();
           ResultSet rows = statement.executeQuery("PRAGMA journal_mode")) {
        rows.next();
        return rows.getString(1);
      }
    }).onComplete(ctx.succeeding(mode -> ctx.verify(() -> {
      assertEquals("wal", mode);
      ctx.completeNow();
    })));
  }

  @Test
  void usersSurviveARedeploymentOnTheSameDatabase(VertxTestContext ctx) {
    register("alice")
      .compose(user -> vertx.undeploy(deploymentId))
      .compose(v -> expectError(bus.request(Addresses.AUTH_PING, new JsonObject(), 500), ErrorCode.UNAVAILABLE))
      .compose(gone -> vertx.deployVerticle(new AuthVerticle(), AuthVerticle.deploymentOptions(config)))
      .compose(id -> login("ALICE", PASSWORD))
      .onComplete(ctx.succeeding(user -> ctx.verify(() -> {
        assertEquals("alice", user.getString("username"));
        ctx.completeNow();
      })));
  }

  @Test
  @Tag("postgresql-only")
  void onPostgresqlTheTablesAreInTheAuthSchemaOnly() throws Exception {
    List<String> tables = committed("SELECT table_schema || '.' || table_name FROM information_schema.tables"
      + " WHERE table_schema NOT IN ('pg_catalog', 'information_schema') ORDER BY 1").await(20, TimeUnit.SECONDS);
    assertEquals(List.of("auth.audit_log", "auth.flyway_schema_history", "auth.users"), tables);
  }

  @Test
  void anUnknownStoreIsRefusedAtDeployment(VertxTestContext ctx) {
    vertx.deployVerticle(new AuthVerticle(), AuthVerticle.deploymentOptions(config.copy().put(Settings.STORE, "mysql")))
      .onComplete(ctx.failing(err -> ctx.verify(() -> {
        assertTrue(err.getMessage().contains(Settings.STORE), err.getMessage());
        ctx.completeNow();
      })));
  }

  @Test
  void aPostgresqlUrlWithoutPasswordOrPasswordFileIsRefusedAtDeployment(VertxTestContext ctx) {
    JsonObject noPassword = config.copy().put(Settings.STORE, "postgresql")
      .put(Settings.PG_URL, "postgresql://chatbus@127.0.0.1:1/chatbus").put(Settings.PG_PASSWORD_FILE, "");
    vertx.deployVerticle(new AuthVerticle(), AuthVerticle.deploymentOptions(noPassword))
      .onComplete(ctx.failing(err -> ctx.verify(() -> {
        assertTrue(err.getMessage().contains(Settings.PG_PASSWORD_FILE), err.getMessage());
        ctx.completeNow();
      })));
  }
}
