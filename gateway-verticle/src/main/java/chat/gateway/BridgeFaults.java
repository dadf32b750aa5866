package chat.gateway;

import chat.shared.metrics.DomainMetrics;
import io.netty.handler.codec.http.websocketx.CorruptedWebSocketFrameException;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.handler.sockjs.SockJSSocket;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the gateway does when a bridge socket fails: the client went away abruptly, or sent
 * something the transport cannot take (a frame over the size limit). Such faults are the
 * client's, expected, and logged at debug only; the socket is always closed, so no socket is
 * left open and silent. An oversized frame is answered first with
 * {@code {"type":"err","body":"frame_too_large"}}.
 *
 * <p>vertx-web's bridge would log each of these as an ERROR with a stack trace and leave the
 * socket open after dropping its registrations (a zombie that never delivers again). This
 * handler wraps the bridge's socket handler and replaces the exception handler the bridge
 * installs on each socket; it closes the socket, and the bridge's close handler then clears
 * the socket's registrations as for any close.
 */
final class BridgeFaults implements Handler<SockJSSocket> {

  private static final Logger LOG = LoggerFactory.getLogger(BridgeFaults.class);
  /** Vert.x's own words when a fragmented WebSocket message outgrows the server's message size. */
  private static final String MESSAGE_TOO_LARGE = "max message size";

  static final JsonObject FRAME_TOO_LARGE = errFrame("frame_too_large");
  static final JsonObject TOO_MANY_SOCKETS = errFrame("too_many_sockets");

  private final Handler<SockJSSocket> bridge;
  private final Buffer frameTooLarge = FRAME_TOO_LARGE.toBuffer();

  BridgeFaults(Handler<SockJSSocket> bridge) {
    this.bridge = bridge;
  }

  @Override
  public void handle(SockJSSocket socket) {
    // The bridge installs its handlers here, after the SOCKET_CREATED event, which BridgeGuard
    // completes at once; a refused socket is closed already.
    bridge.handle(socket);
    try {
      socket.exceptionHandler(failure -> failed(socket, failure));
    } catch (IllegalStateException closed) {
      // refused at SOCKET_CREATED and closed: nothing can fail any more
    }
  }

  private void failed(SockJSSocket socket, Throwable failure) {
    if (isFrameTooLarge(failure)) {
      DomainMetrics.bridgeRejected("frame_too_large");
      LOG.debug("Bridge socket from {} sent a frame over the limit; closing it", socket.remoteAddress());
      socket.write(frameTooLarge);
    } else {
      LOG.debug("Bridge socket from {} failed ({}); closing it", socket.remoteAddress(), String.valueOf(failure));
    }
    socket.close();
  }

  private static boolean isFrameTooLarge(Throwable failure) {
    if (failure instanceof CorruptedWebSocketFrameException) {
      return ((CorruptedWebSocketFrameException) failure).closeStatus().code() == WebSocketCloseStatus.MESSAGE_TOO_BIG.code();
    }
    return failure instanceof IllegalStateException && String.valueOf(failure.getMessage()).contains(MESSAGE_TOO_LARGE);
  }

  /** An {@code err} frame without an address, as the bridge writes its own refusals. */
  static JsonObject errFrame(String body) {
    return new JsonObject().put("type", "err").put("body", body);
  }
}
