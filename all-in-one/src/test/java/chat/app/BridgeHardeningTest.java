package chat.app;

import chat.testing.TestStack;
import chat.testing.TestClient;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import chat.testing.BridgeSocket;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Metrics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * The bridge's defences ("Bridge transports" in the contract v2): transports a foreign page can
 * open by navigation are refused, SockJS sessions answer only to the cookie that opened them
 * (however their path is spelled), an {@code xhr_send} body is an array of strings, a client
 * that does not read is cut off without hurting others, oversized frames end the socket with an
 * error on every transport, sockets per address and handlers per socket are capped, ping is
 * answered, and client faults are not logged as errors.
 */
@ExtendWith(VertxExtension.class)
class BridgeHardeningTest {

  private static final int SOCKETS_PER_ADDRESS = 8;
  private static final int WRITE_QUEUE_BYTES = 512 * 1024;
  private static final long WAIT_MS = 15_000;

  @TempDir
  static Path dataDir;
  static TestStack stack;
  static HttpClient http;
  static SimpleMeterRegistry meters;

  private ListAppender<ILoggingEvent> logged;

  @BeforeAll
  static void deploy(Vertx vertx) throws Exception {
    meters = new SimpleMeterRegistry();
    Metrics.globalRegistry.add(meters);
    stack = TestStack.deploy(vertx, dataDir, new JsonObject()
      .put("CHAT_BRIDGE_SOCKETS_PER_ADDRESS", SOCKETS_PER_ADDRESS)
      .put("CHAT_SOCKET_WRITE_QUEUE_BYTES", WRITE_QUEUE_BYTES)
      .put("CHAT_MESSAGES_PER_SECOND", 0));
    // One connection per request: vertx-web's xhr transports close the connection after a poll.
    http = vertx.createHttpClient(new HttpClientOptions().setKeepAlive(false));
  }

  @AfterAll
  static void undeploy() throws Exception {
    http.close();
    stack.undeploy();
    Metrics.globalRegistry.remove(meters);
  }

  @BeforeEach
  void captureLogs() throws Exception {
    // Sockets of earlier tests are closed on the client side (xhr sessions end 5 s after their
    // last poll); wait until the gateway saw it too.
    awaitOpenSockets(0);
    logged = new ListAppender<>();
    logged.start();
    root().addAppender(logged);
  }

  @AfterEach
  void noErrorsLogged() {
    root().detachAppender(logged);
    List<String> errors = logged.list.stream().filter(e -> e.getLevel().isGreaterOrEqual(Level.ERROR))
      .map(e -> e.getLoggerName() + ": " + e.getFormattedMessage()).collect(Collectors.toList());
    assertEquals(List.of(), errors, "client faults are not logged as errors");
  }

