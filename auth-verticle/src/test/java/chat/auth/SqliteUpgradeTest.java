package chat.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import chat.shared.Addresses;
import chat.shared.ErrorCode;
import chat.shared.ServiceError;
import chat.shared.Settings;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * An auth.db written by the code before the SQLite migrations moved to {@code db/auth/sqlite}
 * (main at e8598dc: {@code upgrade/auth-main-e8598dc.sqlite}, an owner olivia, a university_staff
 * Émile she changed, one audit entry, migrations 1-3 applied) starts under this code: Flyway
 * keeps a script's name and checksum, not its location, so it validates and applies nothing.
 */
@Tag("sqlite-only")
class SqliteUpgradeTest extends AuthServiceTestBase {

  private static <T> T await(Future<T> future) throws Exception {
    return future.await(30, TimeUnit.SECONDS);
  }

  @Test
  void aDatabaseMigratedByTheOlderLayoutStartsAndKeepsItsData() throws Exception {
    Path upgraded = dataDir.resolve("upgraded");
    Files.createDirectories(upgraded);
    try (InputStream fixture = getClass().getResourceAsStream("/upgrade/auth-main-e8598dc.sqlite")) {
      Files.copy(fixture, upgraded.resolve(SqliteAuthStore.DATABASE_FILE));
    }
    await(vertx.undeploy(deploymentId));
    JsonObject settings = config.copy().put(Settings.DATA_DIR, upgraded.toString());
    await(vertx.deployVerticle(new AuthVerticle(), AuthVerticle.deploymentOptions(settings)));

    // The history is as the older code left it: nothing re-applied, nothing failed.
    try (var connection = connect(settings);
         var statement = connection.createStatement();
         var rows = statement.executeQuery("SELECT version || ' ' || script || ' ' || success"
           + " FROM flyway_schema_history ORDER BY installed_rank")) {
      List<String> history = new java.util.ArrayList<>();
      while (rows.next()) {
        history.add(rows.getString(1));
      }
      assertEquals(List.of("1 V1__users.sql 1", "2 V2__audit.sql 1", "3 chat.auth.V3__Username_key 1"), history);
    }
    // Its users log in, its names are still taken, its audit log is still there.
    JsonObject emile = await(login("ÉMILE", PASSWORD));
    assertEquals("university_staff", emile.getString("user_type"));
    assertEquals("owner", await(login("olivia", PASSWORD)).getString("user_type"));
    ServiceError taken = assertThrows(ServiceError.class, () -> await(register("Olivia")));
    assertEquals(ErrorCode.CONFLICT, taken.code());
    assertEquals(1, await(bus.request(Addresses.AUTH_ADMIN_AUDIT, new JsonObject())).getLong("total"));
    assertEquals("newcomer", await(register("newcomer")).getString("username"));
  }
}
