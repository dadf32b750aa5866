package chat.bench.gen;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * Everything the generator holds for one target during one scenario: REST and WebSocket
 * clients, the open sockets (pinged every 5 s so the bridge does not drop them), the phase
 * being measured and counters of unexpected frames.
 */
public final class Session implements AutoCloseable {

  static final String WS_PATH = "/eventbus/websocket";
  private static final long PING_EVERY_MS = 5_000;
  private static final int PING_SLICES = 5;

  public final Vertx vertx;
  public final Target target;
  public final Rest rest;
  private final WebClient web;
  private final List<WebSocketClient> wsClients = new ArrayList<>();
  private final ConcurrentLinkedQueue<BenchSocket> sockets = new ConcurrentLinkedQueue<>();
  private final Map<String, LongAdder> counters = new ConcurrentHashMap<>();
  private final AtomicLong closedUnexpectedly = new AtomicLong();
  private volatile Phase phase;
  private volatile boolean closing;
  private final long pingTimer;
  private long pingTick;

  /**
   * @param sourceAddresses local addresses to spread WebSocket connections over (null or empty: the OS picks)
   */
  public Session(Vertx vertx, Target target, List<String> sourceAddresses) {
    this.vertx = vertx;
    this.target = target;
    URI uri = target.uri;
    this.web = WebClient.create(vertx, new WebClientOptions()
        .setDefaultHost(uri.getHost()).setDefaultPort(uri.getPort())
        .setTcpNoDelay(true).setKeepAlive(true).setConnectTimeout(10_000)
        .setUserAgent("chatbus-bench"),
      new PoolOptions().setHttp1MaxSize(64));
    this.rest = new Rest(web, uri.getHost(), uri.getPort());
    List<String> sources = sourceAddresses == null || sourceAddresses.isEmpty() ? List.of("") : sourceAddresses;
    for (String source : sources) {
      WebSocketClientOptions o = new WebSocketClientOptions()
        .setDefaultHost(uri.getHost()).setDefaultPort(uri.getPort())
        .setMaxConnections(1_000_000).setTcpNoDelay(true).setConnectTimeout(10_000)
        .setMaxFrameSize(1 << 20).setMaxMessageSize(1 << 22);
      if (!source.isEmpty()) {
        Loopback.require(source);
        o.setLocalAddress(source);
      }
      wsClients.add(vertx.createWebSocketClient(o));
    }
    // One timer pings a fifth of the sockets each second: every socket every 5 s, spread out.
    this.pingTimer = vertx.setPeriodic(PING_EVERY_MS / PING_SLICES, id -> pingSlice());
  }

  private void pingSlice() {
    long slice = pingTick++ % PING_SLICES;
    int i = 0;
    for (BenchSocket s : sockets) {
      if (i++ % PING_SLICES == slice) {
        s.ping();
      }
    }
  }

  /** Opens a bridge socket for a logged-in user; {@code receiver} is its index for loss counting. */
  public Future<BridgeSocket> open(BenchUser user, int receiver) {
    WebSocketClient client = wsClients.get(Math.floorMod(user.index, wsClients.size()));
    WebSocketConnectOptions o = new WebSocketConnectOptions()
      .setHost(target.uri.getHost()).setPort(target.uri.getPort()).setURI(WS_PATH)
      .setAllowOriginHeader(false).setTimeout(30_000);
    String cookie = user.cookieHeader();
    if (cookie != null) {
      o.addHeader("Cookie", cookie);
    }
    return client.connect(o).map(ws -> {
      BridgeSocket s = new BridgeSocket(this, ws, user, receiver);
      sockets.add(s);
      return s;
    });
  }

  /**
   * Opens a socket in the target's own protocol: a bridge socket (system, floor; needs a
   * logged-in user for the system) or a Socket.IO socket, completed once the server confirmed
   * the Socket.IO connect.
   */
  public Future<BenchSocket> openPeer(BenchUser user, int receiver) {
    if (!target.isSocketIo()) {
      return open(user, receiver).map(b -> b);
    }
    WebSocketClient client = wsClients.get(Math.floorMod(user.index, wsClients.size()));
    WebSocketConnectOptions o = new WebSocketConnectOptions()
      .setHost(target.uri.getHost()).setPort(target.uri.getPort()).setURI(SocketIoSocket.PATH)
      .setAllowOriginHeader(false).setTimeout(30_000);
    return client.connect(o).compose(ws -> {
      SocketIoSocket s = new SocketIoSocket(this, ws, user, receiver);
      sockets.add(s);
      return s.ready();
    });
  }

  void onClosed(BenchSocket s) {
    sockets.remove(s);
    if (!closing) {
      closedUnexpectedly.incrementAndGet();
    }
  }

  public int openSockets() {
    return sockets.size();
  }

  public long closedUnexpectedly() {
    return closedUnexpectedly.get();
  }

  public Phase phase() {
    return phase;
  }

  public void phase(Phase p) {
    this.phase = p;
  }

  void count(String what) {
    counters.computeIfAbsent(what, k -> new LongAdder()).increment();
  }

  /** Unexpected frames and errors seen so far, by kind. */
  public Map<String, Long> counters() {
    Map<String, Long> out = new TreeMap<>();
    counters.forEach((k, v) -> out.put(k, v.sum()));
    if (closedUnexpectedly.get() > 0) {
      out.put("socket_closed_by_peer", closedUnexpectedly.get());
    }
    return out;
  }

  /** Closes every socket and client; bounded by the caller's await. */
  public Future<Void> shutdown() {
    closing = true;
    vertx.cancelTimer(pingTimer);
    List<Future<Void>> all = new ArrayList<>();
    for (BenchSocket s : sockets) {
      all.add(s.close().recover(e -> Future.succeededFuture()));
    }
    return Future.join(all).<Void>mapEmpty()
      .eventually(() -> {
        List<Future<Void>> closes = new ArrayList<>();
        for (WebSocketClient c : wsClients) {
          closes.add(c.close());
        }
        web.close();
        return Future.join(closes);
      })
      .recover(e -> Future.succeededFuture());
  }

  @Override
  public void close() {
    try {
      shutdown().await(30, java.util.concurrent.TimeUnit.SECONDS);
    } catch (Exception e) {
      // Teardown is best effort: the process exits at the end of the run anyway.
    }
  }
}
