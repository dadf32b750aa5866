package chat.app;

import chat.testing.TestStack;
import chat.testing.TestClient;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.junit5.VertxExtension;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;
import org.slf4j.event.KeyValuePair;

/**
 * What the gateway answers at the edges of HTTP: the security headers on every response, the
 * contract's JSON error for what Vert.x refuses before any route runs (sent raw over TCP, as a
 * broken client would), and the access log's line per request.
 */
@ExtendWith(VertxExtension.class)
class HttpEdgeContractTest {

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

  private static void assertSecurityHeaders(MultiMap headers, String what) {
    String csp = headers.get("Content-Security-Policy");
    assertTrue(csp != null && csp.contains("frame-ancestors 'none'") && csp.contains("default-src 'self'")
      && csp.contains("script-src 'self'") && csp.contains("object-src 'none'"), what + ": CSP " + csp);
    assertEquals("nosniff", headers.get("X-Content-Type-Options"), what);
    assertEquals("no-referrer", headers.get("Referrer-Policy"), what);
    assertEquals("DENY", headers.get("X-Frame-Options"), what);
    assertNull(headers.get("Strict-Transport-Security"), what + ": no HSTS without CHAT_COOKIE_SECURE");
  }

  @Test
  void everyResponseCarriesTheSecurityHeaders() {
    TestClient c = stack.client();
    for (String path : List.of("/", "/index.html", "/admin", "/app.js", "/style.css", "/vendor/sockjs.min.js",
      "/no-such-file.png", "/api/auth/me", "/api/no-such-endpoint", "/api/auth/csrf", "/health", "/eventbus/info")) {
      HttpResponse<Buffer> r = c.get(path);
      assertSecurityHeaders(r.headers(), path + " (" + r.statusCode() + ")");
    }
    assertSecurityHeaders(c.post("/api/auth/login", new JsonObject()).headers(), "a refused POST");
  }

  /**
   * The JDK's own WebSocket client sends {@code Content-Length: 0} with its handshake. The body
   * handler read that empty body first, so the upgrade failed with a 500 and an ERROR with a stack.
   */
  @Test
  void aWebSocketHandshakeWithAnEmptyBodyIsUpgraded() throws Exception {
    CompletableFuture<String> pong = new CompletableFuture<>();
    WebSocket ws = HttpClient.newHttpClient().newWebSocketBuilder()
      .buildAsync(URI.create("ws://127.0.0.1:" + stack.port + "/eventbus/websocket"), new WebSocket.Listener() {
        @Override
        public CompletionStage<?> onText(WebSocket socket, CharSequence data, boolean last) {
          pong.complete(data.toString());
          return null;
        }

        @Override
        public CompletionStage<?> onBinary(WebSocket socket, ByteBuffer data, boolean last) {
          // The raw transport writes its frames as binary messages of UTF-8 JSON.
          pong.complete(StandardCharsets.UTF_8.decode(data).toString());
          return null;
        }
      }).get(10, TimeUnit.SECONDS);
    try {
      ws.sendText("{\"type\":\"ping\"}", true).get(10, TimeUnit.SECONDS);
      assertEquals("{\"type\":\"pong\"}", pong.get(10, TimeUnit.SECONDS));
    } finally {
      ws.abort();
    }
  }

  @Test
  void pagesPolicyHeaderIsAtLeastAsStrictAsTheirMetaTag() {
    String page = stack.client().get("/").bodyAsString();
    String meta = page.replaceAll("(?s).*http-equiv=\"Content-Security-Policy\"\\s+content=\"([^\"]*)\".*", "$1");
    String header = stack.client().get("/").getHeader("Content-Security-Policy");
    for (String directive : meta.split(";\\s*")) {
      assertTrue(header.contains(directive.trim()), "header keeps '" + directive + "': " + header);
    }
  }

  @Test
  void unknownStaticFileIsAJsonNotFound() {
    HttpResponse<Buffer> r = stack.client().get("/no-such-file.png");
    assertEquals(404, r.statusCode());
    assertEquals("not_found", r.bodyAsJsonObject().getJsonObject("error").getString("code"));
  }

  /** The methods an {@code Allow} header names, in any order. */
  private static Set<String> allowed(HttpResponse<Buffer> r) {
    String allow = r.getHeader("Allow");
    return allow == null ? Set.of() : Arrays.stream(allow.split(",")).map(String::trim).collect(Collectors.toSet());
  }

