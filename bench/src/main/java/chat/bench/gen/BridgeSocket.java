package chat.bench.gen;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.WebSocket;

/**
 * One browser-like bridge connection on the raw {@code /eventbus/websocket} transport (the
 * system and the floor). It reads the frames the server sends (text or binary, the raw
 * transport writes binary) and reports deliveries, acks and errors to the session's current
 * {@link Phase}.
 */
public final class BridgeSocket extends BenchSocket {

  private final Frame frame = new Frame();
  private final Content.Decoded decoded = new Content.Decoded();
  private volatile TypingListener typingListener;

  /** Hears the typing events this socket reads (S10). */
  public interface TypingListener {
    /** A typing event of user {@code typerId}, read at {@code now} (nanoTime) by {@code socket}. */
    void onTyping(BridgeSocket socket, long typerId, long now);
  }

  BridgeSocket(Session session, WebSocket ws, BenchUser user, int receiver) {
    super(session, ws, user, receiver);
    ws.binaryMessageHandler(this::onBinary);
    ws.textMessageHandler(this::onText);
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
    if ("rec".equals(frame.type)) {
      if (Content.parseReplyAddress(frame.address, decoded)) {
        acked(decoded.phase, decoded.seq, frame.messageId, now);
      } else if ("message".equals(frame.bodyType)) {
        delivered(frame.content, frame.messageId, now);
      } else if ("typing".equals(frame.bodyType)) {
        TypingListener l = typingListener;
        if (l != null) {
          l.onTyping(this, frame.userId, now);
        }
      }
      // Other event types (participant_added, ...) are ignored, as the contract says clients do.
    } else if ("err".equals(frame.type)) {
      if (Content.parseReplyAddress(frame.address, decoded)) {
        refused(decoded.phase, decoded.seq, frame.failureMessage != null ? frame.failureMessage
          : String.valueOf(frame.failureCode));
      } else {
        session.count("err:" + frame.bodyText);
      }
    }
  }

  @Override
  public void register(long chatId) {
    register("chat." + chatId);
  }

  public void register(String address) {
    ws.writeTextMessage("{\"type\":\"register\",\"address\":\"" + address + "\"}");
  }

  /** A bench message to {@code chat.{chatId}.send} with a reply address. */
  @Override
  protected void writeSend(Phase phase, long chatId, int seq, String content) {
    ws.writeTextMessage("{\"type\":\"send\",\"address\":\"chat." + chatId + ".send\",\"body\":{\"content\":\""
      + content + "\",\"client_id\":\"" + phase.clientId(seq) + "\"},\"replyAddress\":\""
      + Content.replyAddress(phase.tag, seq) + "\"}");
  }

  public void onTyping(TypingListener listener) {
    this.typingListener = listener;
  }

  /** A typing notice, {@code {}} to {@code chat.{chatId}.typing}, without a reply address. */
  public void sendTyping(long chatId) {
    if (!closed) {
      ws.writeTextMessage("{\"type\":\"send\",\"address\":\"chat." + chatId + ".typing\",\"body\":{}}");
    }
  }

  @Override
  public void ping() {
    if (!closed) {
      ws.writeTextMessage("{\"type\":\"ping\"}");
    }
  }
}
