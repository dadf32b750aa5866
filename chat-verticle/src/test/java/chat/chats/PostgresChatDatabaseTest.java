package chat.chats;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import chat.shared.Settings;
import io.vertx.core.json.JsonObject;
import io.vertx.pgclient.PgConnectOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** How CHAT_PG_URL and CHAT_PG_PASSWORD_FILE become the connection (no server needed). */
@Tag("postgresql-only")
class PostgresChatDatabaseTest {

  @TempDir
  Path dir;

  private static PgConnectOptions options(JsonObject config) {
    return PostgresChatDatabase.from(new Settings(config.put(Settings.STORE, "postgresql"))).options();
  }

  @Test
  void theUrlGivesHostPortDatabaseUserAndPasswordAndTheSchemaIsSearched() {
    PgConnectOptions o = options(new JsonObject().put(Settings.PG_URL, "postgresql://chatbus:s3cret@127.0.0.1:6543/chatdb"));
    assertEquals("127.0.0.1", o.getHost());
    assertEquals(6543, o.getPort());
    assertEquals("chatdb", o.getDatabase());
    assertEquals("chatbus", o.getUser());
    assertEquals("s3cret", o.getPassword());
    assertEquals("chat", o.getProperties().get("search_path"));
  }

  @Test
  void withoutAPasswordInTheUrlThePasswordFilesFirstLineIsUsed() throws Exception {
    Path file = Files.writeString(dir.resolve("pg-password"), "from-the-file\nignored\n");
    PgConnectOptions o = options(new JsonObject().put(Settings.PG_URL, "postgresql://chatbus@127.0.0.1:5432/chatbus")
      .put(Settings.PG_PASSWORD_FILE, file.toString()));
    assertEquals("from-the-file", o.getPassword());
    // The URL's own password wins over the file.
    assertEquals("in-url", options(new JsonObject().put(Settings.PG_URL, "postgresql://chatbus:in-url@127.0.0.1/chatbus")
      .put(Settings.PG_PASSWORD_FILE, file.toString())).getPassword());
    // Neither: refused at start (never the client library's built-in default password).
    assertThrows(IllegalArgumentException.class,
      () -> options(new JsonObject().put(Settings.PG_URL, "postgresql://chatbus@127.0.0.1/chatbus")));
  }

  @Test
  void aMissingOrBrokenUrlIsRefusedWithoutEchoingIt() {
    assertThrows(IllegalArgumentException.class, () -> options(new JsonObject().put(Settings.PG_URL, "")));
    IllegalArgumentException broken = assertThrows(IllegalArgumentException.class,
      () -> options(new JsonObject().put(Settings.PG_URL, "mysql://u:topsecret@host/db")));
    assertFalse(broken.getMessage().contains("topsecret"), broken.getMessage());
  }
}
