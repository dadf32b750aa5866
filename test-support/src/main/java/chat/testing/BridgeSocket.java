package chat.testing;

import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
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
public final class BridgeSocket implements AutoCloseable {

  private static final long WAIT_MS = 15_000;
  /** Outgoing messages up to this size go as one WebSocket frame (the tests' oversized frames too). */
  private static final int LARGE_FRAMES = 1 << 20;

  private final WebSocketClient client;
  private final WebSocket socket;
  private final BlockingQueue<JsonObject> frames = new LinkedBlockingQueue<>();
  /**
   * Frames taken off {@link #frames} but not consumed yet, oldest first; read before the queue.
   * Only the test thread touches it, so frames the WebSocket adds meanwhile can never get ahead
   * of frames put back (putting them back into the queue itself raced with new arrivals).
   */
  private final Deque<JsonObject> held = new ArrayDeque<>();
  private volatile boolean closed;

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

  public static BridgeSocket open(Vertx vertx, int port, MultiMap headers) {
    return open(vertx, new WebSocketClientOptions().setMaxFrameSize(LARGE_FRAMES), port, headers);
  }

  /** Opens from a given local address (one of 127.0.0.0/8), as another client machine would. */
  public static BridgeSocket openFrom(Vertx vertx, String localAddress, int port, MultiMap headers) {
    return open(vertx, new WebSocketClientOptions().setMaxFrameSize(LARGE_FRAMES).setLocalAddress(localAddress), port, headers);
  }

  /** Opens with the given client options (local address, socket buffer sizes). */
  public static BridgeSocket open(Vertx vertx, WebSocketClientOptions clientOptions, int port, MultiMap headers) {
    WebSocketClient client = vertx.createWebSocketClient(clientOptions);
    WebSocketConnectOptions options = new WebSocketConnectOptions()
      .setHost("127.0.0.1").setPort(port).setURI("/eventbus/websocket").setHeaders(headers);
    try {
      // Handlers are attached on the socket's event loop, before it can deliver anything.
      return client.connect(options).map(ws -> new BridgeSocket(client, ws)).await(10, TimeUnit.SECONDS);
    } catch (java.util.concurrent.TimeoutException e) {
      throw new AssertionError("bridge connect timed out", e);
    }
  }

  public void write(JsonObject frame) {
    socket.writeTextMessage(frame.encode());
  }

  /** Writes a raw text message (not necessarily a valid frame). */
  public void writeText(String text) {
    socket.writeTextMessage(text);
  }

  /**
   * Stops reading: nothing more is taken from the TCP connection, so once the operating
   * system's buffers are full the server can no longer write to it (a client that never reads).
   */
  public void stopReading() {
    socket.pause();
  }

  /** Reads again after {@link #stopReading}. */
  public void resumeReading() {
    socket.resume();
  }

  /** Frames received and not consumed yet, without waiting. */
  public int queued() {
    return held.size() + frames.size();
  }

  public void register(String address) {
    write(new JsonObject().put("type", "register").put("address", address));
  }

  public void unregister(String address) {
    write(new JsonObject().put("type", "unregister").put("address", address));
  }

  /** Sends with a reply address; returns the reply address to look for. */
  public String send(String address, Object body, JsonObject headers) {
    String replyAddress = UUID.randomUUID().toString();
    JsonObject frame = new JsonObject().put("type", "send").put("address", address)
      .put("body", body).put("replyAddress", replyAddress);
    if (headers != null) {
      frame.put("headers", headers);
    }
    write(frame);
    return replyAddress;
  }

  public void publish(String address, Object body) {
    write(new JsonObject().put("type", "publish").put("address", address).put("body", body));
  }

