package chat.browser;

import chat.testing.TestStack;
import chat.testing.TestClient;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The bridge in a real Chromium: the official client (sockjs-client and the Vert.x event-bus
 * client the pages use) works on each transport the contract keeps, and a page of another site
 * cannot open a SockJS session as the logged-in user by navigating to a SockJS transport URL.
 */
class BridgeTransportsTest {

  private static final String PAGE = "/";

  @TempDir
  static Path dataDir;
  static TestStack stack;
  static Browser browser;
  static HttpServer attacker;
  static HttpClient http;

  @BeforeAll
  static void start() throws Exception {
    BrowserTests.requireChromium();
    stack = TestStack.deploy(dataDir);
    browser = Browser.open(stack.baseUrl());
    http = stack.vertx.createHttpClient(new HttpClientOptions().setKeepAlive(false));
  }

  @AfterAll
  static void stop() throws Exception {
    if (attacker != null) {
      attacker.close().await(10, TimeUnit.SECONDS);
    }
    BrowserTests.closeQuietly(browser, stack);
  }

  @Test
  void officialClientWorksOnEveryKeptTransport() throws Exception {
    TestClient alice = stack.client().signUp("tr_alice", "student");
    long chatId = alice.createChat("transports");
    browser.login(alice.username(), TestClient.PASSWORD);
    for (String transport : List.of("websocket", "xhr-streaming", "xhr-polling")) {
      String content = "over " + transport;
      // Registers on the chat, sends a message over the bridge, and answers with what arrived.
      Object result = ((org.openqa.selenium.JavascriptExecutor) browser.driver).executeAsyncScript(
        "const [chatId, transport, content, done] = arguments;"
          + "const eb = new EventBus('/eventbus', {transports: [transport]});"
          + "eb.onopen = () => {"
          + "  eb.registerHandler('chat.' + chatId, (err, msg) => {"
          + "    if (err) { done('error ' + JSON.stringify(err)); return; }"
          + "    if (msg.body.type === 'subscribed') {"
          + "      eb.send('chat.' + chatId + '.send', {content: content}, (e, reply) => { if (e) done('send ' + JSON.stringify(e)); });"
          + "    } else if (msg.body.type === 'message' && msg.body.message.content === content) {"
          + "      const used = eb.sockJSConn.transport; eb.close(); done('received ' + used);"
          + "    }"
          + "  });"
          + "};", chatId, transport, content);
      assertEquals("received " + transport, result, browser.consoleLog());
    }
    assertEquals(3, alice.history(chatId).size());
  }

  @Test
  void crossSiteNavigationCannotOpenABridgeSessionAsTheUser() throws Exception {
    TestClient alice = stack.client().signUp("nav_alice", "student");
    long chatId = alice.createChat("target");
    browser.login(alice.username(), TestClient.PASSWORD);

    String htmlfileSession = "s" + UUID.randomUUID().toString().replace("-", "").substring(0, 10);
    String streamingSession = "s" + UUID.randomUUID().toString().replace("-", "").substring(0, 10);
    String gateway = stack.baseUrl() + "/eventbus/000/";
    Map<String, String> pages = Map.of(
      "/navigate", "<script>location = '" + gateway + htmlfileSession + "/htmlfile?c=x';</script>",
      "/post", "<form method='post' action='" + gateway + streamingSession + "/xhr_streaming'></form>"
        + "<script>document.forms[0].submit();</script>");
    attacker = stack.vertx.createHttpServer().requestHandler(req -> req.response()
      .putHeader("Content-Type", "text/html; charset=utf-8")
      .end(pages.getOrDefault(req.path(), "nothing here"))).listen(0, "127.0.0.1").await(10, TimeUnit.SECONDS);
    // localhost and 127.0.0.1 are different sites for the browser: this page is cross-site.
    String site = "http://localhost:" + attacker.actualPort();

    for (String page : List.of("/navigate", "/post")) {
      browser.driver.get(site + page);
      browser.until(d -> d.getCurrentUrl().startsWith(stack.baseUrl() + "/eventbus/"));
      String shown = browser.driver.findElement(org.openqa.selenium.By.tagName("body")).getText();
      assertEquals("forbidden", new JsonObject(shown).getJsonObject("error").getString("code"), page + ": " + shown);
    }

    // Whoever chose the session ids now tries to send into them as alice.
    for (String session : List.of(htmlfileSession, streamingSession)) {
      JsonObject send = new JsonObject().put("type", "send").put("address", "chat." + chatId + ".send")
        .put("body", new JsonObject().put("content", "forged")).put("replyAddress", UUID.randomUUID().toString());
      int status = http.request(new RequestOptions().setHost("127.0.0.1").setPort(stack.port).setMethod(HttpMethod.POST)
          .setURI("/eventbus/000/" + session + "/xhr_send"))
        .compose(req -> req.putHeader("Content-Type", "text/plain").send(new JsonArray().add(send.encode()).encode()))
        .map(HttpClientResponse::statusCode).await(10, TimeUnit.SECONDS);
      assertNotEquals(204, status, session);
      assertTrue(status == 403 || status == 404, "refused: " + status);
    }
    // Marker: a real message goes through, and it is the only one.
    alice.sendMessage(chatId, "real");
    JsonArray history = alice.history(chatId);
    assertEquals(1, history.size(), history.encode());
    assertEquals("real", history.getJsonObject(0).getString("content"));
    browser.get(PAGE);
  }
}
