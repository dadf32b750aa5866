package chat.gateway;

import chat.shared.metrics.DomainMetrics;
import io.netty.handler.codec.http.websocketx.CorruptedWebSocketFrameException;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.json.JsonArray;
import io.vertx.ext.web.handler.sockjs.SockJSSocket;
import java.lang.reflect.Field;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the gateway does when a bridge socket fails: the client went away abruptly, or sent
 * something the transport cannot take (a frame over the size limit). Such faults are the
 * client's, expected, and logged at debug only; the socket is always closed, so no socket is
 * left open and silent (its close then clears its registrations as for any close). An
 * oversized frame is answered first with {@code {"type":"err","body":"frame_too_large"}}, on
 * every WebSocket transport. Installed as every bridge socket's exception handler by
 * {@link BridgeProtocol}.
 */
final class BridgeFaults {

  private static final Logger LOG = LoggerFactory.getLogger(BridgeFaults.class);
  /** Vert.x's own words when a fragmented WebSocket message outgrows the server's message size. */
  private static final String MESSAGE_TOO_LARGE = "max message size";
  /** The err frame and the close frame as vertx-web's SockJS websocket transport frames them. */
  private static final String SOCKJS_FRAME_TOO_LARGE =
    "a" + new JsonArray().add(BridgeFrames.FRAME_TOO_LARGE.toString()).encode();
  private static final String SOCKJS_CLOSE = "c[3000,\"Go away!\"]";

  private BridgeFaults() {
  }

  static void failed(SockJSSocket socket, Throwable failure) {
    if (isFrameTooLarge(failure)) {
      DomainMetrics.bridgeRejected("frame_too_large");
      LOG.debug("Bridge socket from {} sent a frame over the limit; closing it", socket.remoteAddress());
      ServerWebSocket sockJsWebSocket = SockJSWebSocket.under(socket);
      if (sockJsWebSocket != null) {
        // vertx-web's SockJS websocket transport marks itself closed before it reports the failure,
        // so the socket drops what it is given now: the frames go to its WebSocket, SockJS-framed.
        sockJsWebSocket.writeTextMessage(SOCKJS_FRAME_TOO_LARGE);
        sockJsWebSocket.writeTextMessage(SOCKJS_CLOSE);
      } else {
        socket.write(BridgeFrames.FRAME_TOO_LARGE);
      }
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

  /**
   * The WebSocket under a socket of vertx-web's SockJS websocket transport
   * ({@code /eventbus/{server}/{session}/websocket}). vertx-web (5.0.12) offers no way to it, so it
   * is read from its private fields: the SockJS session's transport listener, and that listener's
   * WebSocket, each found by its type. {@code BridgeHardeningTest} checks it against the vertx-web
   * in use; should it stop finding them, the socket is only closed, as before.
   */
  private static final class SockJSWebSocket {

    private static final String LISTENER_TYPE = "io.vertx.ext.web.handler.sockjs.impl.TransportListener";

    private SockJSWebSocket() {
    }

    /** The WebSocket, or null: a raw WebSocket or xhr socket, or fields not found. */
    static ServerWebSocket under(SockJSSocket socket) {
      try {
        Object listener = fieldValue(socket, LISTENER_TYPE);
        Object webSocket = listener == null ? null : fieldValue(listener, ServerWebSocket.class.getName());
        return webSocket instanceof ServerWebSocket ? (ServerWebSocket) webSocket : null;
      } catch (ReflectiveOperationException | RuntimeException unreadable) {
        LOG.debug("Cannot reach the WebSocket of a SockJS socket: {}", String.valueOf(unreadable));
        return null;
      }
    }

    /** The value of the first field, in the object's class or a superclass, declared with that type. */
    private static Object fieldValue(Object target, String typeName) throws ReflectiveOperationException {
      for (Class<?> type = target.getClass(); type != null && type != Object.class; type = type.getSuperclass()) {
        for (Field field : type.getDeclaredFields()) {
          if (field.getType().getName().equals(typeName)) {
            field.setAccessible(true);
            return field.get(target);
          }
        }
      }
      return null;
    }
  }
}
