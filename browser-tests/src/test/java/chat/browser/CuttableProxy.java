package chat.browser;

import io.vertx.core.Vertx;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetSocket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * A TCP relay on a free loopback port in front of the gateway, for a browser that must lose its
 * network for real: {@link #cut()} closes every connection through it (the page's SockJS
 * WebSocket included) and refuses new ones until {@link #restore()}. Chrome's own offline
 * emulation (DevTools Network.emulateNetworkConditions) leaves an open WebSocket untouched, so
 * it cannot stand in for a dropped socket. The browser sees the relay's origin; the gateway
 * takes it as its own (the Host header names the relay), as behind any TCP load balancer.
 */
final class CuttableProxy implements AutoCloseable {

  private final NetServer server;
  private final NetClient client;
  private final Set<NetSocket> sockets = ConcurrentHashMap.newKeySet();
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
        out.handler(in::write);
        in.handler(out::write);
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

  @Override
  public void close() throws Exception {
    cut();
    server.close().await(10, TimeUnit.SECONDS);
    client.close().await(10, TimeUnit.SECONDS);
  }
}
