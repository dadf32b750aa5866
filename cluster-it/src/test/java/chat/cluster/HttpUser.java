package chat.cluster;

import chat.testing.BridgeSocket;

import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.netty.handler.codec.http.cookie.Cookie;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientSession;
import java.util.StringJoiner;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A browser-like user: one cookie jar for the host 127.0.0.1 whatever the gateway port (cookies
 * are not port-bound, as in a browser), the XSRF header echoed from the cookie on unsafe
 * requests. Each call names the gateway it goes to. Calls block the test thread.
 */
final class HttpUser {

  static final String PASSWORD = "correct horse battery";

  final Vertx vertx;
  final WebClientSession http;
  final String username;
  JsonObject user;

  HttpUser(Vertx vertx, WebClient client, String username) {
    this.vertx = vertx;
    this.http = WebClientSession.create(client);
    this.username = username;
  }

  /** CSRF cookie, registration and login, all on this gateway. */
  HttpUser signUp(int port) {
    get(port, "/api/auth/csrf");
    HttpResponse<Buffer> reg = post(port, "/api/auth/register", new JsonObject()
      .put("username", username).put("email", username + "@example.org")
      .put("password", PASSWORD).put("user_type", "student"));
    expect(reg, 201, "register");
    return logIn(port);
  }

  HttpUser logIn(int port) {
    HttpResponse<Buffer> login = post(port, "/api/auth/login",
      new JsonObject().put("username", username).put("password", PASSWORD));
    expect(login, 200, "login");
    user = login.bodyAsJsonObject();
    return this;
  }

  long id() {
    return user.getLong("id");
  }

  HttpResponse<Buffer> get(int port, String path) {
    return send(HttpMethod.GET, port, path, null);
  }

  HttpResponse<Buffer> post(int port, String path, JsonObject body) {
    return send(HttpMethod.POST, port, path, body);
  }

  HttpResponse<Buffer> delete(int port, String path) {
    return send(HttpMethod.DELETE, port, path, null);
  }

  HttpResponse<Buffer> send(HttpMethod method, int port, String path, JsonObject body) {
    try {
      return sendAsync(method, port, path, body).await(30, TimeUnit.SECONDS);
    } catch (TimeoutException e) {
      throw new AssertionError(method + " :" + port + path + " timed out", e);
    }
  }

  /** The same without waiting, to have several requests in flight at once. */
  Future<HttpResponse<Buffer>> sendAsync(HttpMethod method, int port, String path, JsonObject body) {
    HttpRequest<Buffer> request = http.request(method, port, "127.0.0.1", path);
    String token = cookie("XSRF-TOKEN");
    if (token != null) {
      request.putHeader("X-XSRF-TOKEN", token);
    }
    return body == null ? request.send() : request.sendJsonObject(body);
  }

  long createChat(int port, String name, long... participantIds) {
    JsonArray ids = new JsonArray();
    for (long id : participantIds) {
      ids.add(id);
    }
    HttpResponse<Buffer> r = post(port, "/api/chats", new JsonObject().put("name", name).put("participant_ids", ids));
    expect(r, 201, "create chat");
    return r.bodyAsJsonObject().getLong("id");
  }

  JsonObject sendMessage(int port, long chatId, String content) {
    HttpResponse<Buffer> r = post(port, "/api/chats/" + chatId + "/messages", new JsonObject().put("content", content));
    expect(r, 201, "send");
    return r.bodyAsJsonObject();
  }

  /** Every message after {@code afterId}, following pages. */
  JsonArray historyAfter(int port, long chatId, long afterId) {
    JsonArray all = new JsonArray();
    long after = afterId;
    while (true) {
      HttpResponse<Buffer> r = get(port, "/api/chats/" + chatId + "/messages?limit=200&after=" + after);
      expect(r, 200, "history");
      JsonObject page = r.bodyAsJsonObject();
      JsonArray messages = page.getJsonArray("messages");
      all.addAll(messages);
      if (!page.getBoolean("has_more", false) || messages.isEmpty()) {
        return all;
      }
      after = messages.getJsonObject(messages.size() - 1).getLong("id");
    }
  }

  String cookie(String name) {
    for (Cookie c : http.cookieStore().get(false, "127.0.0.1", "/")) {
      if (c.name().equals(name)) {
        return c.value();
      }
    }
    return null;
  }

  /** Opens the bridge on a gateway with this user's cookies (the session travels with them). */
  BridgeSocket bridge(int port) {
    StringJoiner cookies = new StringJoiner("; ");
    for (Cookie c : http.cookieStore().get(false, "127.0.0.1", "/")) {
      cookies.add(c.name() + "=" + c.value());
    }
    return BridgeSocket.open(vertx, port, MultiMap.caseInsensitiveMultiMap().add("Cookie", cookies.toString()));
  }

  static void expect(HttpResponse<Buffer> r, int status, String what) {
    if (r.statusCode() != status) {
      throw new AssertionError(what + ": expected " + status + ", got " + r.statusCode() + " " + r.bodyAsString());
    }
  }
}
