package chat.bench.gen;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import java.util.List;

/**
 * The REST half of the public contract, per user: the user's cookies go with every request,
 * and the {@code XSRF-TOKEN} cookie is echoed in {@code X-XSRF-TOKEN} on every POST and DELETE.
 */
public final class Rest {

  static final long TIMEOUT_MS = 30_000;
  private final WebClient web;
  private final String host;
  private final int port;

  public Rest(WebClient web, String host, int port) {
    this.web = web;
    this.host = host;
    this.port = port;
  }

  public Future<HttpResponse<Buffer>> call(BenchUser u, HttpMethod method, String path, JsonObject body) {
    HttpRequest<Buffer> req = web.request(method, port, host, path).timeout(TIMEOUT_MS);
    String cookie = u.cookieHeader();
    if (cookie != null) {
      req.putHeader("Cookie", cookie);
    }
    String xsrf = u.cookie("XSRF-TOKEN");
    if (xsrf != null && method != HttpMethod.GET) {
      req.putHeader("X-XSRF-TOKEN", xsrf);
    }
    Future<HttpResponse<Buffer>> sent = body == null ? req.send() : req.sendJsonObject(body);
    return sent.map(resp -> {
      u.absorb(resp.cookies());
      return resp;
    });
  }

  /** A call that must answer {@code status}; its JSON body. */
  public Future<JsonObject> expect(BenchUser u, HttpMethod method, String path, JsonObject body, int status) {
    return call(u, method, path, body).compose(resp -> {
      if (resp.statusCode() != status) {
        String text = resp.bodyAsString();
        return Future.failedFuture(method + " " + path + " as " + u.username + ": HTTP " + resp.statusCode()
          + (text == null ? "" : " " + text.substring(0, Math.min(200, text.length()))));
      }
      Buffer b = resp.bodyAsBuffer();
      return Future.succeededFuture(b == null || b.length() == 0 ? new JsonObject() : b.toJsonObject());
    });
  }

  /** CSRF token, register (student), login: the user ends up with a session cookie. */
  public Future<BenchUser> signUp(BenchUser u) {
    return csrf(u)
      .compose(v -> expect(u, HttpMethod.POST, "/api/auth/register", new JsonObject()
        .put("username", u.username).put("email", u.username + "@bench.example")
        .put("password", u.password).put("user_type", "student"), 201))
      .map(user -> {
        u.id = user.getLong("id", 0L);
        return u;
      });
  }

  public Future<Void> csrf(BenchUser u) {
    return call(u, HttpMethod.GET, "/api/auth/csrf", null).compose(resp -> resp.statusCode() / 100 == 2
      ? Future.succeededFuture() : Future.failedFuture("GET /api/auth/csrf: HTTP " + resp.statusCode()));
  }

  public Future<BenchUser> login(BenchUser u) {
    return expect(u, HttpMethod.POST, "/api/auth/login",
      new JsonObject().put("username", u.username).put("password", u.password), 200)
      .map(user -> {
        long id = user.getLong("id", 0L);
        if (id > 0) {
          u.id = id;
        }
        return u;
      });
  }

  /** Creates a chat with up to {@code firstBatch} members, adds the rest one request each. */
  public Future<Long> createChat(BenchUser creator, String name, List<BenchUser> others, int firstBatch,
                                 int concurrency, io.vertx.core.Vertx vertx) {
    JsonArray ids = new JsonArray();
    for (int i = 0; i < Math.min(firstBatch, others.size()); i++) {
      ids.add(others.get(i).id);
    }
    return expect(creator, HttpMethod.POST, "/api/chats",
      new JsonObject().put("name", name).put("participant_ids", ids), 201)
      .compose(chat -> {
        long chatId = chat.getLong("id");
        List<BenchUser> rest = others.subList(Math.min(firstBatch, others.size()), others.size());
        return Limited.forEach(vertx, rest, concurrency, u -> expect(creator, HttpMethod.POST,
            "/api/chats/" + chatId + "/participants", new JsonObject().put("user_id", u.id), 200))
          .map(v -> chatId);
      });
  }

  /** Sends a message over REST; the stored message's id. */
  public Future<Long> postMessage(BenchUser u, long chatId, String content, String clientId) {
    return expect(u, HttpMethod.POST, "/api/chats/" + chatId + "/messages",
      new JsonObject().put("content", content).put("client_id", clientId), 201)
      .map(m -> m.getLong("id", 0L));
  }
}
