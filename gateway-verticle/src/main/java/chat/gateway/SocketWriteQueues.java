package chat.gateway;

import chat.shared.metrics.DomainMetrics;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.impl.HttpServerConnection;
import io.vertx.ext.web.handler.sockjs.SockJSSocket;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Bounds what each bridge socket may hold in the gateway's memory: the bytes of the frames this
 * gateway wrote to it that have not left for the network yet (a write's future completes when
 * its frame was handed to the operating system, whatever the transport buffers in between:
 * the WebSocket's channel, an xhr-streaming response, an xhr-polling session's queue between
 * polls). A socket whose queue would go over the bound is a client that does not read: it is
 * closed at once (it could only fall further behind; it reconnects and fetches what it missed
 * with {@code after=}) and counted as a slow consumer.
 *
 * <p>Also counts the event frames written, for {@code gateway.deliveries.written}; reported in
 * batches by {@link #reportMetrics} so a fan-out does not touch the meter registry per socket.
 * Used from the gateway verticle's event loop only.
 */
final class SocketWriteQueues {

  private static final Logger LOG = LoggerFactory.getLogger(SocketWriteQueues.class);

  /** One socket's queue: the bytes written to it and not yet handed to the operating system. */
  final class Queue {
    private final SockJSSocket socket;
    private long pendingBytes;
    private boolean closed;

    private Queue(SockJSSocket socket) {
      this.socket = socket;
    }

    /** Writes an event frame (counted as a delivery). */
    void deliver(Buffer frame) {
      if (write(frame)) {
        unreportedDeliveries++;
      }
    }

    /**
     * Writes a frame unless the socket is closed or closing; closes the socket instead when the
     * frame would take its queue over the bound. True when the frame was written.
     */
    boolean write(Buffer frame) {
      if (closed) {
        return false;
      }
      int size = frame.length();
      if (pendingBytes + size > maxBytes) {
        closed = true;
        DomainMetrics.slowConsumerClosed();
        LOG.debug("Closing a bridge socket from {}: {} bytes not taken by the client", socket.remoteAddress(), pendingBytes);
        closeHard(socket);
        return false;
      }
      pendingBytes += size;
      socket.write(frame).onComplete(ar -> pendingBytes -= size);
      return true;
    }

    /** The socket closed: nothing more is written to it. */
    void closed() {
      closed = true;
    }
  }

  private final long maxBytes;
  private int unreportedDeliveries;

  SocketWriteQueues(long maxBytes) {
    this.maxBytes = maxBytes;
  }

  /** The queue of a socket just opened. */
  Queue open(SockJSSocket socket) {
    return new Queue(socket);
  }

  void reportMetrics() {
    if (unreportedDeliveries > 0) {
      DomainMetrics.deliveriesWritten(unreportedDeliveries);
      unreportedDeliveries = 0;
    }
  }

  /**
   * Closes the socket and drops the TCP connection it opened with. A polite close never ends
   * for a client that does not read: Vert.x sends the close frame (or the end of the response)
   * behind everything still queued and waits for it to be flushed, keeping the whole queue in
   * memory. Closing the channel itself discards it. For the WebSocket transports the opening
   * request's connection is the socket's; for xhr-streaming it is the first streaming response.
   */
  static void closeHard(SockJSSocket socket) {
    socket.close();
    HttpConnection connection = socket.routingContext().request().connection();
    if (connection instanceof HttpServerConnection) {
      ((HttpServerConnection) connection).channelHandlerContext().channel().close();
    }
  }
}