  /** The next frame matching, waiting up to the timeout; other frames are kept. */
  public JsonObject await(Predicate<JsonObject> matching, long timeoutMs) throws InterruptedException {
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
  public JsonObject reply(String replyAddress) throws InterruptedException {
    return await(f -> replyAddress.equals(f.getString("address")), WAIT_MS);
  }

  /** The next {@code err} frame without an address (a refusal). */
  public JsonObject refusal() throws InterruptedException {
    return await(f -> "err".equals(f.getString("type")) && f.getString("address") == null, WAIT_MS);
  }

  /** The next chat event of this type on this address. */
  public JsonObject event(String address, String type) throws InterruptedException {
    return await(f -> "rec".equals(f.getString("type")) && address.equals(f.getString("address"))
      && f.getJsonObject("body") != null && type.equals(f.getJsonObject("body").getString("type")), WAIT_MS);
  }

  /**
   * Frames received on an address within the wait, without consuming others. {@code presence}
   * events are left in place, not returned: they come whenever a participant's socket opens or
   * closes (its own check may finish after another socket registered), so "nothing more
   * arrived" means nothing but presence; {@link #await} still finds them.
   */
  public List<JsonObject> drain(String address, long waitMs) throws InterruptedException {
    Thread.sleep(waitMs);
    List<JsonObject> all = new ArrayList<>(held);
    held.clear();
    frames.drainTo(all);
    List<JsonObject> matching = new ArrayList<>();
    for (JsonObject f : all) {
      if (address.equals(f.getString("address")) && !isPresence(f)) {
        matching.add(f);
      } else {
        held.addLast(f);
      }
    }
    return matching;
  }

  private static boolean isPresence(JsonObject frame) {
    Object body = frame.getValue("body");
    return body instanceof JsonObject && "presence".equals(((JsonObject) body).getString("type"));
  }

  public void ping() {
    write(new JsonObject().put("type", "ping"));
  }

  /** Sends with a reply address and no headers; returns the reply address to look for. */
  public String send(String address, Object body) {
    return send(address, body, null);
  }

  /** Registers on a chat's address and waits for the gateway's {@code subscribed} confirmation. */
  public void subscribe(long chatId) throws InterruptedException {
    register("chat." + chatId);
    event("chat." + chatId, "subscribed");
  }

  /** Registers on a user's private address and waits for the gateway's {@code subscribed} confirmation. */
  public JsonObject subscribeUser(long userId) throws InterruptedException {
    register("user." + userId);
    return event("user." + userId, "subscribed").getJsonObject("body");
  }

  /** The next {@code n} message events of a chat, in arrival order. */
  public List<JsonObject> messages(long chatId, int n) throws InterruptedException {
    List<JsonObject> received = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      received.add(event("chat." + chatId, "message").getJsonObject("body").getJsonObject("message"));
    }
    return received;
  }

  /** The next message event of a chat with this content (others are kept). */
  public JsonObject message(long chatId, String content) throws InterruptedException {
    String address = "chat." + chatId;
    return await(f -> "rec".equals(f.getString("type")) && address.equals(f.getString("address"))
      && f.getValue("body") instanceof JsonObject && "message".equals(f.getJsonObject("body").getString("type"))
      && content.equals(f.getJsonObject("body").getJsonObject("message").getString("content")), WAIT_MS)
      .getJsonObject("body").getJsonObject("message");
  }

  /** The message events of a chat received within the wait (as message objects), others kept. */
  public List<JsonObject> drainMessages(long chatId, long waitMs) throws InterruptedException {
    List<JsonObject> messages = new ArrayList<>();
    for (JsonObject f : drain("chat." + chatId, waitMs)) {
      if (f.getValue("body") instanceof JsonObject && "message".equals(f.getJsonObject("body").getString("type"))) {
        messages.add(f.getJsonObject("body").getJsonObject("message"));
      }
    }
    return messages;
  }

  public boolean isClosed() {
    return closed;
  }

  /** Waits until the server closed the socket. */
  public void awaitClosed(long timeoutMs) throws InterruptedException {
    long deadline = System.currentTimeMillis() + timeoutMs;
    while (!closed) {
      if (System.currentTimeMillis() > deadline) {
        throw new AssertionError("socket still open after " + timeoutMs + " ms");
      }
      Thread.sleep(20);
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
