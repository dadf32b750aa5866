package chat.browser;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetSocket;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A TCP relay on a free loopback port in front of the gateway, for a browser whose network must
 * fail for real.
 *
 * <ul>
 *   <li>{@link #cut()} closes every connection through it (the page's SockJS WebSocket included)
 *   and refuses new ones until {@link #restore()}. Chrome's own offline emulation (DevTools
 *   {@code Network.emulateNetworkConditions}) leaves an open WebSocket untouched, so it cannot
 *   stand in for a dropped socket.</li>
 *   <li>{@link #dropNextFrameContaining} loses one WebSocket frame from the server on an open
 *   socket, as a lossy middlebox would, so the page sees a seq jump without any reconnect. To
 *   read the frames, the relay removes {@code Sec-WebSocket-Extensions} from the upgrade request
 *   (no per-message compression).</li>
 * </ul>
 * The browser sees the relay's origin; the gateway takes it as its own (the Host header names
 * the relay), as behind any TCP load balancer.
 */
final class CuttableProxy implements AutoCloseable {

  private static final byte[] END_OF_HEADERS = "\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1);

  private final NetServer server;
  private final NetClient client;
  private final Set<NetSocket> sockets = ConcurrentHashMap.newKeySet();
  private final AtomicReference<String> dropMarker = new AtomicReference<>();
  private final AtomicInteger dropped = new AtomicInteger();
  private final AtomicInteger webSockets = new AtomicInteger();
  private volatile boolean down;

  private CuttableProxy(Vertx vertx, int targetPort) {
    this.client = vertx.createNetClient();
    this.server = vertx.createNetServer().connectHandler(in -> {
      if (down) {
        in.close();
        return;
      }
      in.pause();
      client.connect(targetPort, "127.0.0.1").onComplete(ar -> {
        if (ar.failed() || down) {
          in.close();
          if (ar.succeeded()) {
            ar.result().close();
          }
          return;
        }
        NetSocket out = ar.result();
        sockets.add(in);
        sockets.add(out);
        in.closeHandler(v -> { sockets.remove(in); out.close(); });
        out.closeHandler(v -> { sockets.remove(out); in.close(); });
        Relay relay = new Relay(in, out);
        out.handler(relay::fromServer);
        in.handler(relay::fromBrowser);
        in.resume();
      });
    });
  }

  static CuttableProxy start(Vertx vertx, int targetPort) throws Exception {
    CuttableProxy proxy = new CuttableProxy(vertx, targetPort);
    proxy.server.listen(0, "127.0.0.1").await(10, TimeUnit.SECONDS);
    return proxy;
  }

  String baseUrl() {
    return "http://127.0.0.1:" + server.actualPort();
  }

  /** The network goes away: every open connection is closed, new ones are refused. */
  void cut() {
    down = true;
    for (NetSocket s : sockets) {
      s.close();
    }
  }

  /** The network is back. */
  void restore() {
    down = false;
  }

  /** The next server-to-browser WebSocket frame whose payload contains marker is not passed on. */
  void dropNextFrameContaining(String marker) {
    dropMarker.set(marker);
  }

  /** How many frames were dropped so far. */
  int dropped() {
    return dropped.get();
  }

  /** How many WebSocket upgrades went through so far. */
  int webSocketsOpened() {
    return webSockets.get();
  }

  @Override
  public void close() throws Exception {
    cut();
    server.close().await(10, TimeUnit.SECONDS);
    client.close().await(10, TimeUnit.SECONDS);
  }

  /**
   * One browser connection. Plain HTTP passes through; a WebSocket upgrade has its extensions
   * header removed, and after the server's 101 its frames are passed on one by one.
   */
  private final class Relay {
    private final NetSocket browser;
    private final NetSocket gateway;
    private Buffer request = Buffer.buffer();
    private boolean requestDone;
    private boolean webSocket;
    private Buffer response = Buffer.buffer();
    private boolean responseDone;
    private Buffer frames = Buffer.buffer();

    Relay(NetSocket browser, NetSocket gateway) {
      this.browser = browser;
      this.gateway = gateway;
    }

    void fromBrowser(Buffer data) {
      if (requestDone) {
        gateway.write(data);
        return;
      }
      request.appendBuffer(data);
      int end = indexOf(request, END_OF_HEADERS, 0);
      if (end < 0) {
        return;
      }
      requestDone = true;
      String head = request.getString(0, end, "ISO-8859-1");
      Buffer rest = request.getBuffer(end, request.length());
      if (head.toLowerCase().contains("\r\nupgrade: websocket")) {
        webSocket = true;
        webSockets.incrementAndGet();
        head = head.replaceAll("(?im)\\r\\nSec-WebSocket-Extensions:[^\\r]*", "");
      } else {
        responseDone = true; // not a WebSocket: the answer passes through as it is
      }
      gateway.write(Buffer.buffer(head, "ISO-8859-1").appendBuffer(rest));
      request = null;
    }

    void fromServer(Buffer data) {
      if (responseDone && !webSocket) {
        browser.write(data);
        return;
      }
      if (!responseDone) {
        response.appendBuffer(data);
        int end = indexOf(response, END_OF_HEADERS, 0);
        if (end < 0) {
          return;
        }
        responseDone = true;
        browser.write(response.getBuffer(0, end + END_OF_HEADERS.length));
        data = response.getBuffer(end + END_OF_HEADERS.length, response.length());
        response = null;
      }
      frames.appendBuffer(data);
      passFrames();
    }

    /** Server frames are never masked: 2 bytes, then 0, 2 or 8 bytes of length, then the payload. */
    private void passFrames() {
      for (;;) {
        if (frames.length() < 2) {
          return;
        }
        int len7 = frames.getByte(1) & 0x7f;
        int header = len7 == 126 ? 4 : len7 == 127 ? 10 : 2;
        if (frames.length() < header) {
          return;
        }
        long length = len7 == 126 ? frames.getUnsignedShort(2) : len7 == 127 ? frames.getLong(2) : len7;
        if (frames.length() < header + length) {
          return;
        }
        int total = (int) (header + length);
        Buffer frame = frames.getBuffer(0, total);
        frames = frames.getBuffer(total, frames.length());
        String marker = dropMarker.get();
        if (marker != null && frame.getString(header, total, "UTF-8").contains(marker)
          && dropMarker.compareAndSet(marker, null)) {
          dropped.incrementAndGet();
          continue;
        }
        browser.write(frame);
      }
    }
  }

  private static int indexOf(Buffer haystack, byte[] needle, int from) {
    outer:
    for (int i = from; i <= haystack.length() - needle.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (haystack.getByte(i + j) != needle[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }
}
