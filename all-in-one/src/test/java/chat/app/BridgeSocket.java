package chat.app;

import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonObject;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * A raw WebSocket client of the SockJS bridge ({@code /eventbus/websocket}) speaking the
 * event-bus bridge frames, as the official JavaScript client does. Received frames queue up
 * for the test thread.
 */
final class BridgeSocket implements AutoCloseable {

  final WebSocketClient client;
  final WebSocket socket;
  final BlockingQueue<JsonObject> frames = new LinkedBlockingQueue<>();
  /**
   * Frames taken off {@link #frames} but not consumed yet, oldest first; read before the queue.
   * Only the test thread touches it, so frames the WebSocket adds meanwhile can never get ahead
   * of frames put back (putting them back into the queue itself raced with new arrivals).
   */
  private final Deque<JsonObject> held = new ArrayDeque<>();
  volatile boolean closed;

  private BridgeSocket(WebSocketClient client, WebSocket socket) {
    this.client = client;
    this.socket = socket;
    try {
      // The bridge writes its frames as binary WebSocket messages on the raw transport; accept both.
      socket.textMessageHandler(text -> frames.add(new JsonObject(text)));
      socket.binaryMessageHandler(data -> frames.add(data.toJsonObject()));
      socket.closeHandler(v -> closed = true);
    } catch (IllegalStateException alreadyClosed) {
      // The server may close a socket right at the handshake (e.g. its user was deactivated).
      closed = true;
    }
  }

  static BridgeSocket open(Vertx vertx, int port, MultiMap headers) {
    WebSocketClient client = vertx.createWebSocketClient();
    WebSocketConnectOptions options = new WebSocketConnectOptions()
      .setHost("127.0.0.1").setPort(port).setURI("/eventbus/websocket").setHeaders(headers);
    try {
      // Handlers are attached on the socket's event loop, before it can deliver anything.
      return client.connect(options).map(ws -> new BridgeSocket(client, ws)).await(10, TimeUnit.SECONDS);
    } catch (java.util.concurrent.TimeoutException e) {
      throw new AssertionError("bridge connect timed out", e);
    }
  }

  void write(JsonObject frame) {
    socket.writeTextMessage(frame.encode());
  }

  void register(String address) {
    write(new JsonObject().put("type", "register").put("address", address));
  }

  /** Sends with a reply address; returns the reply address to look for. */
  String send(String address, Object body, JsonObject headers) {
    String replyAddress = UUID.randomUUID().toString();
    JsonObject frame = new JsonObject().put("type", "send").put("address", address)
      .put("body", body).put("replyAddress", replyAddress);
    if (headers != null) {
      frame.put("headers", headers);
    }
    write(frame);
    return replyAddress;
  }

  void publish(String address, Object body) {
    write(new JsonObject().put("type", "publish").put("address", address).put("body", body));
  }

  /** The next frame matching, waiting up to the timeout; other frames are kept. */
  JsonObject await(Predicate<JsonObject> matching, long timeoutMs) throws InterruptedException {
    long deadline = System.currentTimeMillis() + timeoutMs;
    List<JsonObject> skipped = new ArrayList<>();
    try {
      while (true) {
        long left = deadline - System.currentTimeMillis();
        JsonObject frame = !held.isEmpty() ? held.pollFirst()
          : left <= 0 ? null : frames.poll(left, TimeUnit.MILLISECONDS);
        if (frame == null) {
          throw new AssertionError("no matching frame within " + timeoutMs + " ms; got " + skipped);
        }
        if (matching.test(frame)) {
          return frame;
        }
        skipped.add(frame);
      }
    } finally {
      // Keep unmatched frames, in order, ahead of later ones.
      for (int i = skipped.size() - 1; i >= 0; i--) {
        held.addFirst(skipped.get(i));
      }
    }
  }

  /** The reply (rec or err) to a send. */
  JsonObject reply(String replyAddress) throws InterruptedException {
    return await(f -> replyAddress.equals(f.getString("address")), 10_000);
  }

  /** The next {@code err} frame without an address (a refusal). */
  JsonObject refusal() throws InterruptedException {
    return await(f -> "err".equals(f.getString("type")) && f.getString("address") == null, 10_000);
  }

  /** The next chat event of this type on this address. */
  JsonObject event(String address, String type) throws InterruptedException {
    return await(f -> "rec".equals(f.getString("type")) && address.equals(f.getString("address"))
      && f.getJsonObject("body") != null && type.equals(f.getJsonObject("body").getString("type")), 10_000);
  }

  /** Frames received on an address within the wait, without consuming others. */
  List<JsonObject> drain(String address, long waitMs) throws InterruptedException {
    Thread.sleep(waitMs);
    List<JsonObject> all = new ArrayList<>(held);
    held.clear();
    frames.drainTo(all);
    List<JsonObject> matching = new ArrayList<>();
    for (JsonObject f : all) {
      if (address.equals(f.getString("address"))) {
        matching.add(f);
      } else {
        held.addLast(f);
      }
    }
    return matching;
  }

  /** Registers and waits until the registration is in place (a ping round-trip is not enough: use a probe). */
  void ping() {
    write(new JsonObject().put("type", "ping"));
  }

  @Override
  public void close() {
    try {
      socket.close().await(5, TimeUnit.SECONDS);
    } catch (Exception ignored) {
      // already closed by the server
    }
    client.close();
  }
}