  private static ch.qos.logback.classic.Logger root() {
    return (ch.qos.logback.classic.Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
  }

  // ---- transports -----------------------------------------------------------------------

  @Test
  void transportsOpenedByNavigationAreRefusedWithJsonErrors() throws Exception {
    TestClient alice = stack.client().signUp("tr_alice", "student");
    String session = "/eventbus/000/" + sessionId() + "/";
    for (String path : List.of(session + "htmlfile?c=x", session + "jsonp?c=x", session + "eventsource",
        "/eventbus/iframe.html", "/eventbus/iframe-1.6.1.html")) {
      Answer answer = request(HttpMethod.GET, path, alice.cookieHeader(), MultiMap.caseInsensitiveMultiMap(), null);
      assertEquals(404, answer.status, path);
      assertEquals("not_found", answer.errorCode(), path);
    }
    Answer jsonpSend = request(HttpMethod.POST, session + "jsonp_send", alice.cookieHeader(),
      MultiMap.caseInsensitiveMultiMap(), "d=" + frames(ping()));
    assertEquals(404, jsonpSend.status);
    assertEquals("not_found", jsonpSend.errorCode());
    // None of them opened the SockJS session: a send into it finds nothing.
    Answer send = request(HttpMethod.POST, session + "xhr_send", null, MultiMap.caseInsensitiveMultiMap(), frames(ping()));
    assertEquals(404, send.status);
    assertEquals("not_found", send.errorCode());
  }

  @Test
  void crossSiteRequestsWithoutAllowedOriginAreRefusedSameSitePass() throws Exception {
    TestClient alice = stack.client().signUp("cs_alice", "student");
    String refused = "/eventbus/000/" + sessionId() + "/";
    Answer crossSite = request(HttpMethod.POST, refused + "xhr", alice.cookieHeader(),
      MultiMap.caseInsensitiveMultiMap().add("Sec-Fetch-Site", "cross-site"), null);
    assertEquals(403, crossSite.status);
    assertEquals("forbidden", crossSite.errorCode());
    assertEquals(404, request(HttpMethod.POST, refused + "xhr_send", alice.cookieHeader(),
      MultiMap.caseInsensitiveMultiMap(), frames(ping())).status, "the refused request opened nothing");

    for (MultiMap headers : List.of(
        MultiMap.caseInsensitiveMultiMap().add("Sec-Fetch-Site", "same-origin"),
        MultiMap.caseInsensitiveMultiMap().add("Sec-Fetch-Site", "none"),
        MultiMap.caseInsensitiveMultiMap().add("Sec-Fetch-Site", "cross-site").add("Origin", "http://allowed.example"))) {
      String session = "/eventbus/000/" + sessionId() + "/";
      Answer open = request(HttpMethod.POST, session + "xhr", alice.cookieHeader(), headers, null);
      assertEquals(200, open.status, headers.toString());
      assertEquals("o", open.body.trim());
    }

    // The raw WebSocket endpoint's handshake, as a browser would send it.
    assertTrue(handshake(alice.cookieHeader(), "cross-site").startsWith("HTTP/1.1 403"));
    assertTrue(handshake(alice.cookieHeader(), "same-origin").startsWith("HTTP/1.1 101"));
  }

  /** The status line and headers answering a raw WebSocket handshake with this Sec-Fetch-Site. */
  private static String handshake(String cookie, String fetchSite) throws Exception {
    try (Socket raw = new Socket("127.0.0.1", stack.port)) {
      OutputStream out = raw.getOutputStream();
      out.write(("GET /eventbus/websocket HTTP/1.1\r\nHost: 127.0.0.1:" + stack.port + "\r\n"
        + "Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
        + "Sec-WebSocket-Version: 13\r\nCookie: " + cookie + "\r\nSec-Fetch-Site: " + fetchSite + "\r\n\r\n")
        .getBytes(StandardCharsets.US_ASCII));
      out.flush();
      return readHead(raw.getInputStream());
    }
  }

  // ---- SockJS session bound to its cookie -----------------------------------------------

  @Test
  void xhrSessionAnswersOnlyToTheCookieThatOpenedIt() throws Exception {
    TestClient alice = stack.client().signUp("bind_alice", "student");
    TestClient bob = stack.client().signUp("bind_bob", "student");
    long chatId = alice.createChat("bound", bob.id());
    String session = "/eventbus/000/" + sessionId() + "/";
    assertEquals("o", request(HttpMethod.POST, session + "xhr", alice.cookieHeader(),
      MultiMap.caseInsensitiveMultiMap(), null).body.trim());

    JsonObject intrusion = sendFrame(chatId, "intrusion");
    for (String cookie : new String[] {null, bob.cookieHeader(), "chat.session=" + UUID.randomUUID()}) {
      Answer send = request(HttpMethod.POST, session + "xhr_send", cookie, MultiMap.caseInsensitiveMultiMap(), frames(intrusion));
      assertEquals(403, send.status, String.valueOf(cookie));
      assertEquals("forbidden", send.errorCode());
      Answer poll = request(HttpMethod.POST, session + "xhr", cookie, MultiMap.caseInsensitiveMultiMap(), null);
      assertEquals(403, poll.status, "reading the session needs the opener's cookie too");
    }

    JsonObject legit = sendFrame(chatId, "legit");
    assertEquals(204, request(HttpMethod.POST, session + "xhr_send", alice.cookieHeader(),
      MultiMap.caseInsensitiveMultiMap(), frames(legit)).status);
    JsonObject reply = pollFor(session, alice.cookieHeader(), f -> legit.getString("replyAddress").equals(f.getString("address")));
    assertEquals("rec", reply.getString("type"), reply.encode());
    assertEquals("legit", reply.getJsonObject("body").getString("content"));
    assertEquals(List.of("legit"), contents(alice.history(chatId, "")));

    // A session opened without a cookie stays anonymous: a logged-in cookie cannot take it over.
    String anonymous = "/eventbus/000/" + sessionId() + "/";
    assertEquals("o", request(HttpMethod.POST, anonymous + "xhr", null, MultiMap.caseInsensitiveMultiMap(), null).body.trim());
    assertEquals(403, request(HttpMethod.POST, anonymous + "xhr_send", alice.cookieHeader(),
      MultiMap.caseInsensitiveMultiMap(), frames(ping())).status);
    assertEquals(204, request(HttpMethod.POST, anonymous + "xhr_send", null,
      MultiMap.caseInsensitiveMultiMap(), frames(ping())).status);
  }

  /**
   * vertx-web routes on the normalised path (dot segments removed, {@code //} folded, unreserved
   * percent-escapes decoded) and takes the SockJS session id from a {@code param0} query
   * parameter before the path: each way of spelling another session is refused, whatever cookie.
   */
  @Test
  void spellingsOfAnotherXhrSessionAreRefused() throws Exception {
    TestClient alice = stack.client().signUp("spell_alice", "student");
    TestClient bob = stack.client().signUp("spell_bob", "student");
    long chatId = alice.createChat("spelled", bob.id());
    String id = sessionId();
    String session = "/eventbus/000/" + id + "/";
    assertEquals("o", request(HttpMethod.POST, session + "xhr", alice.cookieHeader(),
      MultiMap.caseInsensitiveMultiMap(), null).body.trim());
    // A frame waiting in alice's session for her next poll: a poll that reached it would read it.
    JsonObject waiting = sendFrame(chatId, "waiting");
    assertEquals(204, request(HttpMethod.POST, session + "xhr_send", alice.cookieHeader(),
      MultiMap.caseInsensitiveMultiMap(), frames(waiting)).status);

    // A session of bob's own, bound to his cookie, to carry the param0 spelling.
    String bobs = "/eventbus/000/" + sessionId() + "/";
    assertEquals("o", request(HttpMethod.POST, bobs + "xhr", bob.cookieHeader(),
      MultiMap.caseInsensitiveMultiMap(), null).body.trim());
    String hex = Integer.toHexString(id.charAt(0));
    // {send path, poll path, status}: every spelling that vertx-web resolves to alice's session.
    List<Object[]> spellings = new ArrayList<>();
    for (String prefix : List.of("/eventbus/000/./" + id + "/", "/eventbus/x/../000/" + id + "/",
        "/eventbus//000/" + id + "/", "/eventbus/000//" + id + "/", "//eventbus/000/" + id + "/",
        "/./eventbus/000/" + id + "/", "/eventbus/%2e/000/" + id + "/", "/eventbus/x/%2E%2E/000/" + id + "/",
        "/eventbus/000/%" + hex + id.substring(1) + "/", "/eventbus/x%2F000/" + id + "/")) {
      spellings.add(new Object[] {prefix + "xhr_send", prefix + "xhr", 404});
    }
    spellings.add(new Object[] {session + "%78hr_send", session + "%78hr", 404});
    // vertx-web's transports read the session id from a param0 query parameter before the path's.
    spellings.add(new Object[] {bobs + "xhr_send?param0=" + id, "/eventbus/000/" + sessionId() + "/xhr?param0=" + id, 400});
    spellings.add(new Object[] {bobs + "xhr_send?PARAM0=" + id, "/eventbus/000/" + sessionId() + "/xhr?Param0=" + id, 400});
    spellings.add(new Object[] {bobs + "xhr_send?param0=%zz", "/eventbus/000/" + sessionId() + "/xhr?param0=%zz", 400});

    JsonObject intrusion = sendFrame(chatId, "intrusion");
    for (Object[] spelling : spellings) {
      int status = (Integer) spelling[2];
      String code = status == 404 ? "not_found" : "validation";
      Answer send = request(HttpMethod.POST, (String) spelling[0], bob.cookieHeader(),
        MultiMap.caseInsensitiveMultiMap(), frames(intrusion));
      assertEquals(status, send.status, spelling[0] + ": " + send.body);
      assertEquals(code, send.errorCode(), (String) spelling[0]);
      Answer poll = request(HttpMethod.POST, (String) spelling[1], bob.cookieHeader(), MultiMap.caseInsensitiveMultiMap(), null);
      assertEquals(status, poll.status, spelling[1] + ": " + poll.body);
      assertEquals(code, poll.errorCode(), (String) spelling[1]);
    }

    // Alice's session is hers still: her poll gets the reply waiting in it, and only her message is stored.
    JsonObject reply = pollFor(session, alice.cookieHeader(), f -> waiting.getString("replyAddress").equals(f.getString("address")));
    assertEquals("rec", reply.getString("type"), reply.encode());
    assertEquals(List.of("waiting"), contents(alice.history(chatId, "")));
  }

  @Test
  void spellingsOfAnXhrSendPathDoNotSkipTheFrameLimit() throws Exception {
    TestClient alice = stack.client().signUp("spellbig_alice", "student");
    long chatId = alice.createChat("spelled big");
    String id = sessionId();
    String session = "/eventbus/000/" + id + "/";
    assertEquals("o", request(HttpMethod.POST, session + "xhr", alice.cookieHeader(),
      MultiMap.caseInsensitiveMultiMap(), null).body.trim());
    String oversized = frames(sendFrame(chatId, "w".repeat(70_000)));
    for (String path : List.of("/eventbus/000/./" + id + "/xhr_send", "/eventbus/x/../000/" + id + "/xhr_send",
        "/eventbus//000/" + id + "/xhr_send", "/eventbus/%2e/000/" + id + "/xhr_send", session + "%78hr_send")) {
      Answer send = request(HttpMethod.POST, path, alice.cookieHeader(), MultiMap.caseInsensitiveMultiMap(), oversized);
      assertEquals(404, send.status, path + ": " + send.body);
      assertEquals("not_found", send.errorCode(), path);
    }
    assertEquals(0, alice.history(chatId, "").size(), "no oversized message stored");
    // The plain spelling is the one served, and it meets the limit.
    assertEquals(413, request(HttpMethod.POST, session + "xhr_send", alice.cookieHeader(),
      MultiMap.caseInsensitiveMultiMap(), oversized).status);
  }

  @Test
  void spellingsOfTheIframePageAreRefused() throws Exception {
    for (String path : List.of("/eventbus/./iframe.html", "/eventbus/x/../iframe.html", "/eventbus//iframe.html",
        "//eventbus/iframe.html", "/eventbus/%69frame.html", "/eventbus/iframe%2Ehtml", "/eventbus/iframe.html/",
        "/eventbus/./iframe-1.6.1.html")) {
      Answer answer = request(HttpMethod.GET, path, null, MultiMap.caseInsensitiveMultiMap(), null);
      assertEquals(404, answer.status, path + ": " + answer.body);
      assertEquals("not_found", answer.errorCode(), path);
    }
  }

  // ---- xhr_send bodies ------------------------------------------------------------------

  @Test
  void xhrSendBodyThatIsNotAnArrayOfStringsIs400AndTheSessionStaysUsable() throws Exception {
    TestClient alice = stack.client().signUp("body_alice", "student");
    String session = "/eventbus/000/" + sessionId() + "/";
    assertEquals("o", request(HttpMethod.POST, session + "xhr", alice.cookieHeader(),
      MultiMap.caseInsensitiveMultiMap(), null).body.trim());
    double rejectedBefore = rejected("invalid_body");
    List<String> bodies = List.of("[null]", "[null,\"{\\\"type\\\":\\\"ping\\\"}\"]", "", "[", "not json",
      "[1]", "[[\"x\"]]", "[{\"type\":\"ping\"}]", "{\"type\":\"ping\"}", "\"{}\"", "null", "[\"x\"] trailing");
    for (String body : bodies) {
      Answer send = request(HttpMethod.POST, session + "xhr_send", alice.cookieHeader(), MultiMap.caseInsensitiveMultiMap(), body);
      assertEquals(400, send.status, body + ": " + send.body);
      assertEquals("validation", send.errorCode(), body);
    }
    assertEquals(rejectedBefore + bodies.size(), rejected("invalid_body"), "each counted");
    assertEquals(204, request(HttpMethod.POST, session + "xhr_send", alice.cookieHeader(),
      MultiMap.caseInsensitiveMultiMap(), "[]").status, "an empty array is an array of strings");
    assertEquals(204, request(HttpMethod.POST, session + "xhr_send", alice.cookieHeader(),
      MultiMap.caseInsensitiveMultiMap(), frames(ping())).status);
    JsonObject pong = pollFor(session, alice.cookieHeader(), f -> "pong".equals(f.getString("type")));
    assertEquals(new JsonObject().put("type", "pong"), pong);
  }

  // ---- a client that does not read --------------------------------------------------------

  @Test
  void socketThatStopsReadingIsClosedAndOthersGetEverythingInOrder() throws Exception {
    TestClient alice = stack.client().signUp("slow_alice", "student");
    TestClient bob = stack.client().signUp("slow_bob", "student");
    long chatId = alice.createChat("flood", bob.id());
    double closedBefore = slowConsumersClosed();
    int count = 1500;
    String filler = "x".repeat(7000);
    // A small receive buffer, so the operating system does not take megabytes for the client.
    WebSocketClientOptions smallWindow = new WebSocketClientOptions().setReceiveBufferSize(16 * 1024);
    try (BridgeSocket slow = BridgeSocket.open(stack.vertx, smallWindow, stack.port,
           MultiMap.caseInsensitiveMultiMap().add("Cookie", bob.cookieHeader()));
         BridgeSocket reader = alice.bridge();
         BridgeSocket sender = alice.bridge()) {
      slow.subscribe(chatId);
      reader.subscribe(chatId);
      slow.stopReading();
      for (int sent = 0; sent < count; ) {
        List<String> replies = new ArrayList<>();
        for (int i = 0; i < 250 && sent < count; i++, sent++) {
          replies.add(sender.send("chat." + chatId + ".send", new JsonObject().put("content", sent + " " + filler)));
        }
        for (String r : replies) {
          assertEquals("rec", sender.reply(r).getString("type"));
        }
      }
      List<JsonObject> received = reader.messages(chatId, count);
      for (int i = 0; i < count; i++) {
        assertEquals(i + " " + filler, received.get(i).getString("content"), "message " + i + " in order");
      }
      await(() -> slowConsumersClosed() > closedBefore, "the slow consumer was counted");
      slow.resumeReading();
      slow.awaitClosed(WAIT_MS);
      assertTrue(slow.drainMessages(chatId, 0).size() < count, "the slow socket was cut off before the end");
      JsonObject health = alice.get("/health").bodyAsJsonObject();
      assertEquals("UP", health.getString("status"));
      assertEquals(2, health.getInteger("sockets"), "the reader and the sender");
      // The reader still gets what comes next.
      alice.sendMessage(chatId, "after the flood");
      reader.message(chatId, "after the flood");
    }
  }

  // ---- oversized frames -----------------------------------------------------------------

  @Test
  void oversizedFrameIsAnsweredWithErrAndClosed() throws Exception {
    TestClient alice = stack.client().signUp("big_alice", "student");
    long chatId = alice.createChat("big");
    try (BridgeSocket marker = alice.bridge()) {
      marker.subscribe(chatId);
      for (int size : new int[] {70_000, 300_000}) {
        try (BridgeSocket big = alice.bridge()) {
          big.subscribe(chatId);
          awaitOpenSockets(2);
          big.send("chat." + chatId + ".send", new JsonObject().put("content", "y".repeat(size)));
          assertEquals("frame_too_large", big.refusal().getString("body"), "size " + size);
          big.awaitClosed(WAIT_MS);
          awaitOpenSockets(1);
        }
      }
      // A message sent in fragments that add up to more than the limit ends the same way.
      WebSocketClientOptions fragments = new WebSocketClientOptions().setMaxFrameSize(16 * 1024);
      try (BridgeSocket big = BridgeSocket.open(stack.vertx, fragments, stack.port,
             MultiMap.caseInsensitiveMultiMap().add("Cookie", alice.cookieHeader()))) {
        awaitOpenSockets(2);
        big.send("chat." + chatId + ".send", new JsonObject().put("content", "z".repeat(100_000)));
        assertEquals("frame_too_large", big.refusal().getString("body"));
        big.awaitClosed(WAIT_MS);
        awaitOpenSockets(1);
      }
      alice.sendMessage(chatId, "still delivering");
      marker.message(chatId, "still delivering");
    }
    assertEquals(List.of("still delivering"), contents(alice.history(chatId, "")), "no oversized message stored");
  }

  @Test
  void oversizedXhrSendIsRefusedAndEndsItsSession() throws Exception {
    TestClient alice = stack.client().signUp("bigxhr_alice", "student");
    long chatId = alice.createChat("bigxhr");
    String session = "/eventbus/000/" + sessionId() + "/";
    assertEquals("o", request(HttpMethod.POST, session + "xhr", alice.cookieHeader(),
      MultiMap.caseInsensitiveMultiMap(), null).body.trim());
    Answer send = request(HttpMethod.POST, session + "xhr_send", alice.cookieHeader(),
      MultiMap.caseInsensitiveMultiMap(), frames(sendFrame(chatId, "w".repeat(70_000))));
    assertEquals(413, send.status);
    assertEquals("payload_too_large", send.errorCode());
    JsonObject err = pollFor(session, alice.cookieHeader(), f -> "err".equals(f.getString("type")));
    assertEquals("frame_too_large", err.getString("body"));
    Answer after = request(HttpMethod.POST, session + "xhr", alice.cookieHeader(), MultiMap.caseInsensitiveMultiMap(), null);
    assertTrue(after.body.startsWith("c["), "the session is closed: " + after.body);
    assertEquals(0, alice.history(chatId, "").size());
  }

  /** The SockJS websocket transport (sockjs-client's) ends an oversized frame as the raw one does. */
  @Test
  void oversizedFrameOnTheSockJSWebSocketIsAnsweredWithErrAndClosed() throws Exception {
    TestClient alice = stack.client().signUp("bigsock_alice", "student");
    long chatId = alice.createChat("bigsock");
    double rejectedBefore = rejected("frame_too_large");
    // One WebSocket frame each, then (client frames of 16 KiB) a message in fragments over the limit.
    List<WebSocketClientOptions> clients = List.of(
      new WebSocketClientOptions().setMaxFrameSize(1 << 20), new WebSocketClientOptions().setMaxFrameSize(1 << 20),
      new WebSocketClientOptions().setMaxFrameSize(16 * 1024));
    int[] sizes = {70_000, 300_000, 100_000};
    for (int i = 0; i < sizes.length; i++) {
      try (SockJSWebSocket big = SockJSWebSocket.open(clients.get(i), alice.cookieHeader())) {
        big.write(ping());
        assertEquals("pong", big.await(f -> true).getString("type"), "the transport works");
        big.write(sendFrame(chatId, "y".repeat(sizes[i])));
        JsonObject err = big.await(f -> "err".equals(f.getString("type")));
        assertEquals("frame_too_large", err.getString("body"), "size " + sizes[i]);
        big.awaitClosed();
      }
      awaitOpenSockets(0);
    }
    assertEquals(rejectedBefore + sizes.length, rejected("frame_too_large"));
    assertEquals(0, alice.history(chatId, "").size(), "no oversized message stored");
  }

  // ---- caps -----------------------------------------------------------------------------

  @Test
  void socketsPerClientAddressAreCapped() throws Exception {
    List<BridgeSocket> open = new ArrayList<>();
    try {
      for (int i = 0; i < SOCKETS_PER_ADDRESS; i++) {
        BridgeSocket socket = BridgeSocket.openFrom(stack.vertx, "127.0.0.5", stack.port, MultiMap.caseInsensitiveMultiMap());
        open.add(socket);
        socket.ping();
        socket.await(f -> "pong".equals(f.getString("type")), WAIT_MS);
      }
      try (BridgeSocket refused = BridgeSocket.openFrom(stack.vertx, "127.0.0.5", stack.port, MultiMap.caseInsensitiveMultiMap())) {
        assertEquals("too_many_sockets", refused.refusal().getString("body"));
        refused.awaitClosed(WAIT_MS);
      }
      try (BridgeSocket other = BridgeSocket.openFrom(stack.vertx, "127.0.0.6", stack.port, MultiMap.caseInsensitiveMultiMap())) {
        other.ping();
        other.await(f -> "pong".equals(f.getString("type")), WAIT_MS);
      }
      open.remove(0).close();
      awaitOpenSockets(SOCKETS_PER_ADDRESS - 1);
      try (BridgeSocket again = BridgeSocket.openFrom(stack.vertx, "127.0.0.5", stack.port, MultiMap.caseInsensitiveMultiMap())) {
        again.ping();
        again.await(f -> "pong".equals(f.getString("type")), WAIT_MS);
      }
    } finally {
      open.forEach(BridgeSocket::close);
    }
  }

  @Test
  void pipelinedRegistrationsStopAtTheHandlerCap() throws Exception {
    TestClient alice = stack.client().signUp("cap_alice", "student");
    List<Long> chats = new ArrayList<>();
    for (int i = 0; i < 1001; i++) {
      chats.add(alice.createChat("cap " + i));
    }
    try (BridgeSocket ws = alice.bridge()) {
      for (long chatId : chats) {
        ws.register("chat." + chatId);
      }
      int subscribed = 0;
      int refused = 0;
      while (subscribed + refused < chats.size()) {
        JsonObject frame = ws.await(f -> "err".equals(f.getString("type")) || (f.getValue("body") instanceof JsonObject
          && "subscribed".equals(f.getJsonObject("body").getString("type"))), WAIT_MS);
        if ("err".equals(frame.getString("type"))) {
          refused++;
        } else {
          subscribed++;
        }
      }
      assertEquals(1000, subscribed);
      assertEquals(1, refused);
      // Marker: nothing else was on its way.
      ws.ping();
      JsonObject next = ws.await(f -> true, WAIT_MS);
      assertEquals("pong", next.getString("type"), next.encode());
    }
  }

  // ---- ping, abrupt disconnects -----------------------------------------------------------

  @Test
  void pingIsAnsweredWithPong() throws Exception {
    TestClient alice = stack.client().signUp("ping_alice", "student");
    try (BridgeSocket ws = alice.bridge()) {
      ws.ping();
      assertEquals(new JsonObject().put("type", "pong"), ws.await(f -> true, WAIT_MS));
    }
  }

  @Test
  void abruptDisconnectIsNotAnError() throws Exception {
    for (int i = 0; i < 3; i++) {
      try (Socket raw = new Socket("127.0.0.1", stack.port)) {
        OutputStream out = raw.getOutputStream();
        out.write(("GET /eventbus/websocket HTTP/1.1\r\nHost: 127.0.0.1:" + stack.port + "\r\n"
          + "Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
          + "Sec-WebSocket-Version: 13\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        out.flush();
        assertTrue(readHead(raw.getInputStream()).startsWith("HTTP/1.1 101"));
        awaitOpenSockets(1);
        // Half a frame header, then a reset instead of a close.
        out.write(new byte[] {(byte) 0x81});
        out.flush();
        raw.setSoLinger(true, 0);
      }
      awaitOpenSockets(0);
    }
  }

  // ---- helpers --------------------------------------------------------------------------

  private record Answer(int status, String body) {
    String errorCode() {
      return new JsonObject(body).getJsonObject("error").getString("code");
    }
  }

  private static Answer request(HttpMethod method, String path, String cookie, MultiMap headers, String body) throws Exception {
    RequestOptions options = new RequestOptions().setHost("127.0.0.1").setPort(stack.port).setMethod(method).setURI(path);
    return http.request(options).compose(req -> {
      req.headers().addAll(headers);
      if (cookie != null) {
        req.putHeader("Cookie", cookie);
      }
      return (body == null ? req.send() : req.putHeader("Content-Type", "text/plain").send(body))
        .compose(resp -> resp.body().map(b -> new Answer(resp.statusCode(), b.toString())));
    }).await(20, TimeUnit.SECONDS);
  }

  /** Polls the xhr session until a frame matching arrives; other frames are skipped. */
  private static JsonObject pollFor(String session, String cookie, java.util.function.Predicate<JsonObject> matching) throws Exception {
    long deadline = System.currentTimeMillis() + WAIT_MS;
    while (System.currentTimeMillis() < deadline) {
      Answer poll = request(HttpMethod.POST, session + "xhr", cookie, MultiMap.caseInsensitiveMultiMap(), null);
      assertEquals(200, poll.status, poll.body);
      String body = poll.body.trim();
      if (body.startsWith("a")) {
        for (Object frame : new JsonArray(body.substring(1))) {
          JsonObject f = new JsonObject((String) frame);
          if (matching.test(f)) {
            return f;
          }
        }
      }
    }
    throw new AssertionError("no matching frame on " + session);
  }

  private static String frames(JsonObject... frames) {
    JsonArray array = new JsonArray();
    for (JsonObject f : frames) {
      array.add(f.encode());
    }
    return array.encode();
  }

  private static JsonObject ping() {
    return new JsonObject().put("type", "ping");
  }

  private static JsonObject sendFrame(long chatId, String content) {
    return new JsonObject().put("type", "send").put("address", "chat." + chatId + ".send")
      .put("body", new JsonObject().put("content", content)).put("replyAddress", UUID.randomUUID().toString());
  }

  private static String sessionId() {
    return UUID.randomUUID().toString().replace("-", "").substring(0, 12);
  }

  private static List<String> contents(JsonArray messages) {
    return messages.stream().map(m -> ((JsonObject) m).getString("content")).collect(Collectors.toList());
  }

  private static double rejected(String reason) {
    Counter counter = meters.find("gateway.bridge.rejected").tag("reason", reason).counter();
    return counter == null ? 0 : counter.count();
  }

  /**
   * A client of the SockJS websocket transport ({@code /eventbus/{server}/{session}/websocket}, the
   * one sockjs-client uses): bridge frames go out and come in wrapped in SockJS frames
   * ({@code ["..."]} out; {@code o}, {@code h}, {@code a[...]}, {@code c[...]} in).
   */
  private record SockJSWebSocket(WebSocketClient client, WebSocket socket, BlockingQueue<String> messages,
                                 CompletableFuture<Void> closed) implements AutoCloseable {

    static SockJSWebSocket open(WebSocketClientOptions options, String cookie) throws Exception {
      WebSocketClient client = stack.vertx.createWebSocketClient(options);
      BlockingQueue<String> messages = new LinkedBlockingQueue<>();
      CompletableFuture<Void> closed = new CompletableFuture<>();
      WebSocket socket = client.connect(new WebSocketConnectOptions().setHost("127.0.0.1").setPort(stack.port)
          .setURI("/eventbus/000/" + sessionId() + "/websocket").addHeader("Cookie", cookie))
        .map(ws -> {
          ws.textMessageHandler(messages::add);
          ws.closeHandler(v -> closed.complete(null));
          return ws;
        }).await(10, TimeUnit.SECONDS);
      SockJSWebSocket opened = new SockJSWebSocket(client, socket, messages, closed);
      assertEquals("o", opened.messages.poll(WAIT_MS, TimeUnit.MILLISECONDS), "the SockJS open frame");
      return opened;
    }

    void write(JsonObject frame) {
      socket.writeTextMessage(new JsonArray().add(frame.encode()).encode());
    }

    /** The next bridge frame matching (others, and heartbeats, are skipped). */
    JsonObject await(java.util.function.Predicate<JsonObject> matching) throws InterruptedException {
      long deadline = System.currentTimeMillis() + WAIT_MS;
      while (System.currentTimeMillis() < deadline) {
        String message = messages.poll(deadline - System.currentTimeMillis(), TimeUnit.MILLISECONDS);
        if (message != null && message.startsWith("a")) {
          for (Object frame : new JsonArray(message.substring(1))) {
            JsonObject f = new JsonObject((String) frame);
            if (matching.test(f)) {
              return f;
            }
          }
        }
      }
      throw new AssertionError("no matching frame; closed: " + closed.isDone());
    }

    void awaitClosed() throws Exception {
      closed.get(WAIT_MS, TimeUnit.MILLISECONDS);
    }

    @Override
    public void close() {
      try {
        socket.close().await(5, TimeUnit.SECONDS);
      } catch (Exception ignored) {
        // closed by the server already
      }
      client.close();
    }
  }

  private static double slowConsumersClosed() {
    Counter counter = meters.find("gateway.bridge.slow.consumers.closed").counter();
    return counter == null ? 0 : counter.count();
  }

  private static void awaitOpenSockets(int expected) throws Exception {
    await(() -> {
      try {
        Answer health = request(HttpMethod.GET, "/health", null, MultiMap.caseInsensitiveMultiMap(), null);
        return new JsonObject(health.body()).getInteger("sockets") == expected;
      } catch (Exception e) {
        throw new AssertionError(e);
      }
    }, "/health counts " + expected + " sockets");
  }

  private static void await(BooleanSupplier condition, String what) throws InterruptedException {
    long deadline = System.currentTimeMillis() + WAIT_MS;
    while (!condition.getAsBoolean()) {
      if (System.currentTimeMillis() > deadline) {
        throw new AssertionError("not reached: " + what);
      }
      Thread.sleep(20);
    }
  }

  private static String readHead(InputStream in) throws Exception {
    StringBuilder head = new StringBuilder();
    while (!head.toString().endsWith("\r\n\r\n")) {
      int b = in.read();
      if (b < 0) {
        break;
      }
      head.append((char) b);
    }
    return head.toString();
  }
}