  @Test
  void aPathServedWithOtherMethodsIsA405NamingThemInAllow() {
    TestClient c = stack.client();
    assertEquals(204, c.get("/api/auth/csrf").statusCode());
    Map<String, Set<String>> cases = new LinkedHashMap<>();
    cases.put("DELETE /api/chats", Set.of("GET", "POST"));
    cases.put("GET /api/auth/login", Set.of("POST"));
    cases.put("PUT /api/auth/login", Set.of("POST"));
    cases.put("GET /api/chats/1/read", Set.of("PUT"));
    cases.put("POST /api/chats/1", Set.of("GET", "PATCH"));
    cases.put("POST /health", Set.of("GET"));
    cases.put("POST /admin", Set.of("GET"));
    cases.put("DELETE /metrics", Set.of("GET"));
    // A page of the static files is served with GET and HEAD.
    cases.put("POST /", Set.of("GET", "HEAD"));
    cases.put("PUT /app.js", Set.of("GET", "HEAD"));
    cases.forEach((request, methods) -> {
      String[] parts = request.split(" ");
      HttpResponse<Buffer> r = c.send(HttpMethod.valueOf(parts[0]), parts[1], null, true);
      assertEquals(405, r.statusCode(), request + ": " + r.bodyAsString());
      assertEquals("method_not_allowed", r.bodyAsJsonObject().getJsonObject("error").getString("code"), request);
      assertTrue(r.bodyAsJsonObject().getJsonObject("error").getString("message") != null, request);
      assertEquals(methods, allowed(r), request + ": Allow " + r.getHeader("Allow"));
      assertSecurityHeaders(r.headers(), request);
    });
  }

  @Test
  void unknownPathsStayNotFoundWhateverTheMethod() {
    TestClient c = stack.client();
    assertEquals(204, c.get("/api/auth/csrf").statusCode());
    for (String request : List.of("GET /api/nope", "POST /api/nope", "DELETE /api/chats/1/nope", "PUT /api/auth",
      "POST /no-such-file.png", "DELETE /vendor/no-such.js", "POST /nothing/here/")) {
      String[] parts = request.split(" ");
      HttpResponse<Buffer> r = c.send(HttpMethod.valueOf(parts[0]), parts[1], null, true);
      assertEquals(404, r.statusCode(), request + ": " + r.bodyAsString());
      assertEquals("not_found", r.bodyAsJsonObject().getJsonObject("error").getString("code"), request);
      assertNull(r.getHeader("Allow"), request);
    }
  }

  @Test
  void aWrongMethodWithoutTheCsrfTokenIsRefusedAsCsrfFirst() {
    TestClient c = stack.client();
    assertEquals(204, c.get("/api/auth/csrf").statusCode());
    // Under /api every unsafe request must carry the token before anything else is decided.
    for (String request : List.of("DELETE /api/chats", "POST /api/chats/1", "PUT /api/auth/login")) {
      String[] parts = request.split(" ");
      HttpResponse<Buffer> r = c.send(HttpMethod.valueOf(parts[0]), parts[1], null, false);
      assertEquals(403, r.statusCode(), request + ": " + r.bodyAsString());
      assertEquals("csrf", r.bodyAsJsonObject().getJsonObject("error").getString("code"), request);
    }
  }

  @Test
  void brokenPercentEscapesInThePathAreJsonValidationErrors() throws Exception {
    for (String path : List.of("/api/chats/1/messages/%ZZ", "/api/chats/1/messages/%E0%A4%A", "/%", "/api/%zz/x")) {
      RawResponse r = raw("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n");
      assertJsonError(r, 400, "validation", path);
    }
  }

  @Test
  void badRequestLineIsAJsonValidationError() throws Exception {
    RawResponse r = raw("GET /health HTTP/1.1 surplus\r\nHost: 127.0.0.1\r\n\r\n");
    assertJsonError(r, 400, "validation", "bad request line");
  }

