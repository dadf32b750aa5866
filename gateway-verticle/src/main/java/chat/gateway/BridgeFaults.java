package chat.gateway;

import chat.shared.metrics.DomainMetrics;
import io.netty.handler.codec.http.websocketx.CorruptedWebSocketFrameException;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import io.vertx.ext.web.handler.sockjs.SockJSSocket;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the gateway does when a bridge socket fails: the client went away abruptly, or sent
 * something the transport cannot take (a frame over the size limit). Such faults are the
 * client's, expected, and logged at debug only; the socket is always closed, so no socket is
 * left open and silent (its close then clears its registrations as for any close). An
 * oversized frame is answered first with {@code {"type":"err","body":"frame_too_large"}}.
 * Installed as every bridge socket's exception handler by {@link BridgeProtocol}.
 */
final class BridgeFaults {

  private static final Logger LOG = LoggerFactory.getLogger(BridgeFaults.class);
  /** Vert.x's own words when a fragmented WebSocket message outgrows the server's message size. */
  private static final String MESSAGE_TOO_LARGE = "max message size";

  private BridgeFaults() {
  }

  static void failed(SockJSSocket socket, Throwable failure) {
    if (isFrameTooLarge(failure)) {
      DomainMetrics.bridgeRejected("frame_too_large");
      LOG.debug("Bridge socket from {} sent a frame over the limit; closing it", socket.remoteAddress());
      socket.write(BridgeFrames.FRAME_TOO_LARGE);
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
}
