package chat.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import chat.shared.Addresses;
import chat.shared.ErrorCode;
import chat.shared.ServiceError;
import chat.testing.TestPostgres;
import chat.shared.Settings;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The PostgreSQL server going away and coming back: while it is down every operation that needs
 * it answers 503 {@code unavailable} (never 500), and once it is back the same deployment serves
 * again, with nothing half-written. The server is this class's own ({@code scripts/pg-test.sh}),
 * stopped and restarted by the script, so the shared test server is never touched.
 */
@Tag("postgresql-only")
class PostgresOutageTest extends AuthServiceTestBase {

  private static Path serverDir;
  private static String serverUrl;

  @BeforeAll
  static void startOwnServer() throws Exception {
    // Under /tmp itself: as root the server runs as postgres, who must reach the directory.
    serverDir = Files.createTempDirectory("chatbus-pg-outage-");
    serverUrl = TestPostgres.script("start", serverDir);
  }

  @AfterAll
  static void stopOwnServer() throws Exception {
    if (serverDir != null) {
      try {
        TestPostgres.script("stop", serverDir);
      } finally {
        try (Stream<Path> paths = Files.walk(serverDir)) {
          paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
      }
    }
  }

  @Override
  JsonObject extraConfig() {
    return new JsonObject().put(Settings.PG_URL, serverUrl);
  }

  private static <T> T await(Future<T> future) throws Exception {
    return future.await(30, TimeUnit.SECONDS);
  }

  private static void assertUnavailable(Future<?> call) {
    ServiceError error = assertThrows(ServiceError.class, () -> await(call));
    assertEquals(ErrorCode.UNAVAILABLE, error.code(), error.getMessage());
    assertFalse(error.getMessage().contains("Exception"), error.getMessage());
  }

  @Test
  void whileTheServerIsDownEveryOperationAnswersUnavailableAndAfterARestartItServesAgain() throws Exception {
    JsonObject alice = await(register("alice"));
    assertEquals("UP", await(bus.request(Addresses.AUTH_PING, new JsonObject())).getString("status"));
    TestPostgres.script("stop", serverDir);
    try {
      assertEquals("DOWN", await(bus.request(Addresses.AUTH_PING, new JsonObject())).getString("status"),
        "readiness is DOWN while the store does not answer");
      assertUnavailable(login("alice", PASSWORD));
      assertUnavailable(register("bobby"));
      assertUnavailable(bus.request(Addresses.AUTH_USER_GET, new JsonObject().put("id", alice.getLong("id"))));
      assertUnavailable(bus.request(Addresses.AUTH_USERS_LOOKUP, new JsonObject().put("ids", List.of(alice.getLong("id")))));
      assertUnavailable(bus.request(Addresses.AUTH_USERS_SEARCH, new JsonObject().put("search", "ali")));
      assertUnavailable(bus.request(Addresses.AUTH_ADMIN_USERS_LIST, new JsonObject()));
      assertUnavailable(bus.request(Addresses.AUTH_ADMIN_USER_UPDATE, new JsonObject()
        .put("actor", new JsonObject().put("id", alice.getLong("id")).put("username", "alice"))
        .put("id", alice.getLong("id") + 1).put("changes", new JsonObject().put("is_active", false))));
    } finally {
      TestPostgres.script("restart", serverDir);
    }
    // The same deployment, new connections: the failed login was not counted, the failed
    // registration left nothing behind.
    assertEquals(alice.getLong("id"), await(login("alice", PASSWORD)).getLong("id"));
    assertEquals("UP", await(bus.request(Addresses.AUTH_PING, new JsonObject())).getString("status"));
    assertEquals("bobby", await(register("bobby")).getString("username"));
    assertEquals(List.of("alice", "bobby"), await(committed("SELECT username FROM users ORDER BY id")));
  }
}
