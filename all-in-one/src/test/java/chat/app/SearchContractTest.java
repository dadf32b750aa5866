package chat.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import chat.testing.TestClient;
import chat.testing.TestStack;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.junit5.VertxExtension;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code GET /api/search} over real HTTP: the contract's shape, the session's user as the searcher,
 * the statuses of bad parameters, and query strings a broken client sends raw over TCP (bad
 * percent-encodings, NUL, 3 KB) answering 200 or 400, never 5xx (10 KB: 414, the request line's limit).
 */
@ExtendWith(VertxExtension.class)
class SearchContractTest {

  @TempDir
  static Path dataDir;
  static TestStack stack;

  @BeforeAll
  static void deploy(Vertx vertx) throws Exception {
    stack = TestStack.deploy(vertx, dataDir, new JsonObject());
  }

  @AfterAll
  static void undeploy() throws Exception {
    stack.undeploy();
  }

  static String path(String q, String extra) {
    return "/api/search?q=" + URLEncoder.encode(q, StandardCharsets.UTF_8) + extra;
  }

  static List<Long> ids(HttpResponse<Buffer> r) {
    assertEquals(200, r.statusCode(), r.bodyAsString());
    List<Long> ids = new ArrayList<>();
    r.bodyAsJsonObject().getJsonArray("results")
      .forEach(x -> ids.add(((JsonObject) x).getJsonObject("message").getLong("id")));
    return ids;
  }

  static void assertError(HttpResponse<Buffer> r, int status, String code) {
    assertEquals(status, r.statusCode(), r.bodyAsString());
    assertEquals(code, r.bodyAsJsonObject().getJsonObject("error").getString("code"), r.bodyAsString());
  }

  @Test
  void participantsFindTheirMessagesWithSnippetsNewestFirst() throws Exception {
    TestClient alice = stack.client().signUp("s_alice", "student");
    TestClient bob = stack.client().signUp("s_bob", "student");
    TestClient eve = stack.client().signUp("s_eve", "student");
    long chatId = alice.createChat("search", bob.id());
    long first = alice.sendMessage(chatId, "Rendez-vous à l'École at noon").getLong("id");
    long second = bob.sendMessage(chatId, "which ecole? <script>alert(1)</script>").getLong("id");
    long elsewhere = eve.createChat("eve's");
    eve.sendMessage(elsewhere, "ecole too");

    HttpResponse<Buffer> r = bob.get(path("ÉCOLE", ""));
    assertEquals(List.of(second, first), ids(r));
    assertTrue(r.getHeader("Content-Type").startsWith("application/json"), r.getHeader("Content-Type"));
    JsonObject top = r.bodyAsJsonObject().getJsonArray("results").getJsonObject(0);
    assertEquals("which ecole? <script>alert(1)</script>", top.getString("snippet"));
    assertEquals(bob.id(), top.getJsonObject("message").getJsonObject("sender").getLong("id"));
    assertFalse(r.bodyAsJsonObject().getBoolean("has_more"));

    JsonObject page = alice.get(path("ecole", "&limit=1")).bodyAsJsonObject();
    assertTrue(page.getBoolean("has_more"));
    assertEquals(List.of(first), ids(alice.get(path("ecole", "&limit=1&before=" + second))));
    assertEquals(List.of(first), ids(alice.get(path("\"rendez vous\"", "&chat_id=" + chatId))));
    assertEquals(List.of(first), ids(alice.get(path("rend*", ""))));
    assertEquals(1, ids(eve.get(path("ecole", ""))).size());
  }

  @Test
  void badParametersAre400AnOutsidersChatIs404AndNoSessionIs401() throws Exception {
    TestClient alice = stack.client().signUp("sb_alice", "student");
    TestClient eve = stack.client().signUp("sb_eve", "student");
    long chatId = alice.createChat("private");
    alice.sendMessage(chatId, "hidden words");

    assertError(eve.get(path("hidden", "&chat_id=" + chatId)), 404, "not_found");
    assertError(alice.get("/api/search"), 400, "validation");
    HttpResponse<Buffer> all = alice.get(path("", "&chat_id=x&limit=101&before=0"));
    assertError(all, 400, "validation");
    JsonObject fields = all.bodyAsJsonObject().getJsonObject("error").getJsonObject("fields");
    assertEquals(List.of("before", "chat_id", "limit", "q"), fields.fieldNames().stream().sorted().toList());
    assertError(alice.get(path("!!!", "")), 400, "validation");
    assertError(stack.client().get(path("hidden", "")), 401, "unauthenticated");
  }

  @Test
  void rawQueryStringsAre200Or400Never5xx() throws Exception {
    TestClient alice = stack.client().signUp("sr_alice", "student");
    long chatId = alice.createChat("raw");
    alice.sendMessage(chatId, "raw target");
    List<String> queries = new ArrayList<>(List.of(
      "%FF", "%80", "%C0%AF", "%ED%A0%80", "%F0%9F", "%", "%Z", "%%", "%00", "raw%00target", "raw+target",
      "%22raw", "raw%22%22%22", "*", "NEAR(", "AND+OR+NOT", "content:raw", "%5C", "raw%5C%22", "%E2%80%AE",
      "%F0%9F%98%80", "%D7%A9%D7%9C%D7%95%D7%9D", "raw&q=second", "", "raw&limit=%FF", "raw&chat_id=%00"));
    queries.add("x".repeat(3_000));
    queries.add("x".repeat(10_240));
    for (String q : queries) {
      String response = raw(alice, "/api/search?q=" + q);
      String what = q.length() > 40 ? q.substring(0, 40) + "..." : q;
      // 414: a request line beyond the gateway's limit (4 KiB) is refused before any route.
      assertTrue(response.matches("(?s)HTTP/1\\.[01] (200|400|414) .*"), what + ": " + response);
      assertFalse(response.contains("Exception"), what + ": " + response);
      if (!response.startsWith("HTTP/1.1 200 ")) {
        assertTrue(response.contains("\"code\":\"validation\"") || response.contains("\"code\":\"uri_too_long\""),
          what + ": " + response);
      }
    }
    assertEquals(1, ids(alice.get(path("raw target", ""))).size());
  }

  /** One GET written as is over TCP with the client's cookies; the whole response. */
  private static String raw(TestClient c, String path) throws IOException {
    try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), stack.port)) {
      socket.setSoTimeout(10_000);
      String request = "GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nCookie: " + c.cookieHeader()
        + "\r\nConnection: close\r\n\r\n";
      socket.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
      socket.getOutputStream().flush();
      InputStream in = socket.getInputStream();
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      in.transferTo(bytes);
      return bytes.toString(StandardCharsets.UTF_8);
    }
  }
}
