package chat.testing;

import io.netty.handler.codec.http.cookie.Cookie;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import io.vertx.ext.web.client.WebClientSession;
import java.util.StringJoiner;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One browser-like HTTP client of the end-to-end suites: its own cookie jar, the XSRF header
 * echoed from the cookie on every request, as the contract asks of clients. Calls block the test
 * thread. The raw calls ({@link #get}, {@link #post}, {@link #send}) answer whatever came; the
 * named ones ({@link #createChat}, {@link #sendMessage}, ...) fail the test unless it succeeded.
 */
public final class TestClient {

  public static final String PASSWORD = "correct horse battery";
  private static final AtomicInteger NAMES = new AtomicInteger();

  public final Vertx vertx;
  public final int port;
  public final WebClientSession http;
  /** The logged-in user, once signed up. */
  public JsonObject user;

  public TestClient(Vertx vertx, int port) {
    this(vertx, port, null);
  }

  /** With {@code localAddress} non-null, the client's connections come from that address (any 127.0.0.x on Linux). */
  public TestClient(Vertx vertx, int port, String localAddress) {
    this.vertx = vertx;
    this.port = port;
    WebClientOptions options = new WebClientOptions().setDefaultHost("127.0.0.1").setDefaultPort(port);
    if (localAddress != null) {
      options.setLocalAddress(localAddress);
    }
    // Enough connections that a test's concurrent requests are really in flight together.
    this.http = WebClientSession.create(WebClient.create(vertx, options, new PoolOptions().setHttp1MaxSize(64)));
  }

  /** A username no other test of this JVM (or another suite's JVM) uses. */
  public static String uniqueName(String prefix) {
    return prefix + "_" + ProcessHandle.current().pid() + "_" + NAMES.incrementAndGet();
  }

  /** Registers a new user of that type, with a unique name from prefix, and logs it in. */
  public TestClient signUp(String prefix, String userType) {
    return signUpAs(uniqueName(prefix), userType);
  }

  /** Registers a new user with exactly this name (screenshots want stable names) and logs it in. */
  public TestClient signUpAs(String name, String userType) {
    expect(204, HttpMethod.GET, "/api/auth/csrf", null);
    expect(201, HttpMethod.POST, "/api/auth/register", new JsonObject()
      .put("username", name).put("email", name + "@example.org")
      .put("password", PASSWORD).put("user_type", userType));
    user = expect(200, HttpMethod.POST, "/api/auth/login",
      new JsonObject().put("username", name).put("password", PASSWORD)).bodyAsJsonObject();
    return this;
  }

  public long id() {
    return user.getLong("id");
  }

  public String username() {
    return user.getString("username");
  }

  // ---- raw requests ------------------------------------------------------------------

  public HttpResponse<Buffer> get(String path) {
    return send(HttpMethod.GET, path, null, true);
  }

  public HttpResponse<Buffer> post(String path, Object body) {
    return send(HttpMethod.POST, path, body, true);
  }

  public HttpResponse<Buffer> delete(String path) {
    return send(HttpMethod.DELETE, path, null, true);
  }

  /** A request with the XSRF header; body as JsonObject or null. */
  public HttpResponse<Buffer> send(HttpMethod method, String path, JsonObject body) {
    return send(method, path, body, true);
  }

  /** A request with full control: body as JsonObject, raw String or Buffer; with or without the XSRF header. */
  public HttpResponse<Buffer> send(HttpMethod method, String path, Object body, boolean withXsrf) {
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
    } catch (TimeoutException e) {
      throw new AssertionError(method + " " + path + " timed out", e);
    }
  }

  public String cookie(String name) {
    for (Cookie c : http.cookieStore().get(false, "127.0.0.1", "/")) {
      if (c.name().equals(name)) {
        return c.value();
      }
    }
    return null;
  }

  /** The Cookie header this client would send, for the bridge's WebSocket handshake. */
  public String cookieHeader() {
    StringJoiner joiner = new StringJoiner("; ");
    for (Cookie c : http.cookieStore().get(false, "127.0.0.1", "/")) {
      joiner.add(c.name() + "=" + c.value());
    }
    return joiner.toString();
  }

  /** A bridge WebSocket opened with this client's session cookie. */
  public BridgeSocket bridge() {
    return BridgeSocket.open(vertx, port, MultiMap.caseInsensitiveMultiMap().add("Cookie", cookieHeader()));
  }

  // ---- named operations, each required to succeed --------------------------------------

  /** Creates a chat with these participants; returns its id. */
  public long createChat(String name, long... participantIds) {
    JsonArray ids = new JsonArray();
    for (long id : participantIds) {
      ids.add(id);
    }
    return expect(201, HttpMethod.POST, "/api/chats", new JsonObject().put("name", name).put("participant_ids", ids))
      .bodyAsJsonObject().getLong("id");
  }

  public JsonObject chat(long chatId) {
    return expect(200, HttpMethod.GET, "/api/chats/" + chatId, null).bodyAsJsonObject();
  }

  public void addParticipant(long chatId, long userId) {
    expect(200, HttpMethod.POST, "/api/chats/" + chatId + "/participants", new JsonObject().put("user_id", userId));
  }

  public void removeParticipant(long chatId, long userId) {
    expect(200, HttpMethod.DELETE, "/api/chats/" + chatId + "/participants/" + userId, null);
  }

  public JsonObject sendMessage(long chatId, String content) {
    return expect(201, HttpMethod.POST, "/api/chats/" + chatId + "/messages", new JsonObject().put("content", content))
      .bodyAsJsonObject();
  }

  public JsonObject editMessage(long chatId, long messageId, String content) {
    return expect(200, HttpMethod.PATCH, "/api/chats/" + chatId + "/messages/" + messageId,
      new JsonObject().put("content", content)).bodyAsJsonObject();
  }

  public void deleteMessage(long chatId, long messageId) {
    expect(204, HttpMethod.DELETE, "/api/chats/" + chatId + "/messages/" + messageId, null);
  }

  /** The newest 200 messages of the chat. */
  public JsonArray history(long chatId) {
    return history(chatId, "?limit=200");
  }

  /** A page of history; {@code query} is the query string with its {@code ?} (or empty). */
  public JsonArray history(long chatId, String query) {
    return expect(200, HttpMethod.GET, "/api/chats/" + chatId + "/messages" + query, null)
      .bodyAsJsonObject().getJsonArray("messages");
  }

  private HttpResponse<Buffer> expect(int status, HttpMethod method, String path, JsonObject body) {
    HttpResponse<Buffer> r = send(method, path, body, true);
    if (r.statusCode() != status) {
      throw new AssertionError(method + " " + path + " answered " + r.statusCode() + " " + r.bodyAsString());
    }
    return r;
  }

  // ---- attachments (issue 14) ------------------------------------------------------------

  /** Uploads {@code bytes} as the part {@code file} of a multipart body (with the XSRF header). */
  public HttpResponse<Buffer> upload(long chatId, String filename, String claimedType, byte[] bytes) {
    HttpRequest<Buffer> request = http.post("/api/chats/" + chatId + "/attachments")
      .putHeader("Content-Type", Multipart.CONTENT_TYPE);
    String token = cookie("XSRF-TOKEN");
    if (token != null) {
      request.putHeader("X-XSRF-TOKEN", token);
    }
    try {
      return request.sendBuffer(Multipart.body("file", filename, claimedType, bytes)).await(60, TimeUnit.SECONDS);
    } catch (TimeoutException e) {
      throw new AssertionError("upload timed out", e);
    }
  }

  /** Sends a message carrying these uploads; returns the message. */
  public JsonObject sendMessageWith(long chatId, String content, long... attachmentIds) {
    JsonArray ids = new JsonArray();
    for (long id : attachmentIds) {
      ids.add(id);
    }
    return expect(201, HttpMethod.POST, "/api/chats/" + chatId + "/messages",
      new JsonObject().put("content", content).put("attachment_ids", ids)).bodyAsJsonObject();
  }
}
