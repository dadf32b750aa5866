package chat.bench.gen;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.WebSocket;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One browser-like bridge connection on the raw {@code /eventbus/websocket} transport. It
 * reads the frames the server sends (text or binary, the raw transport writes binary) and
 * reports deliveries, acks and errors to the session's current {@link Phase}.
 */
public final class BridgeSocket {

  /** Receiver index in the current scenario (for loss counting); -1 when it receives nothing measured. */
  public final int receiver;
  public final BenchUser user;
  private final Session session;
  private final WebSocket ws;
  private final Frame frame = new Frame();
  private final Content.Decoded decoded = new Content.Decoded();
  private final AtomicInteger inflight = new AtomicInteger();
  private volatile Runnable onReply;
  private volatile boolean closed;

  BridgeSocket(Session session, WebSocket ws, BenchUser user, int receiver) {
    this.session = session;
    this.ws = ws;
    this.user = user;
    this.receiver = receiver;
    ws.binaryMessageHandler(this::onBinary);
    ws.textMessageHandler(this::onText);
    ws.closeHandler(v -> {
      closed = true;
      session.onClosed(this);
    });
    ws.exceptionHandler(e -> session.count("socket_exception"));
  }

  private void onBinary(Buffer buf) {
    long now = System.nanoTime();
    if (frame.parse(buf.getBytes())) {
      dispatch(now);
    } else {
      session.count("unparsable_frame");
    }
  }

  private void onText(String text) {
    long now = System.nanoTime();
    if (frame.parse(text)) {
      dispatch(now);
    } else {
      session.count("unparsable_frame");
    }
  }

  private void dispatch(long now) {
    Phase phase = session.phase();
    if ("rec".equals(frame.type)) {
      if (Content.parseReplyAddress(frame.address, decoded)) {
        inflight.decrementAndGet();
        if (phase != null && decoded.phase == phase.tag) {
          phase.onAck(decoded.seq, frame.messageId, now, false);
        } else {
          session.count("late_ack");
        }
        Runnable r = onReply;
        if (r != null) {
          r.run();
        }
      } else if ("message".equals(frame.bodyType)) {
        if (!Content.decode(frame.content, decoded)) {
          session.count("foreign_message");
        } else if (phase != null && decoded.phase == phase.tag) {
          phase.onDelivery(receiver, decoded.seq, frame.messageId, decoded.nanos, now);
        } else {
          session.count("late_delivery");
        }
      }
      // Other event types (participant_added, ...) are ignored, as the contract says clients do.
    } else if ("err".equals(frame.type)) {
      if (Content.parseReplyAddress(frame.address, decoded)) {
        inflight.decrementAndGet();
        if (phase != null && decoded.phase == phase.tag) {
          phase.onSendFailed(decoded.seq);
        }
        session.count("send_err:" + (frame.failureMessage != null ? frame.failureMessage : frame.failureCode));
        Runnable r = onReply;
        if (r != null) {
          r.run();
        }
      } else {
        session.count("err:" + frame.bodyText);
      }
    }
  }

  public void register(String address) {
    ws.writeTextMessage("{\"type\":\"register\",\"address\":\"" + address + "\"}");
  }

  /**
   * Sends a bench message to {@code chat.{chatId}.send} with a reply address; false (and
   * nothing sent) when {@code maxInflight} replies are already outstanding or the socket closed.
   */
  public boolean send(Phase phase, long chatId, int group, int contentSize, int maxInflight) {
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
    String content = Content.encode(phase.tag, seq, now, contentSize);
    ws.writeTextMessage("{\"type\":\"send\",\"address\":\"chat." + chatId + ".send\",\"body\":{\"content\":\""
      + content + "\",\"client_id\":\"" + phase.tag + "-" + seq + "\"},\"replyAddress\":\""
      + Content.replyAddress(phase.tag, seq) + "\"}");
    return true;
  }

  public void ping() {
    if (!closed) {
      ws.writeTextMessage("{\"type\":\"ping\"}");
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
