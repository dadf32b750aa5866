package chat.logging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.joran.JoranConfigurator;
import ch.qos.logback.classic.util.LogbackMDCAdapter;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;

/**
 * The shipped logback.xml, loaded as logback loads it at start, in a context of its own: the
 * value of CHAT_LOG_FORMAT picks JSON lines or text, and the levels operators rely on hold.
 */
class LogbackConfigTest {

  @Test
  void jsonFormatWritesOneParsableObjectPerLineWithKeyValues() throws Exception {
    List<String> lines = logWith(Map.of("CHAT_LOG_FORMAT", "json"), context -> {
      Logger log = context.getLogger("chat.access");
      log.atInfo().addKeyValue("method", "GET").addKeyValue("route", "/api/chats/:chatId").addKeyValue("status", 200)
        .log("{} {} {} {} ms", "GET", "/api/chats/:chatId", 200, 1);
      context.getLogger("chat.gateway.Something").info("two\nlines");
    });
    assertEquals(2, lines.size(), "one line per event, a new line in a message escaped: " + lines);
    JsonObject access = new JsonObject(lines.get(0));
    assertEquals("INFO", access.getString("level"));
    assertEquals("chat.access", access.getString("loggerName"));
    assertEquals("GET /api/chats/:chatId 200 1 ms", access.getString("formattedMessage"));
    assertFalse(access.containsKey("arguments"), "the arguments are in the message already");
    JsonArray kvp = access.getJsonArray("kvpList");
    assertTrue(kvp.contains(new JsonObject().put("method", "GET")), kvp.encode());
    assertTrue(kvp.contains(new JsonObject().put("route", "/api/chats/:chatId")), kvp.encode());
    assertTrue(access.containsKey("timestamp"));
    assertEquals("two\nlines", new JsonObject(lines.get(1)).getString("formattedMessage"));
  }

  @Test
  void textIsTheDefaultAndAnUnknownFormatFallsBackToIt() throws Exception {
    for (Map<String, String> properties : List.of(Map.<String, String>of(), Map.of("CHAT_LOG_FORMAT", "xml"))) {
      List<String> lines = logWith(properties, context -> context.getLogger("chat.shared.launch.ChatLauncher").info("Stopped"));
      assertEquals(1, lines.size(), lines.toString());
      assertTrue(lines.get(0).matches("\\d\\d:\\d\\d:\\d\\d\\.\\d{3} INFO  \\[.*] chat\\.shared\\.launch\\.ChatLauncher - Stopped"),
        lines.get(0));
    }
  }

  @Test
  void noisyLibrariesStayAtWarnAndTheAccessLogCanBeTurnedOff() throws Exception {
    List<String> lines = logWith(Map.of("CHAT_ACCESS_LOG", "OFF"), context -> {
      assertEquals(Level.WARN, context.getLogger("io.netty").getLevel());
      assertEquals(Level.WARN, context.getLogger("com.hazelcast").getLevel());
      assertEquals(Level.WARN, context.getLogger("org.flywaydb").getLevel());
      context.getLogger("io.netty.channel.Something").info("muted");
      context.getLogger("chat.access").info("muted too");
      context.getLogger("chat.gateway.Marker").info("marker");
    });
    assertEquals(1, lines.size(), lines.toString());
    assertTrue(lines.get(0).endsWith("marker"), lines.get(0));
  }

  private interface Body {
    void run(LoggerContext context) throws Exception;
  }

  /** Lines written to standard output while the body logs through a context configured from logback.xml. */
  private static List<String> logWith(Map<String, String> properties, Body body) throws Exception {
    PrintStream original = System.out;
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    LoggerContext context = new LoggerContext();
    context.setMDCAdapter(new LogbackMDCAdapter());
    properties.forEach(context::putProperty);
    System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
    try {
      JoranConfigurator configurator = new JoranConfigurator();
      configurator.setContext(context);
      configurator.doConfigure(LogbackConfigTest.class.getClassLoader().getResource("logback.xml"));
      assertFalse(context.getStatusManager().getCopyOfStatusList().stream().anyMatch(s -> s.getLevel() >= 1),
        () -> "configuration warnings or errors: " + context.getStatusManager().getCopyOfStatusList());
      body.run(context);
    } finally {
      context.stop();
      System.setOut(original);
    }
    return captured.toString(StandardCharsets.UTF_8).lines().collect(java.util.stream.Collectors.toList());
  }
}
