package chat.shared.launch;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import chat.shared.Settings;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ChatLauncherTest {

  /** The services' sockets run on Linux's epoll by default: the native library ships in the jar and loads. */
  @Test
  void servicesRunOnEpoll() throws Exception {
    Vertx vertx = new ChatLauncher(new String[0]).createVertxBuilder(new VertxOptions()).build();
    try {
      assertTrue(vertx.isNativeTransportEnabled(), "native transport unavailable: " + vertx.unavailableNativeTransportCause());
    } finally {
      vertx.close().await(10, TimeUnit.SECONDS);
    }
  }

  @TempDir
  Path dir;

  private static String refusal(String[] args, Map<String, String> env) {
    return assertThrows(IllegalArgumentException.class,
      () -> ChatLauncher.checkBeforeStart(args, env)).getMessage();
  }

  /**
   * A -conf that Vert.x would only warn about (and start without, dropping every setting in it)
   * and a bad setting the launcher itself reads refuse the start before anything runs.
   */
  @Test
  void aBadConfOrLauncherSettingRefusesTheStart() throws Exception {
    Path good = Files.writeString(dir.resolve("good.json"), "{\"CHAT_HTTP_PORT\": 18186}");
    Path broken = Files.writeString(dir.resolve("broken.json"), "{\"CHAT_HTTP_PORT\": 18186,");
    Path array = Files.writeString(dir.resolve("array.json"), "[1]");
    ChatLauncher.checkBeforeStart(new String[] {"-conf", good.toString()}, Map.of());
    ChatLauncher.checkBeforeStart(new String[] {"-conf", "{\"CHAT_STORE\":\"sqlite\"}"}, Map.of());
    ChatLauncher.checkBeforeStart(new String[0], Map.of());
    assertTrue(refusal(new String[] {"-conf", broken.toString()}, Map.of()).contains("is not a JSON object"));
    assertTrue(refusal(new String[] {"-conf", array.toString()}, Map.of()).contains("is not a JSON object"));
    assertTrue(refusal(new String[] {"-conf", dir.resolve("missing.json").toString()}, Map.of()).contains("no such file"));
    assertTrue(refusal(new String[] {"-conf", "{\"CHAT_STORE\":"}, Map.of()).contains("is not a JSON object"));
    assertTrue(refusal(new String[] {"-conf"}, Map.of()).contains("-conf needs"));
    assertTrue(refusal(new String[0], Map.of(Settings.LIVENESS_PORT, "abc")).startsWith("Setting CHAT_LIVENESS_PORT must be"));
    assertTrue(refusal(new String[0], Map.of(Settings.LIVENESS_PORT, "70000")).startsWith("Setting CHAT_LIVENESS_PORT must be"));
    assertTrue(refusal(new String[0], Map.of(Settings.NATIVE_TRANSPORT, "nope")).startsWith("Setting CHAT_NATIVE_TRANSPORT must be"));
    // Every service's settings too, from the -conf file over the environment.
    assertTrue(refusal(new String[0], Map.of(Settings.SESSION_TIMEOUT_MINUTES, "0")).startsWith("Setting CHAT_SESSION_TIMEOUT_MINUTES"));
    assertTrue(refusal(new String[0], Map.of(Settings.COOKIE_SECURE, "yes")).startsWith("Setting CHAT_COOKIE_SECURE"));
    Path negative = Files.writeString(dir.resolve("negative.json"), "{\"CHAT_MAX_BODY_BYTES\": -1}");
    assertTrue(refusal(new String[] {"-conf", negative.toString()}, Map.of(Settings.MAX_BODY_BYTES, "4096"))
      .startsWith("Setting CHAT_MAX_BODY_BYTES"));
  }
}
