package chat.gateway;

import chat.shared.ErrorCode;
import chat.shared.ServiceError;
import chat.shared.metrics.DomainMetrics;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.sockjs.SockJSSocket;
import io.vertx.ext.web.handler.sockjs.Transport;
import java.io.IOException;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The SockJS requests the bridge serves, decided before vertx-web's SockJS handler sees them:
 *
 * <ul>
 *   <li>one spelling of each SockJS request: vertx-web routes on the normalised path ({@code .}
 *       and {@code ..} segments removed, {@code //} folded, escapes of unreserved characters
 *       decoded) and decodes the session id it finds there, so a path that is not already
 *       normalised, or that holds a percent-escape, answers 404; a {@code param0} query
 *       parameter, which vertx-web's transports take as the session id instead of the path's,
 *       answers 400. sockjs-client sends neither; each would name another SockJS session than
 *       the one checked here;</li>
 *   <li>only the websocket, xhr-streaming and xhr-polling transports (the contract's): htmlfile,
 *       jsonp and eventsource are opened by a GET a foreign page can make by navigation, without
 *       {@code Origin}, with the user's cookie; they, and the iframe page that drives them,
 *       answer 404;</li>
 *   <li>every request of an open xhr SockJS session must carry the session cookie of the
 *       request that opened it ({@link SockJSSessionBindings}); otherwise 403, and an
 *       {@code xhr_send} to a SockJS session that is not open answers 404;</li>
 *   <li>an {@code xhr_send} body larger than the frame limit answers 413, and its SockJS
 *       session gets an {@code err} frame and is closed, as an oversized WebSocket frame;</li>
 *   <li>an {@code xhr_send} body must be a JSON array of strings (the client's frames), else 400:
 *       vertx-web answers a broken one with a 500, and fails on a {@code null} in it with an
 *       ERROR logged, dropping the frames after it. The SockJS session stays open.</li>
 * </ul>
 */
final class SockJSRequestGuard implements Handler<RoutingContext> {

  /** The transports' path names vertx-web serves that the contract does not keep. */
  private static final Set<String> REFUSED_TRANSPORTS = Set.of("htmlfile", "jsonp", "jsonp_send", "eventsource");
  /** The iframe pages, and the final slash vertx-web's exact route {@code /iframe.html} ignores. */
  private static final Pattern IFRAME = Pattern.compile("^/eventbus/iframe[^/]*\\.html/?$");
  private static final String XHR_SEND = "xhr_send";
  /** The parameter vertx-web's transports read the SockJS session id from: the path's, unless the query has one. */
  private static final String SESSION_PARAM = "param0";
  /** The same parser as vertx-web's SockJS codec (no comments, unlike Vert.x's own JSON). */
  private static final JsonFactory JSON = new JsonFactory();

  /** The transports vertx-web is told not to serve (the guard refuses them first anyway). */
  static final List<String> DISABLED_TRANSPORTS =
    List.of(Transport.EVENT_SOURCE.name(), Transport.HTML_FILE.name(), Transport.JSON_P.name());

  private final SockJSSessionBindings bindings;
  private final int maxFrameBytes;

  SockJSRequestGuard(SockJSSessionBindings bindings, int maxFrameBytes) {
    this.bindings = bindings;
    this.maxFrameBytes = maxFrameBytes;
  }

  @Override
  public void handle(RoutingContext ctx) {
    // What vertx-web routes on; decided only when it is also what the client sent.
    String path = ctx.normalizedPath();
    if (!path.equals(ctx.request().path()) || path.indexOf('%') >= 0) {
      refuse(ctx, "path", ServiceError.notFound("SockJS resource"));
      return;
    }
    if (ctx.request().params().contains(SESSION_PARAM)) {
      refuse(ctx, "session_param", ServiceError.validation(SESSION_PARAM, "is not a parameter of the bridge"));
      return;
    }
    if (IFRAME.matcher(path).matches()) {
      refuse(ctx, "transport", ServiceError.notFound("Transport"));
      return;
    }
    Matcher m = SockJSSessionBindings.SESSION_PATH.matcher(path);
    if (!m.matches()) {
      // /eventbus/info, /eventbus/websocket, ...
      ctx.next();
      return;
    }
    String sessionId = m.group(1);
    String transport = m.group(2);
    if (REFUSED_TRANSPORTS.contains(transport)) {
      refuse(ctx, "transport", ServiceError.notFound("Transport"));
      return;
    }
    if (!bindings.mayUse(sessionId, ctx.request())) {
      refuse(ctx, "session_binding",
        new ServiceError(ErrorCode.FORBIDDEN, "This SockJS session was opened with another session cookie"));
      return;
    }
    if (XHR_SEND.equals(transport)) {
      if (!bindings.isBound(sessionId)) {
        refuse(ctx, "unknown_session", ServiceError.notFound("SockJS session"));
        return;
      }
      if (ctx.body().length() > maxFrameBytes) {
        SockJSSocket socket = bindings.socket(sessionId);
        if (socket != null) {
          // Closed once the err frame went out: closing first would drop it from the session's queue
          // when no poll is waiting. A client that never polls again loses it at the session timeout.
          socket.write(BridgeFrames.FRAME_TOO_LARGE).onComplete(ar -> socket.close());
        }
        refuse(ctx, "frame_too_large", new ServiceError(ErrorCode.PAYLOAD_TOO_LARGE, "Bridge frame is too large"));
        return;
      }
      if (!isArrayOfStrings(ctx.body().asString())) {
        refuse(ctx, "invalid_body", ServiceError.validation("body", "must be a JSON array of strings"));
        return;
      }
    }
    ctx.next();
  }

  /**
   * Whether an {@code xhr_send} body is a JSON array of strings and nothing after it: what
   * vertx-web's codec then decodes into the same strings, one client frame each.
   */
  private static boolean isArrayOfStrings(String body) {
    if (body == null) {
      return false;
    }
    try (JsonParser parser = JSON.createParser(body)) {
      if (parser.nextToken() != JsonToken.START_ARRAY) {
        return false;
      }
      JsonToken token;
      while ((token = parser.nextToken()) == JsonToken.VALUE_STRING) {
        // a client frame
      }
      return token == JsonToken.END_ARRAY && parser.nextToken() == null;
    } catch (IOException broken) {
      return false;
    }
  }

  private static void refuse(RoutingContext ctx, String reason, ServiceError error) {
    DomainMetrics.bridgeRejected(reason);
    ctx.fail(error);
  }
}
