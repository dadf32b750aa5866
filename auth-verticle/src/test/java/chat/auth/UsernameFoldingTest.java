package chat.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import chat.shared.Addresses;
import chat.shared.ErrorCode;
import chat.shared.ServiceError;
import chat.shared.Settings;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** Usernames are unique after NFKC and case folding; login accepts any spelling that folds the same. */
class UsernameFoldingTest extends AuthServiceTestBase {

  private static <T> T await(Future<T> future) throws Exception {
    return future.await(30, TimeUnit.SECONDS);
  }

  private ErrorCode refusal(String username) {
    return assertThrows(ServiceError.class, () -> await(register(username))).code();
  }

  @Test
  void spellingsThatFoldToATakenNameAreConflicts() throws Exception {
    await(register("Émile"));
    assertEquals(ErrorCode.CONFLICT, refusal("émile"));
    assertEquals(ErrorCode.CONFLICT, refusal("E\u0301MILE"), "decomposed accent, upper case");
    assertEquals(ErrorCode.CONFLICT, refusal("\u00C9\uFF2D\uFF29\uFF2C\uFF25"), "É then fullwidth MILE");

    await(register("fiona"));
    assertEquals(ErrorCode.CONFLICT, refusal("\uFB01ona"), "the fi ligature");
    assertEquals(ErrorCode.CONFLICT, refusal("\uFF26\uFF29\uFF2F\uFF2E\uFF21"), "fullwidth FIONA");

    await(register("straße"));
    assertEquals(ErrorCode.CONFLICT, refusal("STRASSE"), "sharp s folds to ss");
    await(register("ΟΔΟΣ"));
    assertEquals(ErrorCode.CONFLICT, refusal("οδος"), "final sigma");
    assertEquals(ErrorCode.CONFLICT, refusal("οδοσ"));

    // A different name is still a different name.
    assertEquals("emile", await(register("emile")).getString("username"));
  }

  @Test
  void loginAcceptsAnySpellingThatFoldsToTheNameAndShowsItAsRegistered() throws Exception {
    JsonObject registered = await(register("Émile"));
    for (String spelling : List.of("émile", "E\u0301MILE", "\uFF25\u0301\uFF4D\uFF49\uFF4C\uFF45")) {
      JsonObject user = await(login(spelling, PASSWORD));
      assertEquals(registered.getLong("id"), user.getLong("id"), spelling);
      assertEquals("Émile", user.getString("username"), "shown as registered (NFC)");
    }
    await(register("ﬁnn"));
    assertEquals("ﬁnn", await(login("FINN", PASSWORD)).getString("username"));
  }

  @Test
  void searchFindsUsersByAnySpellingOfTheirName() throws Exception {
    await(register("Émile"));
    await(register("bob"));
    for (String fragment : List.of("émi", "ÉMI", "\uFF25\u0301mi", "Émile")) {
      JsonObject found = await(bus.request(Addresses.AUTH_USERS_SEARCH, new JsonObject().put("search", fragment)));
      assertEquals(List.of("Émile"), found.getJsonArray("users").stream()
        .map(u -> ((JsonObject) u).getString("username")).collect(Collectors.toList()), fragment);
    }
  }

  @Test
  void migrationFillsKeysAndRenamesLaterAccountsThatCollide() throws Exception {
    // A database as migration 2 left it, with names the old ASCII-only index let through.
    JsonObject oldStore = newStore("old");
    java.nio.file.Files.createDirectories(Path.of(oldStore.getString(Settings.DATA_DIR)));
    AuthStore.of(new Settings(oldStore)).flyway().target("2").load().migrate();
    try (Connection c = connect(oldStore);
         PreparedStatement insert = c.prepareStatement("INSERT INTO users (username, email, password_hash, user_type,"
           + " is_active, date_joined) VALUES (?, 'x@example.com', 'h', 'student', 1, '2026-01-01T00:00:00.000Z')")) {
      for (String name : List.of("Émile", "émile", "ﬁona", "fiona", "zoe")) {
        insert.setString(1, name);
        insert.executeUpdate();
      }
    }
    await(vertx.undeploy(deploymentId));
    await(vertx.deployVerticle(new AuthVerticle(), AuthVerticle.deploymentOptions(config.copy().mergeIn(oldStore))));

    Map<Long, String> rows = new TreeMap<>();
    try (Connection c = connect(oldStore);
         Statement s = c.createStatement();
         ResultSet r = s.executeQuery("SELECT id, username, username_key FROM users")) {
      while (r.next()) {
        rows.put(r.getLong(1), r.getString(2) + "|" + r.getString(3));
      }
    }
    assertEquals(Map.of(1L, "Émile|émile", 2L, "émile-2|émile-2", 3L, "ﬁona|fiona", 4L, "fiona-4|fiona-4",
      5L, "zoe|zoe"), rows);
    // The index holds from now on.
    assertEquals(ErrorCode.CONFLICT, refusal("ZOE"));
    assertEquals(new ArrayList<>(List.of("fiona-4")),
      await(bus.request(Addresses.AUTH_USERS_SEARCH, new JsonObject().put("search", "fiona-")))
        .getJsonArray("users").stream().map(u -> ((JsonObject) u).getString("username")).collect(Collectors.toList()));
  }
}
