package chat.bench.gen;

import io.vertx.core.Future;
import io.vertx.core.http.WebSocket;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One generator socket speaking a peer's protocol: the chatbus bridge ({@link BridgeSocket},
 * for the system and the floor) or Socket.IO ({@link SocketIoSocket}). The scenarios see only
 * this: register on a chat, send a timestamped bench message with an acknowledgement, and the
 * deliveries and acks it reads go to the session's current {@link Phase}, so loss counting,
 * timestamps and percentiles are the same code for every peer.
 */
public abstract class BenchSocket {

  /** Receiver index in the current scenario (for loss counting); -1 when it receives nothing measured. */
  public final int receiver;
  public final BenchUser user;
  protected final Session session;
  protected final WebSocket ws;
  protected final AtomicInteger inflight = new AtomicInteger();
  private final Content.Decoded decoded = new Content.Decoded();
  private volatile Runnable onReply;
  protected volatile boolean closed;

  protected BenchSocket(Session session, WebSocket ws, BenchUser user, int receiver) {
    this.session = session;
    this.ws = ws;
    this.user = user;
    this.receiver = receiver;
    ws.closeHandler(v -> {
      closed = true;
      onClosed();
      session.onClosed(this);
    });
    ws.exceptionHandler(e -> session.count("socket_exception"));
  }

  /** Called once when the connection closed, before the session hears of it. */
  protected void onClosed() {
  }

  /** Starts receiving the chat's events ({@code chatId} as in {@code chat.{id}}). */
  public abstract void register(long chatId);

  /**
   * Sends a bench message to chat {@code chatId} with an acknowledgement; false (and nothing
   * sent) when {@code maxInflight} acks are already outstanding or the socket closed.
   */
  public final boolean send(Phase phase, long chatId, int group, int contentSize, int maxInflight) {
    if (closed || inflight.get() >= maxInflight) {
      phase.refused.increment();
      return false;
    }
    int seq = phase.nextSeq(group);
    if (seq < 0) {
      return false;
    }
    long now = System.nanoTime();
    phase.sent(seq, now);
    inflight.incrementAndGet();
    writeSend(phase, chatId, seq, Content.encode(phase.tag, seq, now, contentSize));
    return true;
  }

  /** Writes one admitted send of {@code content} (sequence {@code seq} of the phase), in this protocol's frames. */
  protected abstract void writeSend(Phase phase, long chatId, int seq, String content);

  /** Keeps the socket alive where the client has to (the bridge); a no-op where the server pings. */
  public abstract void ping();

  /** A delivery of a chat message read at {@code now}. */
  protected final void delivered(String content, long messageId, long now) {
    Phase phase = session.phase();
    if (!Content.decode(content, decoded)) {
      session.count("foreign_message");
    } else if (phase != null && decoded.phase == phase.tag) {
      phase.onDelivery(receiver, decoded.seq, messageId, decoded.nanos, now);
    } else {
      session.count("late_delivery");
    }
  }

  /** The acknowledgement of this socket's send (phase tag, seq) with the stored message id. */
  protected final void acked(int tag, int seq, long messageId, long now) {
    inflight.decrementAndGet();
    Phase phase = session.phase();
    if (phase != null && tag == phase.tag) {
      phase.onAck(seq, messageId, now, false);
    } else {
      session.count("late_ack");
    }
    replied();
  }

  /** The refusal of this socket's send (phase tag, seq). */
  protected final void refused(int tag, int seq, String why) {
    inflight.decrementAndGet();
    Phase phase = session.phase();
    if (phase != null && tag == phase.tag) {
      phase.onSendFailed(seq);
    }
    session.count("send_err:" + why);
    replied();
  }

  private void replied() {
    Runnable r = onReply;
    if (r != null) {
      r.run();
    }
  }

  public void onReply(Runnable r) {
    this.onReply = r;
  }

  public int inflight() {
    return inflight.get();
  }

  public boolean isClosed() {
    return closed || ws.isClosed();
  }

  public Future<Void> close() {
    closed = true;
    return ws.isClosed() ? Future.succeededFuture() : ws.close();
  }
}
