package chat.bench.floor;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.Cookie;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The floor: the least a Vert.x server must do to serve the generator. A raw WebSocket at
 * {@code /eventbus/websocket} speaking the bridge frames the generator uses, and stub REST
 * endpoints that answer plausible JSON. No SockJS, no auth, no persistence: each broadcast
 * frame is encoded once and the same buffer written to every registered socket, so what
 * this server reaches is the ceiling of Vert.x WebSockets on the machine.
 *
 * <p>Deployed with several instances, all share one {@link State}; a socket written from
 * another event loop is handed to its own loop by Vert.x.
 */
public class FloorServer extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(FloorServer.class);
  static final String WS_PATH = "/eventbus/websocket";
  static final String SESSION_COOKIE = "floor-session";
  static final String XSRF_COOKIE = "XSRF-TOKEN";
  private static final Pattern CHAT_PATH = Pattern.compile("^/api/chats/(\\d+)(/participants|/messages)?$");

  /** What every instance shares: subscriptions and id counters. */
  public static final class State {
    final ConcurrentHashMap<String, Set<ServerWebSocket>> subscribers = new ConcurrentHashMap<>();
    final AtomicLong messageIds = new AtomicLong();
    final AtomicLong userIds = new AtomicLong();
    final AtomicLong chatIds = new AtomicLong();
    /** Username to id, so login answers with the id register gave (nothing else is kept). */
    final ConcurrentHashMap<String, Long> users = new ConcurrentHashMap<>();
  }

  private final State state;
  private final String host;
  private final int port;

  public FloorServer(State state, String host, int port) {
    this.state = state;
    this.host = host;
    this.port = port;
  }

  @Override
  public Future<?> start() {
    return vertx.createHttpServer(new HttpServerOptions().setTcpNoDelay(true).setMaxWebSocketFrameSize(65536))
      .webSocketHandshakeHandler(handshake -> {
        if (WS_PATH.equals(handshake.path())) {
          handshake.accept();
        } else {
          handshake.reject(404);
        }
      })
      .webSocketHandler(this::onSocket)
      .requestHandler(this::onRequest)
      .listen(port, host)
      .onSuccess(s -> LOG.debug("floor instance listening on {}:{}", host, s.actualPort()));
  }

  // ---------------------------------------------------------------- bridge frames

  private void onSocket(ServerWebSocket ws) {
    long userId = userFromCookie(ws.headers().get("Cookie"));
    Set<String> registered = ConcurrentHashMap.newKeySet();
    ws.textMessageHandler(text -> onFrame(ws, userId, registered, text));
    ws.binaryMessageHandler(buf -> onFrame(ws, userId, registered, buf.toString()));
    ws.closeHandler(v -> {
      for (String address : registered) {
        Set<ServerWebSocket> set = state.subscribers.get(address);
        if (set != null) {
          set.remove(ws);
        }
      }
    });
  }

  private void onFrame(ServerWebSocket ws, long userId, Set<String> registered, String text) {
    JsonObject frame;
    try {
      frame = new JsonObject(text);
    } catch (DecodeException e) {
      error(ws, "invalid_json");
      return;
    }
    String type = frame.getString("type");
    String address = frame.getString("address");
    if ("ping".equals(type)) {
      return;
    }
    if (type == null || address == null) {
      error(ws, type == null ? "missing_type" : "missing_address");
      return;
    }
    switch (type) {
      case "register":
        if (registered.add(address)) {
          state.subscribers.computeIfAbsent(address, a -> ConcurrentHashMap.newKeySet()).add(ws);
        }
        break;
      case "unregister":
        if (registered.remove(address)) {
          Set<ServerWebSocket> set = state.subscribers.get(address);
          if (set != null) {
            set.remove(ws);
          }
        }
        break;
      case "send":
        onSend(ws, userId, address, frame);
        break;
      default:
        error(ws, "invalid_type");
    }
  }

  private void onSend(ServerWebSocket ws, long userId, String address, JsonObject frame) {
    if (!address.endsWith(".send")) {
      error(ws, "access_denied");
      return;
    }
    String chatAddress = address.substring(0, address.length() - ".send".length());
    Object rawBody = frame.getValue("body");
    String content = rawBody instanceof JsonObject ? ((JsonObject) rawBody).getString("content") : null;
    if (content == null) {
      error(ws, "validation");
      return;
    }
    JsonObject message = publish(chatAddress, userId, content);
    String replyAddress = frame.getString("replyAddress");
    if (replyAddress != null) {
      ws.writeBinaryMessage(new JsonObject().put("type", "rec").put("address", replyAddress)
        .put("body", message).toBuffer());
    }
  }

  /** Builds the message, encodes its event frame once and writes it to every subscriber. */
  private JsonObject publish(String chatAddress, long userId, String content) {
    long chatId = parseChatId(chatAddress);
    JsonObject message = new JsonObject()
      .put("id", state.messageIds.incrementAndGet())
      .put("chat_id", chatId)
      .put("sender", user(userId))
      .put("content", content)
      .put("created_at", Instant.now().truncatedTo(ChronoUnit.MILLIS).toString());
    Set<ServerWebSocket> targets = state.subscribers.get(chatAddress);
    if (targets != null && !targets.isEmpty()) {
      Buffer event = new JsonObject().put("type", "rec").put("address", chatAddress)
        .put("body", new JsonObject().put("type", "message").put("message", message)).toBuffer();
      // Binary, as the SockJS raw-WebSocket transport writes bridge frames.
      for (ServerWebSocket target : targets) {
        target.writeBinaryMessage(event);
      }
    }
    return message;
  }

  private static void error(ServerWebSocket ws, String body) {
    ws.writeBinaryMessage(new JsonObject().put("type", "err").put("body", body).toBuffer());
  }

  private static long parseChatId(String chatAddress) {
    int dot = chatAddress.lastIndexOf('.');
    try {
      return Long.parseLong(chatAddress.substring(dot + 1));
    } catch (NumberFormatException e) {
      return 0;
    }
  }

  // ---------------------------------------------------------------- REST stubs

  private void onRequest(HttpServerRequest req) {
    String path = req.path();
    if (req.method() == HttpMethod.GET && "/api/auth/csrf".equals(path)) {
      withXsrf(req).response().setStatusCode(204).end();
      return;
    }
    if (req.method() == HttpMethod.GET && "/health".equals(path)) {
      json(req, 200, new JsonObject().put("status", "UP").put("floor", true));
      return;
    }
    if (req.method() != HttpMethod.POST) {
      json(req, 404, errorBody("not_found"));
      return;
    }
    req.body().onSuccess(buf -> onPost(req, path, buf)).onFailure(e -> json(req, 400, errorBody("validation")));
  }

  private void onPost(HttpServerRequest req, String path, Buffer buf) {
    JsonObject body;
    try {
      body = buf.length() == 0 ? new JsonObject() : buf.toJsonObject();
    } catch (DecodeException e) {
      json(req, 400, errorBody("validation"));
      return;
    }
    long caller = userFromCookie(req.getHeader("Cookie"));
    switch (path) {
      case "/api/auth/register": {
        long id = state.userIds.incrementAndGet();
        String username = body.getString("username", "u" + id);
        state.users.put(username, id);
        json(req, 201, userObject(id, username, body.getString("user_type", "student"))
          .put("email", body.getString("email")));
        return;
      }
      case "/api/auth/login": {
        // No password check: the floor has no auth. The session cookie just names the user id.
        String username = body.getString("username", "");
        long id = state.users.computeIfAbsent(username, u -> state.userIds.incrementAndGet());
        req.response().addCookie(Cookie.cookie(SESSION_COOKIE, Long.toString(id)).setPath("/").setHttpOnly(true));
        json(req, 200, userObject(id, username, "student"));
        return;
      }
      case "/api/auth/logout":
        req.response().setStatusCode(204).end();
        return;
      case "/api/chats": {
        long chatId = state.chatIds.incrementAndGet();
        JsonArray participants = new JsonArray().add(user(caller));
        JsonArray ids = body.getJsonArray("participant_ids", new JsonArray());
        for (int i = 0; i < ids.size(); i++) {
          participants.add(user(((Number) ids.getValue(i)).longValue()));
        }
        json(req, 201, chatObject(chatId, body.getString("name", "chat"), caller, participants));
        return;
      }
      default:
        break;
    }
    Matcher m = CHAT_PATH.matcher(path);
    if (m.matches() && "/participants".equals(m.group(2))) {
      long chatId = Long.parseLong(m.group(1));
      json(req, 200, chatObject(chatId, "chat", caller, new JsonArray().add(user(caller))));
    } else if (m.matches() && "/messages".equals(m.group(2))) {
      String content = body.getString("content");
      if (content == null || content.isBlank()) {
        json(req, 400, errorBody("validation"));
        return;
      }
      json(req, 201, publish("chat." + m.group(1), caller, content));
    } else {
      json(req, 404, errorBody("not_found"));
    }
  }

  private HttpServerRequest withXsrf(HttpServerRequest req) {
    String cookies = req.getHeader("Cookie");
    if (cookies == null || !cookies.contains(XSRF_COOKIE + "=")) {
      req.response().addCookie(Cookie.cookie(XSRF_COOKIE, UUID.randomUUID().toString()).setPath("/"));
    }
    return req;
  }

  private void json(HttpServerRequest req, int status, JsonObject body) {
    withXsrf(req).response().setStatusCode(status).putHeader("Content-Type", "application/json")
      .end(body.toBuffer());
  }

  private static JsonObject errorBody(String code) {
    return new JsonObject().put("error", new JsonObject().put("code", code).put("message", code));
  }

  private static JsonObject user(long id) {
    return new JsonObject().put("id", id).put("username", "u" + id).put("user_type", "student");
  }

  private static JsonObject userObject(long id, String username, String userType) {
    return new JsonObject().put("id", id).put("username", username).put("user_type", userType)
      .put("date_joined", Instant.now().truncatedTo(ChronoUnit.MILLIS).toString());
  }

  private static JsonObject chatObject(long id, String name, long creator, JsonArray participants) {
    return new JsonObject().put("id", id).put("name", name)
      .put("created_at", Instant.now().truncatedTo(ChronoUnit.MILLIS).toString())
      .put("created_by", creator).put("participants", participants);
  }

  private static long userFromCookie(String cookieHeader) {
    if (cookieHeader == null) {
      return 0;
    }
    for (String part : cookieHeader.split(";")) {
      String p = part.trim();
      if (p.startsWith(SESSION_COOKIE + "=")) {
        try {
          return Long.parseLong(p.substring(SESSION_COOKIE.length() + 1));
        } catch (NumberFormatException e) {
          return 0;
        }
      }
    }
    return 0;
  }
}
