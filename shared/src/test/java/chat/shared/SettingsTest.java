package chat.shared;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonObject;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A setting an operator got wrong refuses the start, naming the setting, instead of running half-working. */
class SettingsTest {

  private static Settings env(String key, String value) {
    return new Settings(new JsonObject(), Map.of(key, value));
  }

  private static String refusal(Runnable read) {
    return assertThrows(IllegalArgumentException.class, read::run).getMessage();
  }

  @Test
  void numbersOutsideTheirRangeAreRefusedNamingTheSettingAndTheRange() {
    assertEquals(8080, new Settings(new JsonObject(), Map.of()).integer(Settings.HTTP_PORT));
    assertEquals("Setting CHAT_HTTP_PORT must be a whole number from 0 to 65535, got '-1'",
      refusal(() -> env(Settings.HTTP_PORT, "-1").integer(Settings.HTTP_PORT)));
    assertEquals("Setting CHAT_HTTP_PORT must be a whole number from 0 to 65535, got '70000'",
      refusal(() -> env(Settings.HTTP_PORT, "70000").integer(Settings.HTTP_PORT)));
    assertEquals("Setting CHAT_MAX_MESSAGE_LENGTH must be a whole number from 1 to 2147483647, got '99999999999'",
      refusal(() -> env(Settings.MAX_MESSAGE_LENGTH, "99999999999").integer(Settings.MAX_MESSAGE_LENGTH)));
    assertTrue(refusal(() -> env(Settings.SESSION_TIMEOUT_MINUTES, "0").integer(Settings.SESSION_TIMEOUT_MINUTES))
      .startsWith("Setting CHAT_SESSION_TIMEOUT_MINUTES must be a whole number from 1"));
    for (String key : new String[] {Settings.MAX_BODY_BYTES, Settings.BRIDGE_MAX_FRAME_BYTES, Settings.SOCKET_WRITE_QUEUE_BYTES,
      Settings.MAX_ATTACHMENT_BYTES, Settings.PRESENCE_LEASE_MS, Settings.INSTANCE_LIVENESS_MS, Settings.LIVENESS_PORT}) {
      assertTrue(refusal(() -> env(key, "-1").integer(key)).startsWith("Setting " + key + " must be"), key);
    }
    assertTrue(refusal(() -> env(Settings.CHAT_DB_MAX_BYTES, "abc").number(Settings.CHAT_DB_MAX_BYTES))
      .startsWith("Setting CHAT_DB_MAX_BYTES must be a whole number from 0 up"));
    assertEquals(5_000_000_000L, env(Settings.CHAT_DB_MAX_BYTES, "5000000000").number(Settings.CHAT_DB_MAX_BYTES));
    // 0 where the README says it disables.
    assertEquals(0, env(Settings.MESSAGES_PER_SECOND, "0").integer(Settings.MESSAGES_PER_SECOND));
    assertEquals(0, env(Settings.PASSWORD_WORKERS, " 0 ").integer(Settings.PASSWORD_WORKERS));
    // A -conf value wins over the environment, and is checked the same.
    assertTrue(refusal(() -> new Settings(new JsonObject().put(Settings.HTTP_PORT, -5), Map.of(Settings.HTTP_PORT, "80"))
      .integer(Settings.HTTP_PORT)).contains("got '-5'"));
  }

  @Test
  void booleansAreTrueOrFalseAndNothingElse() {
    assertTrue(env(Settings.COOKIE_SECURE, "TRUE").bool(Settings.COOKIE_SECURE));
    assertFalse(env(Settings.COOKIE_SECURE, " false ").bool(Settings.COOKIE_SECURE));
    for (String bad : new String[] {"yes", "1", "on", ""}) {
      assertEquals("Setting CHAT_COOKIE_SECURE must be true or false, got '" + bad.trim() + "'",
        refusal(() -> env(Settings.COOKIE_SECURE, bad).bool(Settings.COOKIE_SECURE)));
    }
  }

  @Test
  void theDataFolderAndHostsMayNotBeEmpty() {
    assertEquals("Setting CHAT_DATA_DIR must not be empty", refusal(() -> env(Settings.DATA_DIR, " ").string(Settings.DATA_DIR)));
    assertEquals("Setting CHAT_HTTP_HOST must not be empty", refusal(() -> env(Settings.HTTP_HOST, "").string(Settings.HTTP_HOST)));
    assertEquals("", env(Settings.ALLOWED_ORIGINS, "").string(Settings.ALLOWED_ORIGINS));
  }
}
