package chat.app;

import chat.testing.TestStack;
import chat.testing.TestClient;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import chat.shared.Addresses;
import chat.shared.launch.ChatMetrics;
import chat.shared.metrics.DomainMetrics;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code GET /metrics} of the all-in-one system, on a Vert.x built as the launcher builds it
 * ({@link ChatMetrics#builder}): the Prometheus text with Vert.x's own series and the domain
 * series, and labels that do not grow with chats, paths or reply addresses.
 */
class MetricsTest {

  private static final Pattern SERIES = Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{[^}]*})? ", Pattern.MULTILINE);

  @TempDir
  static Path dataDir;
  static Vertx vertx;
  static TestStack stack;

  @BeforeAll
  static void deploy() throws Exception {
    vertx = ChatMetrics.builder(new VertxOptions()).build();
    stack = TestStack.deploy(vertx, dataDir, new JsonObject());
  }

  @AfterAll
  static void close() throws Exception {
    stack.undeploy();
    vertx.close().await(30, TimeUnit.SECONDS);
  }

  private static HttpResponse<Buffer> scrape() {
    HttpResponse<Buffer> r = stack.client().get(ChatMetrics.PATH);
    assertEquals(200, r.statusCode(), r.bodyAsString());
    assertTrue(r.getHeader("Content-Type").startsWith("text/plain"), r.getHeader("Content-Type"));
    return r;
  }

  private static List<String> series(String text) {
    Matcher m = SERIES.matcher(text);
    List<String> all = new java.util.ArrayList<>();
    while (m.find()) {
      all.add(m.group(0).trim());
    }
    return all;
  }

  /** Signs two users up, makes them a chat and sends one message in it. */
  private static void oneSend(String prefix) {
    TestClient alice = stack.client().signUp(prefix + "_alice", "student");
    TestClient bob = stack.client().signUp(prefix + "_bob", "student");
    long chat = alice.createChat(prefix, bob.id());
    alice.sendMessage(chat, "counted");
  }

  @Test
  void metricsAnswerPrometheusTextWithVertxSeries() {
    oneSend("metrics_vertx");
    String text = scrape().bodyAsString();
    // Vert.x's own: HTTP server by route template, event bus by (bounded) address, pools, JVM.
    assertTrue(text.contains("vertx_http_server_requests_total{"), text);
    assertTrue(text.contains("/api/chats/:chatId/messages\""), text);
    assertTrue(text.contains("vertx_eventbus_processed_total{"), text);
    // Creating the chat went over the bus; the send did not (see metricsCountADirectHandOver).
    assertTrue(Pattern.compile("^vertx_eventbus_processed_total\\{[^}]*address=\"" + Pattern.quote(Addresses.CHAT_CREATE)
      + "\"[^}]*} [1-9]", Pattern.MULTILINE).matcher(text).find(), text);
    assertTrue(text.contains("vertx_pool_"), text);
    assertTrue(text.contains("jvm_memory_used_bytes"), text);
  }

  @Test
  void metricsCountAPersistedMessage() {
    oneSend("metrics_domain");
    // The domain figures (DomainMetrics), counted by the chat service's writer.
    String persisted = DomainMetrics.MESSAGES_PERSISTED.replace('.', '_') + "_total";
    String text = scrape().bodyAsString();
    assertTrue(text.lines().anyMatch(l -> l.startsWith(persisted + " ") && !l.endsWith(" 0.0")),
      persisted + " counts the send:\n" + text);
  }

  @Test
  void metricsCountADirectHandOver() {
    oneSend("metrics_handover");
    // On one event loop the gateway hands sends to the chat service directly, not over the bus:
    // counted by the hand-over meter, so /metrics still shows every send (vertx_eventbus_* does not).
    String text = scrape().bodyAsString();
    String handOvers = DomainMetrics.SERVICE_HANDOVERS.replace('.', '_') + "_total{" + DomainMetrics.ADDRESS + "=\""
      + Addresses.CHAT_MESSAGE_SEND + "\"} ";
    // (That it did not travel the bus is DirectHandOverTest's: this JVM's registry also counts
    // the bus sends of other suites' stacks.)
    assertTrue(text.lines().anyMatch(l -> l.startsWith(handOvers) && !l.endsWith(" 0.0")),
      handOvers + "counts the send:\n" + text);
  }

  @Test
  void eachSqlClientAndPoolHasItsOwnSeries() {
    oneSend("metrics_sql");
    String text = scrape().bodyAsString();
    // One SQL client per pool, told apart by client_namespace: unlabelled, they shared one gauge, and
    // only the first one registered was counted (Micrometer ignored the others with a warning).
    for (String name : List.of("auth", "chat-writer", "chat-reader")) {
      assertTrue(text.contains("vertx_sql_processing_pending{client_namespace=\"" + name + "\"}"), name + ":\n" + text);
      assertTrue(Pattern.compile("vertx_pool_in_use\\{pool_name=\"" + Pattern.quote(name) + "\",pool_type=\"sql\"}")
        .matcher(text).find(), name + ":\n" + text);
    }
    assertFalse(Pattern.compile("^vertx_sql_processing_pending ", Pattern.MULTILINE).matcher(text).find(),
      "no unlabelled SQL client series:\n" + text);
    assertFalse(text.contains("pool_name=\"__vertx.DEFAULT\",pool_type=\"sql\""), "every SQL pool is named:\n" + text);
  }

  @Test
  void labelsDoNotGrowWithChatsPathsOrReplies() {
    TestClient carol = stack.client().signUp("metrics_carol", "student");
    TestClient dave = stack.client().signUp("metrics_dave", "student");
    for (int i = 0; i < 3; i++) {
      long chat = carol.createChat("chat " + i, dave.id());
      carol.sendMessage(chat, "hello " + i);
      carol.get("/api/chats/" + chat + "/messages?limit=5");
    }
    carol.get("/no/such/page/" + System.nanoTime());

    String text = scrape().bodyAsString();
    List<String> series = series(text);
    assertFalse(series.isEmpty(), text);
    for (String s : series) {
      assertFalse(s.contains("path="), s);
      assertFalse(s.contains("remote="), s);
      assertFalse(s.contains("local="), s);
      assertFalse(Pattern.compile("pool_name=\"[^\"]*:[0-9]").matcher(s).find(), s);
      assertFalse(s.contains("__vertx.reply"), s);
      assertFalse(Pattern.compile("address=\"chat\\.[0-9]").matcher(s).find(), s);
      assertFalse(Pattern.compile("route=\"[^\"]*/[0-9]").matcher(s).find(), s);
    }
    List<String> addresses = series.stream().filter(s -> s.contains("address=\""))
      .map(s -> s.replaceAll(".*address=\"([^\"]*)\".*", "$1")).distinct().collect(Collectors.toList());
    assertTrue(addresses.stream().allMatch(a -> a.startsWith("svc.") || a.startsWith("gateway.")
      || a.equals("chat.{id}") || a.equals("chat.{id}.send") || a.equals("other")), addresses.toString());
  }
}
