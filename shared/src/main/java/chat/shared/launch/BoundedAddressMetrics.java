package chat.shared.launch;

import io.vertx.core.Vertx;
import io.vertx.core.datagram.DatagramSocketOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.net.NetClientOptions;
import io.vertx.core.net.NetServerOptions;
import io.vertx.core.net.SocketAddress;
import io.vertx.core.spi.metrics.ClientMetrics;
import io.vertx.core.spi.metrics.DatagramSocketMetrics;
import io.vertx.core.spi.metrics.EventBusMetrics;
import io.vertx.core.spi.metrics.HttpClientMetrics;
import io.vertx.core.spi.metrics.HttpServerMetrics;
import io.vertx.core.spi.metrics.PoolMetrics;
import io.vertx.core.spi.metrics.TCPMetrics;
import io.vertx.core.spi.metrics.VertxMetrics;

/**
 * Vert.x's metrics (vertx-micrometer's) with every event-bus address reduced to its bounded label
 * ({@link ChatMetrics#addressLabel}) before the meters see it. Each message sent, published,
 * received or delivered looks its meter up by its address: given {@code chat.{id}} instead of
 * {@code chat.1234}, Micrometer finds the meter in its cache by that id at once, where a filter
 * on the registry maps (and allocates) a new id for every chat's every message. Everything else
 * is vertx-micrometer's, unchanged.
 */
final class BoundedAddressMetrics implements VertxMetrics {

  /** The prefix of Vert.x's own addresses, which vertx-micrometer does not measure. */
  static final String VERTX_INTERNAL = "__vertx.";

  private final VertxMetrics delegate;

  BoundedAddressMetrics(VertxMetrics delegate) {
    this.delegate = delegate;
  }

  @Override
  public EventBusMetrics<?> createEventBusMetrics() {
    EventBusMetrics<?> bus = delegate.createEventBusMetrics();
    return bus == null ? null : new BoundedEventBus<>(bus);
  }

  @Override
  public HttpServerMetrics<?, ?, ?> createHttpServerMetrics(HttpServerOptions options, SocketAddress localAddress) {
    return delegate.createHttpServerMetrics(options, localAddress);
  }

  @Override
  public ClientMetrics<?, ?, ?> createClientMetrics(SocketAddress remoteAddress, String type, String namespace) {
    return delegate.createClientMetrics(remoteAddress, type, namespace);
  }

  @Override
  public HttpClientMetrics<?, ?, ?> createHttpClientMetrics(HttpClientOptions options) {
    return delegate.createHttpClientMetrics(options);
  }

  @Override
  public TCPMetrics<?> createNetServerMetrics(NetServerOptions options, SocketAddress localAddress) {
    return delegate.createNetServerMetrics(options, localAddress);
  }

  @Override
  public TCPMetrics<?> createNetClientMetrics(NetClientOptions options) {
    return delegate.createNetClientMetrics(options);
  }

  @Override
  public DatagramSocketMetrics createDatagramSocketMetrics(DatagramSocketOptions options) {
    return delegate.createDatagramSocketMetrics(options);
  }

  @Override
  public PoolMetrics<?, ?> createPoolMetrics(String poolType, String poolName, int maxPoolSize) {
    return delegate.createPoolMetrics(poolType, poolName, maxPoolSize);
  }

  @Override
  public void vertxCreated(Vertx vertx) {
    delegate.vertxCreated(vertx);
  }

  @Override
  public boolean isMetricsEnabled() {
    return delegate.isMetricsEnabled();
  }

  @Override
  public void close() {
    delegate.close();
  }

  /** The event-bus meters, each call given the bounded address. */
  private static final class BoundedEventBus<H> implements EventBusMetrics<H> {

    private final EventBusMetrics<H> delegate;

    BoundedEventBus(EventBusMetrics<H> delegate) {
      this.delegate = delegate;
    }

    @Override
    public H handlerRegistered(String address) {
      return delegate.handlerRegistered(bound(address));
    }

    @Override
    public void handlerUnregistered(H handler) {
      delegate.handlerUnregistered(handler);
    }

    @Override
    public void scheduleMessage(H handler, boolean local) {
      delegate.scheduleMessage(handler, local);
    }

    @Override
    public void discardMessage(H handler, boolean local, Message<?> msg) {
      delegate.discardMessage(handler, local, msg);
    }

    @Override
    public void messageDelivered(H handler, boolean local) {
      delegate.messageDelivered(handler, local);
    }

    @Override
    public void messageSent(String address, boolean publish, boolean local, boolean remote) {
      delegate.messageSent(bound(address), publish, local, remote);
    }

    @Override
    public void messageReceived(String address, boolean publish, boolean local, int handlers) {
      delegate.messageReceived(bound(address), publish, local, handlers);
    }

    @Override
    public void messageWritten(String address, int numberOfBytes) {
      delegate.messageWritten(bound(address), numberOfBytes);
    }

    @Override
    public void messageRead(String address, int numberOfBytes) {
      delegate.messageRead(bound(address), numberOfBytes);
    }

    @Override
    public void replyFailure(String address, ReplyFailure failure) {
      delegate.replyFailure(bound(address), failure);
    }

    @Override
    public void close() {
      delegate.close();
    }
  }

  /**
   * The address as its meters show it. Vert.x's own addresses (replies: {@value #VERTX_INTERNAL}...)
   * pass as they are, so that vertx-micrometer leaves them out as before.
   */
  static String bound(String address) {
    return address != null && address.startsWith(VERTX_INTERNAL) ? address : ChatMetrics.addressLabel(address);
  }
}
