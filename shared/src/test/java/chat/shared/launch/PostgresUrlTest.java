package chat.shared.launch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import chat.shared.Settings;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** CHAT_STORE, CHAT_PG_URL and CHAT_PG_PASSWORD_FILE as the services read them. */
class PostgresUrlTest {

  private static Settings settings(String url, String passwordFile) {
    return new Settings(new JsonObject().put(Settings.STORE, "postgresql").put(Settings.PG_URL, url)
      .put(Settings.PG_PASSWORD_FILE, passwordFile));
  }

  @Test
  void theStoreIsSqliteOrPostgresqlAndNothingElse() {
    assertFalse(PostgresUrl.selected(new Settings(new JsonObject().put(Settings.STORE, "sqlite"))));
    assertTrue(PostgresUrl.selected(new Settings(new JsonObject().put(Settings.STORE, " postgresql "))));
    IllegalArgumentException bad = assertThrows(IllegalArgumentException.class,
      () -> PostgresUrl.selected(new Settings(new JsonObject().put(Settings.STORE, "postgres"))));
    assertTrue(bad.getMessage().contains(Settings.STORE), bad.getMessage());
  }

  @Test
  void aFullUrlGivesEveryPartDecoded() {
    PostgresUrl url = PostgresUrl.from(settings("postgresql://chat%40bus:s%3Acret+1@db.example:6543/chatbus", ""));
    assertEquals(new PostgresUrl("db.example", 6543, "chatbus", "chat@bus", "s:cret+1"), url);
    assertEquals("jdbc:postgresql://db.example:6543/chatbus", url.jdbcUrl());
    assertFalse(url.toString().contains("cret"), url.toString());
  }

  @Test
  void thePortDefaultsTo5432AndIpv6HostsAreBracketedInJdbc() {
    PostgresUrl url = PostgresUrl.parse("postgres://u:p@[::1]/d");
    assertEquals("::1", url.host());
    assertEquals(5432, url.port());
    assertEquals("jdbc:postgresql://[::1]:5432/d", url.jdbcUrl());
  }

  @Test
  void withoutAPasswordInTheUrlTheFirstLineOfThePasswordFileIsIt(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("pg-password");
    Files.writeString(file, "from-the-file\nignored\n");
    assertEquals("from-the-file", PostgresUrl.from(settings("postgresql://chatbus@127.0.0.1/chatbus", file.toString())).password());
    // A password in the URL wins.
    assertEquals("inline", PostgresUrl.from(settings("postgresql://chatbus:inline@127.0.0.1/chatbus", file.toString())).password());
  }

  @Test
  void missingOrMalformedUrlsAreRefusedWithoutEchoingThem() {
    for (String bad : new String[] {"", "mysql://u:secret@h/d", "postgresql://h/d", "postgresql://u:secret@h/",
      "postgresql://u:secret@h/d/x", "postgresql://u:secret@h:port/d"}) {
      IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
        () -> PostgresUrl.from(settings(bad, "")), bad);
      assertTrue(refused.getMessage().contains(Settings.PG_URL), refused.getMessage());
      assertFalse(refused.getMessage().contains("secret"), refused.getMessage());
    }
    IllegalArgumentException noPassword = assertThrows(IllegalArgumentException.class,
      () -> PostgresUrl.from(settings("postgresql://u@h/d", "")));
    assertTrue(noPassword.getMessage().contains(Settings.PG_PASSWORD_FILE), noPassword.getMessage());
  }
}
