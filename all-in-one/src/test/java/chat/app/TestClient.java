package chat.app;

import chat.testing.BridgeSocket;

import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;

import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import io.vertx.ext.web.client.WebClientSession;
import java.util.StringJoiner;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One browser-like HTTP client: its own cookie jar, the XSRF header echoed from the cookie on
 * every unsafe request, as the contract asks of clients. Calls block the test thread.
 */
final class TestClient {

  private static final AtomicInteger NAMES = new AtomicInteger();

  final Vertx vertx;
  final int port;
  final WebClientSession http;
  JsonObject user;

  TestClient(Vertx vertx, int port) {
    this(vertx, port, null);
  }

  /** With {@code localAddress} non-null, the client's connections come from that address. */
  TestClient(Vertx vertx, int port, String localAddress) {
    this.vertx = vertx;
    this.port = port;
    WebClientOptions options = new WebClientOptions().setDefaultHost("127.0.0.1").setDefaultPort(port);
    if (localAddress != null) {
      options.setLocalAddress(localAddress);
    }
    // Enough connections that a test's concurrent requests are really in flight together.
    this.http = WebClientSession.create(WebClient.create(vertx, options,
      new io.vertx.core.http.PoolOptions().setHttp1MaxSize(64)));
  }

  static String uniqueName(String prefix) {
    return prefix + "_" + ProcessHandle.current().pid() + "_" + NAMES.incrementAndGet();
  }

  /** Gets a CSRF cookie, registers a new user of that type and logs it in. */
  TestClient signUp(String prefix, String userType) {
    String name = uniqueName(prefix);
    get("/api/auth/csrf");
    HttpResponse<Buffer> reg = post("/api/auth/register", new JsonObject()
      .put("username", name).put("email", name + "@example.org")
      .put("password", "correct horse battery").put("user_type", userType));
    if (reg.statusCode() != 201) {
      throw new AssertionError("register failed: " + reg.statusCode() + " " + reg.bodyAsString());
    }
    HttpResponse<Buffer> login = post("/api/auth/login",
      new JsonObject().put("username", name).put("password", "correct horse battery"));
    if (login.statusCode() != 200) {
      throw new AssertionError("login failed: " + login.statusCode() + " " + login.bodyAsString());
    }
    user = login.bodyAsJsonObject();
    return this;
  }

  long id() {
    return user.getLong("id");
  }

  HttpResponse<Buffer> get(String path) {
    return send(HttpMethod.GET, path, null, true);
  }

  HttpResponse<Buffer> post(String path, Object body) {
    return send(HttpMethod.POST, path, body, true);
  }

  HttpResponse<Buffer> delete(String path) {
    return send(HttpMethod.DELETE, path, null, true);
  }

  /** A request with full control: body as JsonObject, raw String or Buffer; with or without XSRF header. */
  HttpResponse<Buffer> send(HttpMethod method, String path, Object body, boolean withXsrf) {
    HttpRequest<Buffer> request = http.request(method, path);
    if (withXsrf) {
      String token = cookie("XSRF-TOKEN");
      if (token != null) {
        request.putHeader("X-XSRF-TOKEN", token);
      }
    }
    try {
      if (body == null) {
        return request.send().await(20, TimeUnit.SECONDS);
      }
      if (body instanceof JsonObject) {
        return request.sendJsonObject((JsonObject) body).await(20, TimeUnit.SECONDS);
      }
      Buffer buffer = body instanceof Buffer ? (Buffer) body : Buffer.buffer(body.toString());
      request.putHeader("Content-Type", "application/json");
      return request.sendBuffer(buffer).await(20, TimeUnit.SECONDS);
    } catch (java.util.concurrent.TimeoutException e) {
      throw new AssertionError(method + " " + path + " timed out", e);
    }
  }

  String cookie(String name) {
    for (io.netty.handler.codec.http.cookie.Cookie c : http.cookieStore().get(false, "127.0.0.1", "/")) {
      if (c.name().equals(name)) {
        return c.value();
      }
    }
    return null;
  }

  /** The Cookie header this client would send, for the bridge's WebSocket handshake. */
  String cookieHeader() {
    StringJoiner joiner = new StringJoiner("; ");
    for (io.netty.handler.codec.http.cookie.Cookie c : http.cookieStore().get(false, "127.0.0.1", "/")) {
      joiner.add(c.name() + "=" + c.value());
    }
    return joiner.toString();
  }

  BridgeSocket bridge() {
    return BridgeSocket.open(vertx, port, MultiMap.caseInsensitiveMultiMap().add("Cookie", cookieHeader()));
  }

  /** Creates a chat with these participants; returns its id. */
  long createChat(String name, long... participantIds) {
    io.vertx.core.json.JsonArray ids = new io.vertx.core.json.JsonArray();
    for (long id : participantIds) {
      ids.add(id);
    }
    HttpResponse<Buffer> r = post("/api/chats", new JsonObject().put("name", name).put("participant_ids", ids));
    if (r.statusCode() != 201) {
      throw new AssertionError("create chat failed: " + r.statusCode() + " " + r.bodyAsString());
    }
    return r.bodyAsJsonObject().getLong("id");
  }

  JsonObject sendMessage(long chatId, String content) {
    HttpResponse<Buffer> r = post("/api/chats/" + chatId + "/messages", new JsonObject().put("content", content));
    if (r.statusCode() != 201) {
      throw new AssertionError("send failed: " + r.statusCode() + " " + r.bodyAsString());
    }
    return r.bodyAsJsonObject();
  }

  io.vertx.core.json.JsonArray history(long chatId, String query) {
    HttpResponse<Buffer> r = get("/api/chats/" + chatId + "/messages" + query);
    if (r.statusCode() != 200) {
      throw new AssertionError("history failed: " + r.statusCode() + " " + r.bodyAsString());
    }
    return r.bodyAsJsonObject().getJsonArray("messages");
  }
}