  @Test
  void tooLongRequestLineIsAJson414() throws Exception {
    RawResponse r = raw("GET /api/chats?q=" + "a".repeat(5000) + " HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
    assertJsonError(r, 414, "uri_too_long", "long URI");
  }

  @Test
  void tooLargeHeadersAreAJson431() throws Exception {
    RawResponse r = raw("GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Filler: " + "b".repeat(9000) + "\r\n\r\n");
    assertJsonError(r, 431, "headers_too_large", "large header");
  }

  @Test
  void accessLogNamesTheRouteTemplateNeverThePathQueryOrCookies() throws Exception {
    Logger access = (Logger) LoggerFactory.getLogger("chat.access");
    ListAppender<ILoggingEvent> lines = new ListAppender<>();
    lines.start();
    access.addAppender(lines);
    try {
      TestClient c = stack.client().signUp("acc", "student");
      String session = c.cookie("chat.session");
      long chatId = c.createChat("logged", c.id());
      assertEquals(200, c.get("/api/chats/" + chatId + "/messages?limit=5&token=s3cr3t-value").statusCode());
      assertEquals(404, c.get("/api/chats/987654/messages?limit=5").statusCode());
      raw("GET /health HTTP/1.1 surplus\r\nHost: 127.0.0.1\r\n\r\n");

      Map<String, ILoggingEvent> byStatus = lines.list.stream()
        .filter(e -> String.valueOf(e.getKeyValuePairs()).contains("/api/chats/:chatId/messages"))
        .collect(Collectors.toMap(e -> String.valueOf(kv(e, "status")), e -> e, (a, b) -> b));
      ILoggingEvent ok = byStatus.get("200");
      assertTrue(ok != null, "a line for the history page: " + lines.list);
      assertEquals("GET", kv(ok, "method"));
      assertTrue(kv(ok, "duration_ms") instanceof Long);
      assertTrue(byStatus.containsKey("404"), "a failed request names its route too: " + lines.list);
      assertTrue(lines.list.stream().anyMatch(e -> "-".equals(kv(e, "route")) && Integer.valueOf(400).equals(kv(e, "status"))),
        "a request refused before routing is logged too");
      for (ILoggingEvent e : lines.list) {
        String line = e.getFormattedMessage() + e.getKeyValuePairs();
        assertFalse(line.contains("s3cr3t") || line.contains("?") || line.contains(session)
          || line.contains(Long.toString(chatId) + "/"), line);
      }
    } finally {
      access.detachAppender(lines);
    }
  }

  private static Object kv(ILoggingEvent event, String key) {
    for (KeyValuePair pair : event.getKeyValuePairs()) {
      if (pair.key.equals(key)) {
        return pair.value;
      }
    }
    return null;
  }

  private static void assertJsonError(RawResponse r, int status, String code, String what) {
    assertEquals(status, r.status, what + ": " + r.text);
    assertTrue(r.headers.get("content-type").startsWith("application/json"), what + ": " + r.text);
    JsonObject error = new JsonObject(r.body).getJsonObject("error");
    assertEquals(code, error.getString("code"), what);
    assertFalse(error.getString("message").isBlank(), what);
    assertTrue(r.headers.get("content-security-policy").contains("frame-ancestors 'none'"), what + ": " + r.text);
    assertEquals("nosniff", r.headers.get("x-content-type-options"), what);
  }

  /** One request written as is over TCP; the response read until the server closes or its body is complete. */
  private static RawResponse raw(String request) throws IOException {
    try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), stack.port)) {
      socket.setSoTimeout(10_000);
      socket.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
      socket.getOutputStream().flush();
      InputStream in = socket.getInputStream();
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      byte[] buffer = new byte[8192];
      while (true) {
        int n = in.read(buffer);
        if (n < 0) {
          break;
        }
        bytes.write(buffer, 0, n);
        RawResponse parsed = RawResponse.parse(bytes.toString(StandardCharsets.UTF_8));
        if (parsed != null) {
          return parsed;
        }
      }
      RawResponse parsed = RawResponse.parse(bytes.toString(StandardCharsets.UTF_8));
      if (parsed == null) {
        throw new AssertionError("no complete response: " + bytes.toString(StandardCharsets.UTF_8));
      }
      return parsed;
    }
  }

  private static final class RawResponse {
    final String text;
    final int status;
    final Map<String, String> headers;
    final String body;

    private RawResponse(String text, int status, Map<String, String> headers, String body) {
      this.text = text;
      this.status = status;
      this.headers = headers;
      this.body = body;
    }

    /** The response, or null while its head or its content-length body is incomplete. */
    static RawResponse parse(String text) {
      int end = text.indexOf("\r\n\r\n");
      if (end < 0) {
        return null;
      }
      List<String> head = List.of(text.substring(0, end).split("\r\n"));
      Map<String, String> headers = head.subList(1, head.size()).stream()
        .map(h -> h.split(":\\s*", 2))
        .collect(Collectors.toMap(h -> h[0].toLowerCase(), h -> h.length > 1 ? h[1] : "", (a, b) -> a));
      String body = text.substring(end + 4);
      int length = Integer.parseInt(headers.getOrDefault("content-length", "-1"));
      if (length < 0 || body.getBytes(StandardCharsets.UTF_8).length < length) {
        return null;
      }
      return new RawResponse(text, Integer.parseInt(head.get(0).split(" ")[1]), headers, body);
    }
  }
}
