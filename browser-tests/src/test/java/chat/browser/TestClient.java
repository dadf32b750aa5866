package chat.browser;

import io.netty.handler.codec.http.cookie.Cookie;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import io.vertx.ext.web.client.WebClientSession;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A REST client with its own cookie jar that echoes the XSRF cookie, for the parts of a test that
 * happen outside the browsers (users who only need to exist, messages sent "meanwhile").
 */
final class TestClient {

  static final String PASSWORD = "correct horse battery";
  private static final AtomicInteger NAMES = new AtomicInteger();

  private final WebClientSession http;
  JsonObject user;

  TestClient(Vertx vertx, int port) {
    this.http = WebClientSession.create(WebClient.create(vertx,
      new WebClientOptions().setDefaultHost("127.0.0.1").setDefaultPort(port)));
  }

  static String uniqueName(String prefix) {
    return prefix + NAMES.incrementAndGet() + "_" + Long.toString(System.nanoTime() % 100_000, 36);
  }

  /** Registers a new user of that type, with a unique name from prefix, and logs it in. */
  TestClient signUp(String prefix, String userType) {
    return signUpAs(uniqueName(prefix), userType);
  }

  /** Registers a new user with exactly this name (screenshots want stable names) and logs it in. */
  TestClient signUpAs(String name, String userType) {
    expect(200, HttpMethod.GET, "/api/auth/csrf", null, 204);
    expect(201, HttpMethod.POST, "/api/auth/register", new JsonObject()
      .put("username", name).put("email", name + "@example.org")
      .put("password", PASSWORD).put("user_type", userType));
    user = expect(200, HttpMethod.POST, "/api/auth/login",
      new JsonObject().put("username", name).put("password", PASSWORD)).bodyAsJsonObject();
    return this;
  }

  long id() {
    return user.getLong("id");
  }

  String username() {
    return user.getString("username");
  }

  long createChat(String name, long... participantIds) {
    JsonArray ids = new JsonArray();
    for (long id : participantIds) {
      ids.add(id);
    }
    return expect(201, HttpMethod.POST, "/api/chats", new JsonObject().put("name", name).put("participant_ids", ids))
      .bodyAsJsonObject().getLong("id");
  }

  JsonObject sendMessage(long chatId, String content) {
    return expect(201, HttpMethod.POST, "/api/chats/" + chatId + "/messages", new JsonObject().put("content", content))
      .bodyAsJsonObject();
  }

  JsonObject editMessage(long chatId, long messageId, String content) {
    return expect(200, HttpMethod.PATCH, "/api/chats/" + chatId + "/messages/" + messageId,
      new JsonObject().put("content", content)).bodyAsJsonObject();
  }

  void deleteMessage(long chatId, long messageId) {
    expect(204, HttpMethod.DELETE, "/api/chats/" + chatId + "/messages/" + messageId, null);
  }

  void addParticipant(long chatId, long userId) {
    expect(200, HttpMethod.POST, "/api/chats/" + chatId + "/participants", new JsonObject().put("user_id", userId));
  }

  void removeParticipant(long chatId, long userId) {
    expect(200, HttpMethod.DELETE, "/api/chats/" + chatId + "/participants/" + userId, null);
  }

  JsonObject chat(long chatId) {
    return expect(200, HttpMethod.GET, "/api/chats/" + chatId, null).bodyAsJsonObject();
  }

  JsonArray history(long chatId) {
    return expect(200, HttpMethod.GET, "/api/chats/" + chatId + "/messages?limit=200", null)
      .bodyAsJsonObject().getJsonArray("messages");
  }

  HttpResponse<Buffer> send(HttpMethod method, String path, JsonObject body) {
    HttpRequest<Buffer> request = http.request(method, path);
    String token = cookie("XSRF-TOKEN");
    if (token != null) {
      request.putHeader("X-XSRF-TOKEN", token);
    }
    try {
      return (body == null ? request.send() : request.sendJsonObject(body)).await(20, TimeUnit.SECONDS);
    } catch (TimeoutException e) {
      throw new AssertionError(method + " " + path + " timed out", e);
    }
  }

  private HttpResponse<Buffer> expect(int status, HttpMethod method, String path, JsonObject body, int... alsoOk) {
    HttpResponse<Buffer> r = send(method, path, body);
    boolean ok = r.statusCode() == status;
    for (int s : alsoOk) {
      ok |= r.statusCode() == s;
    }
    if (!ok) {
      throw new AssertionError(method + " " + path + " answered " + r.statusCode() + " " + r.bodyAsString());
    }
    return r;
  }

  private String cookie(String name) {
    for (Cookie c : http.cookieStore().get(false, "127.0.0.1", "/")) {
      if (c.name().equals(name)) {
        return c.value();
      }
    }
    return null;
  }
}
