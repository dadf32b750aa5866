package chat.cluster;

import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * A raw WebSocket client of a gateway's SockJS bridge ({@code /eventbus/websocket}) speaking the
 * event-bus bridge frames, as the JavaScript client does. Received frames queue up for the test.
 */
final class BridgeSocket implements AutoCloseable {

  private static final long WAIT_MS = 15_000;

  private final WebSocketClient client;
  private final WebSocket socket;
  private final BlockingQueue<JsonObject> frames = new LinkedBlockingQueue<>();
  private volatile boolean closed;

  private BridgeSocket(WebSocketClient client, WebSocket socket) {
    this.client = client;
    this.socket = socket;
    // The bridge writes its frames as binary WebSocket messages on the raw transport, and its
    // gateway-written ones (the subscribed confirmation) as text: accept both.
    socket.textMessageHandler(text -> frames.add(new JsonObject(text)));
    socket.binaryMessageHandler(data -> frames.add(new JsonObject(data)));
    socket.closeHandler(v -> closed = true);
  }

  static BridgeSocket open(Vertx vertx, int port, MultiMap headers) {
    WebSocketClient client = vertx.createWebSocketClient();
    WebSocketConnectOptions options = new WebSocketConnectOptions()
      .setHost("127.0.0.1").setPort(port).setURI("/eventbus/websocket").setHeaders(headers);
    try {
      return new BridgeSocket(client, client.connect(options).await(15, TimeUnit.SECONDS));
    } catch (java.util.concurrent.TimeoutException e) {
      throw new AssertionError("bridge connect to :" + port + " timed out", e);
    }
  }

  boolean isClosed() {
    return closed;
  }

  void write(JsonObject frame) {
    socket.writeTextMessage(frame.encode());
  }

  /** Registers on a chat's address and waits for the gateway's {@code subscribed} confirmation. */
  void subscribe(long chatId) throws InterruptedException {
    String address = "chat." + chatId;
    write(new JsonObject().put("type", "register").put("address", address));
    event(address, "subscribed");
  }

  void register(String address) {
    write(new JsonObject().put("type", "register").put("address", address));
  }

  /** Sends with a reply address; returns the reply address to look for. */
  String send(String address, JsonObject body) {
    String replyAddress = UUID.randomUUID().toString();
    write(new JsonObject().put("type", "send").put("address", address).put("body", body)
      .put("replyAddress", replyAddress));
    return replyAddress;
  }

  /** The next frame matching, waiting up to the timeout; other frames are kept, in order. */
  JsonObject await(Predicate<JsonObject> matching, long timeoutMs) throws InterruptedException {
    long deadline = System.currentTimeMillis() + timeoutMs;
    List<JsonObject> skipped = new ArrayList<>();
    try {
      while (true) {
        long left = deadline - System.currentTimeMillis();
        JsonObject frame = left <= 0 ? null : frames.poll(left, TimeUnit.MILLISECONDS);
        if (frame == null) {
          throw new AssertionError("no matching frame within " + timeoutMs + " ms; got " + skipped);
        }
        if (matching.test(frame)) {
          return frame;
        }
        skipped.add(frame);
      }
    } finally {
      List<JsonObject> rest = new ArrayList<>();
      frames.drainTo(rest);
      frames.addAll(skipped);
      frames.addAll(rest);
    }
  }

  /** The reply (rec or err) to a send. */
  JsonObject reply(String replyAddress) throws InterruptedException {
    return await(f -> replyAddress.equals(f.getString("address")), WAIT_MS);
  }

  /** The next {@code err} frame without an address (a refusal). */
  JsonObject refusal() throws InterruptedException {
    return await(f -> "err".equals(f.getString("type")) && f.getString("address") == null, WAIT_MS);
  }

  /** The next chat event of this type on this address. */
  JsonObject event(String address, String type) throws InterruptedException {
    return await(f -> "rec".equals(f.getString("type")) && address.equals(f.getString("address"))
      && f.getValue("body") instanceof JsonObject && type.equals(f.getJsonObject("body").getString("type")), WAIT_MS);
  }

  /** The next {@code n} message events of a chat, in arrival order. */
  List<JsonObject> messages(long chatId, int n) throws InterruptedException {
    List<JsonObject> received = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      received.add(event("chat." + chatId, "message").getJsonObject("body").getJsonObject("message"));
    }
    return received;
  }

  /** The next message event of a chat with this content (others are kept). */
  JsonObject message(long chatId, String content) throws InterruptedException {
    String address = "chat." + chatId;
    return await(f -> "rec".equals(f.getString("type")) && address.equals(f.getString("address"))
      && f.getValue("body") instanceof JsonObject && "message".equals(f.getJsonObject("body").getString("type"))
      && content.equals(f.getJsonObject("body").getJsonObject("message").getString("content")), WAIT_MS)
      .getJsonObject("body").getJsonObject("message");
  }

  /** The message events of a chat received within the wait, others left in place. */
  List<JsonObject> drainMessages(long chatId, long waitMs) throws InterruptedException {
    Thread.sleep(waitMs);
    List<JsonObject> all = new ArrayList<>();
    frames.drainTo(all);
    List<JsonObject> matching = new ArrayList<>();
    for (JsonObject f : all) {
      boolean message = ("chat." + chatId).equals(f.getString("address")) && f.getValue("body") instanceof JsonObject
        && "message".equals(f.getJsonObject("body").getString("type"));
      if (message) {
        matching.add(f.getJsonObject("body").getJsonObject("message"));
      } else {
        frames.add(f);
      }
    }
    return matching;
  }

  /** Waits until the server closed the socket. */
  void awaitClosed(long timeoutMs) throws InterruptedException {
    long deadline = System.currentTimeMillis() + timeoutMs;
    while (!closed) {
      if (System.currentTimeMillis() > deadline) {
        throw new AssertionError("socket still open after " + timeoutMs + " ms");
      }
      Thread.sleep(50);
    }
  }

  @Override
  public void close() {
    try {
      if (!closed) {
        socket.close().await(5, TimeUnit.SECONDS);
      }
    } catch (Exception ignored) {
      // closed by the server, or the gateway is gone
    }
    client.close();
  }
}
