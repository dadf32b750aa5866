package chat.gateway;

import io.vertx.core.Vertx;
import io.vertx.core.http.Cookie;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.shareddata.LocalMap;
import io.vertx.core.shareddata.Shareable;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.sockjs.SockJSSocket;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Binds each xhr SockJS session ({@code /eventbus/{server}/{session}/xhr...}) to the session
 * cookie of the request that opened it, so a later request of that SockJS session is served
 * only with the same cookie: whoever knows (or chose) a SockJS session id cannot send into or
 * read from it as the user who opened it. A SockJS session acts as the user of its opening
 * request whatever later requests carry, so this is the only place the cookie is checked.
 *
 * <p>Bound when the bridge sees the socket created (synchronously inside the opening request),
 * released when it closes. Kept in a map of the Vert.x instance, like vertx-web's own map of
 * SockJS sessions, so it holds for every gateway verticle instance of the process. The cookie
 * is kept as a SHA-256 digest only.
 */
final class SockJSSessionBindings {

  /** {@code /eventbus/{server}/{session}/{transport}} (normalised): the SockJS session id is group 1. */
  static final Pattern SESSION_PATH = Pattern.compile("^/eventbus/[^/.]+/([^/.]+)/([^/.]+)$");
  private static final String MAP_NAME = "chat.gateway.sockjs-bindings";
  private static final String XHR = "xhr";
  private static final String XHR_STREAMING = "xhr_streaming";

  private record Binding(byte[] cookieDigest, SockJSSocket socket) implements Shareable {
  }

  private final LocalMap<String, Binding> bindings;

  SockJSSessionBindings(Vertx vertx) {
    this.bindings = vertx.sharedData().getLocalMap(MAP_NAME);
  }

  /** Binds the socket's SockJS session (xhr transports only) to the cookie of its opening request. */
  void bind(SockJSSocket socket) {
    String id = xhrSessionId(socket);
    if (id != null) {
      bindings.put(id, new Binding(digest(socket.routingContext().request()), socket));
    }
  }

  /** Forgets the socket's binding (its SockJS session ended). */
  void release(SockJSSocket socket) {
    String id = xhrSessionId(socket);
    if (id != null) {
      Binding binding = bindings.get(id);
      if (binding != null && binding.socket == socket) {
        bindings.remove(id, binding);
      }
    }
  }

  /** Whether a SockJS session of this id is open (bound). */
  boolean isBound(String sessionId) {
    return bindings.get(sessionId) != null;
  }

  /** Whether the request may act in the SockJS session: unbound (being opened), or same cookie. */
  boolean mayUse(String sessionId, HttpServerRequest request) {
    Binding binding = bindings.get(sessionId);
    return binding == null || MessageDigest.isEqual(binding.cookieDigest, digest(request));
  }

  /** The socket of an open SockJS session, or null. */
  SockJSSocket socket(String sessionId) {
    Binding binding = bindings.get(sessionId);
    return binding == null ? null : binding.socket;
  }

  /**
   * The SockJS session id of a socket opened by an xhr transport; null for WebSocket transports.
   * Read from the opening request's path as vertx-web routed it (normalised), as the guard reads
   * every later request's ({@link SockJSRequestGuard} lets no other spelling through).
   */
  private static String xhrSessionId(SockJSSocket socket) {
    RoutingContext opening = socket.routingContext();
    if (opening == null) {
      return null;
    }
    Matcher m = SESSION_PATH.matcher(opening.normalizedPath());
    if (!m.matches()) {
      return null;
    }
    String transport = m.group(2);
    return XHR.equals(transport) || XHR_STREAMING.equals(transport) ? m.group(1) : null;
  }

  private static byte[] digest(HttpServerRequest request) {
    Cookie cookie = request.getCookie(GatewayVerticle.SESSION_COOKIE);
    // No cookie binds too: an anonymous SockJS session stays anonymous.
    String value = cookie == null ? "" : "=" + cookie.getValue();
    try {
      return MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every JVM", e);
    }
  }
}
