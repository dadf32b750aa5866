package chat.bench.gen;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.http.WebSocket;
import java.io.IOException;

/**
 * One Socket.IO client on a raw WebSocket: Engine.IO v4 / Socket.IO v5 frames on
 * {@code /socket.io/?EIO=4&transport=websocket}, one packet per WebSocket text frame.
 *
 * <ul>
 *   <li>server: {@code 0{"sid":..,"pingInterval":..,"pingTimeout":..}} (Engine.IO open); the
 *       client answers {@code 40} (Socket.IO connect to the main namespace) and the socket is
 *       ready at the server's {@code 40{"sid":..}};</li>
 *   <li>server ping {@code 2}: answered with pong {@code 3} (the server, not the client, keeps
 *       the heartbeat in Engine.IO v4);</li>
 *   <li>{@code 42["join","chat.7"]}: join the room (no ack; the generator's probe proves it);</li>
 *   <li>{@code 42<ackId>["send",{"room","content","client_id"}]}: a send, acked by the server
 *       as {@code 43<ackId>[{"id":..,..}]}; {@code ackId} carries the phase tag and sequence
 *       number ({@link #ACK_SPLIT}), so no map is needed;</li>
 *   <li>{@code 42["message",{"id","room","content","client_id"}]}: a delivery to the room.</li>
 * </ul>
 * The peer server is {@code bench/peers/socketio/server.js}.
 */
public final class SocketIoSocket extends BenchSocket {

  public static final String PATH = "/socket.io/?EIO=4&transport=websocket";
  /** ackId = tag * ACK_SPLIT + seq: an integer well inside JavaScript's exact range. */
  static final long ACK_SPLIT = 100_000_000L;
  private static final JsonFactory JSON = new JsonFactory();

  private final Promise<BenchSocket> ready = Promise.promise();
  private long id;
  private String content;
  private String error;

  SocketIoSocket(Session session, WebSocket ws, BenchUser user, int receiver) {
    super(session, ws, user, receiver);
    ws.textMessageHandler(this::onText);
    ws.binaryMessageHandler(b -> session.count("sio_binary_frame"));
  }

  @Override
  protected void onClosed() {
    ready.tryFail("closed before the Socket.IO connect");
  }

  /** Completes when the server confirmed the Socket.IO connect ({@code 40{...}}). */
  Future<BenchSocket> ready() {
    return ready.future();
  }

  private void onText(String t) {
    long now = System.nanoTime();
    if (t.isEmpty()) {
      session.count("sio_empty_frame");
      return;
    }
    switch (t.charAt(0)) {
      case '4':
        onSocketIo(t, now);
        break;
      case '2':
        ws.writeTextMessage("3");
        break;
      case '0':
        ws.writeTextMessage("40");
        break;
      case '1':
        session.count("sio_engine_close");
        break;
      default:
        session.count("sio_unknown:" + t.charAt(0));
    }
  }

  private void onSocketIo(String t, long now) {
    if (t.length() < 2) {
      session.count("sio_short_packet");
      return;
    }
    char kind = t.charAt(1);
    if (kind == '2') {
      // 42["message",{...}]
      if (parse(t, 2, true) && content != null) {
        delivered(content, id, now);
      } else {
        session.count("sio_unparsable_event");
      }
    } else if (kind == '3') {
      // 43<ackId>[{...}]
      int i = 2;
      while (i < t.length() && Character.isDigit(t.charAt(i))) {
        i++;
      }
      long ackId;
      try {
        ackId = Long.parseLong(t, 2, i, 10);
      } catch (NumberFormatException e) {
        session.count("sio_bad_ack");
        return;
      }
      int tag = (int) (ackId / ACK_SPLIT);
      int seq = (int) (ackId % ACK_SPLIT);
      if (!parse(t, i, false)) {
        session.count("sio_bad_ack");
      } else if (error != null || id <= 0) {
        refused(tag, seq, error == null ? "no id" : error);
      } else {
        acked(tag, seq, id, now);
      }
    } else if (kind == '0') {
      ready.tryComplete(this);
    } else if (kind == '4') {
      session.count("sio_connect_error");
      ready.tryFail("Socket.IO connect refused: " + t);
    } else if (kind == '1') {
      session.count("sio_disconnect");
    } else {
      session.count("sio_unknown:4" + kind);
    }
  }

  /** Reads {@code [name?, {id, content, error}]} from {@code t} at {@code from}. */
  private boolean parse(String t, int from, boolean named) {
    id = 0;
    content = null;
    error = null;
    try (JsonParser p = JSON.createParser(t.substring(from))) {
      if (p.nextToken() != JsonToken.START_ARRAY) {
        return false;
      }
      if (named) {
        if (p.nextToken() != JsonToken.VALUE_STRING || !"message".equals(p.getText())) {
          return false;
        }
      }
      if (p.nextToken() != JsonToken.START_OBJECT) {
        return false;
      }
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String name = p.currentName();
        p.nextToken();
        switch (name) {
          case "id":
            id = p.getValueAsLong();
            break;
          case "content":
            content = p.getValueAsString();
            break;
          case "error":
            error = p.getValueAsString();
            break;
          default:
            p.skipChildren();
        }
      }
      return true;
    } catch (IOException | RuntimeException e) {
      return false;
    }
  }

  @Override
  public void register(long chatId) {
    ws.writeTextMessage("42[\"join\",\"chat." + chatId + "\"]");
  }

  /** A bench message emitted as {@code send} with an ack id that carries the phase and sequence. */
  @Override
  protected void writeSend(Phase phase, long chatId, int seq, String content) {
    ws.writeTextMessage("42" + (phase.tag * ACK_SPLIT + seq) + "[\"send\",{\"room\":\"chat." + chatId
      + "\",\"content\":\"" + content + "\",\"client_id\":\"" + phase.tag + "-" + seq + "\"}]");
  }

  @Override
  public void ping() {
    // Engine.IO v4: the server pings, onText answers.
  }
}
