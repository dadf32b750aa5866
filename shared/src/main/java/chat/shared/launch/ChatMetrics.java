package chat.shared.launch;

import chat.shared.Addresses;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Metrics;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.VertxBuilder;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.micrometer.Label;
import io.vertx.micrometer.MetricsDomain;
import io.vertx.micrometer.MicrometerMetricsFactory;
import io.vertx.micrometer.MicrometerMetricsOptions;
import io.vertx.micrometer.PrometheusRequestHandler;
import io.vertx.micrometer.VertxPrometheusOptions;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * The metrics of every service, in one place: one Prometheus registry per JVM, which is both
 * the registry Vert.x's own metrics (HTTP server and client, event bus, pools, JVM) go to and a
 * member of Micrometer's global registry, where {@link chat.shared.metrics.DomainMetrics}
 * registers the domain meters. The launcher and the tests build their Vert.x through
 * {@link #builder(VertxOptions)}, so what a test scrapes is what production exposes.
 *
 * <p>Label cardinality is bounded: no paths (the route template instead), no client or peer
 * addresses, and event-bus addresses reduced to a fixed set: the internal {@code svc.*} and
 * {@code gateway.*} addresses as they are, {@code chat.{id}}, {@code chat.{id}.send} and {@code user.{id}} as those
 * templates, anything unexpected as {@value #OTHER_ADDRESS} (Vert.x's reply addresses are not
 * measured), reduced before the meters see them ({@link BoundedAddressMetrics}); and HTTP client pools, which Vert.x names by the {@code host:port} they connect to, as
 * {@value #HTTP_CLIENT_POOL}.
 */
public final class ChatMetrics {

  /** Where the gateway and the liveness port serve the Prometheus text. */
  public static final String PATH = "/metrics";
  /** The Vert.x metrics registry name (one per JVM). */
  public static final String REGISTRY_NAME = "chatbus";
  static final String CHAT_EVENTS_TEMPLATE = "chat.{id}";
  static final String CHAT_SEND_TEMPLATE = "chat.{id}.send";
  static final String USER_EVENTS_TEMPLATE = "user.{id}";
  static final String OTHER_ADDRESS = "other";
  static final String HTTP_CLIENT_POOL = "http-client";

  /** Internal addresses start with one of these, then 1 to 6 dot-separated lower-case words. */
  private static final String[] INTERNAL_PREFIXES = {"svc", "gateway"};
  private static final int MAX_INTERNAL_WORDS = 6;

  private static PrometheusMeterRegistry registry;

  private ChatMetrics() {
  }

  /** This JVM's Prometheus registry, created on first use and added to the global registry. */
  public static synchronized PrometheusMeterRegistry registry() {
    if (registry == null) {
      PrometheusMeterRegistry created = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
      // Before any meter exists: a filter only applies to meters registered after it.
      created.config().meterFilter(boundedPoolNames());
      Metrics.globalRegistry.add(created);
      registry = created;
    }
    return registry;
  }

  /** The Vert.x metrics options every service runs with. */
  public static MicrometerMetricsOptions options() {
    return new MicrometerMetricsOptions()
      .setEnabled(true)
      .setRegistryName(REGISTRY_NAME)
      .setJvmMetricsEnabled(true)
      .setPrometheusOptions(new VertxPrometheusOptions().setEnabled(true))
      // Label.HTTP_PATH, LOCAL and REMOTE are left out on purpose: one series per URL or peer.
      // NAMESPACE tells the SQL clients apart (each named as its pool): without it they share
      // one unlabelled vertx_sql_processing_pending, and only the first one registered counts.
      .setLabels(EnumSet.of(Label.HTTP_METHOD, Label.HTTP_CODE, Label.HTTP_ROUTE, Label.EB_ADDRESS,
        Label.EB_SIDE, Label.EB_FAILURE, Label.POOL_TYPE, Label.POOL_NAME, Label.NAMESPACE));
  }

  /** A Vert.x builder with these options and this JVM's registry. */
  public static VertxBuilder builder(VertxOptions options) {
    MicrometerMetricsFactory micrometer = new MicrometerMetricsFactory(registry());
    return Vertx.builder().with(withMetrics(options))
      .withMetrics(vertxOptions -> new BoundedAddressMetrics(micrometer.metrics(vertxOptions)));
  }

  /** Sets {@link #options()} on these options (returned for chaining). */
  public static VertxOptions withMetrics(VertxOptions options) {
    return options.setMetricsOptions(options());
  }

  /** A plain HTTP request handler answering the Prometheus text (the liveness port's). */
  public static Handler<HttpServerRequest> scrapeHandler() {
    return PrometheusRequestHandler.create(registry(), PATH);
  }

  /**
   * The bounded form of an event-bus address, as the {@code address} label shows it
   * ({@link BoundedAddressMetrics} gives it to the event-bus meters): asked on every message sent
   * and received, so a few character comparisons, no regex, nothing allocated.
   */
  static String addressLabel(String address) {
    if (address == null) {
      return OTHER_ADDRESS;
    }
    if (isInternal(address)) {
      return address;
    }
    if (Addresses.parseChatEvents(address).isPresent()) {
      return CHAT_EVENTS_TEMPLATE;
    }
    if (Addresses.parseChatSend(address).isPresent()) {
      return CHAT_SEND_TEMPLATE;
    }
    if (Addresses.parseUserEvents(address).isPresent()) {
      return USER_EVENTS_TEMPLATE;
    }
    return OTHER_ADDRESS;
  }

  /** Whether the address is {@code (svc|gateway)(\.[a-z]+){1,6}}, as every constant in Addresses is. */
  static boolean isInternal(String address) {
    for (String prefix : INTERNAL_PREFIXES) {
      if (address.startsWith(prefix)) {
        return dottedWords(address, prefix.length());
      }
    }
    return false;
  }

  /** Whether {@code address} from {@code from} on is 1 to 6 words of a dot then lower-case letters. */
  private static boolean dottedWords(String address, int from) {
    int words = 0;
    int i = from;
    int length = address.length();
    while (i < length) {
      if (address.charAt(i) != '.') {
        return false;
      }
      int start = ++i;
      while (i < length && address.charAt(i) >= 'a' && address.charAt(i) <= 'z') {
        i++;
      }
      if (i == start || ++words > MAX_INTERNAL_WORDS) {
        return false;
      }
    }
    return words >= 1;
  }

  private static MeterFilter boundedPoolNames() {
    return new MeterFilter() {
      @Override
      public Meter.Id map(Meter.Id id) {
        if (!id.getName().startsWith(MetricsDomain.NAMED_POOLS.getPrefix())
          || !"http".equals(id.getTag(Label.POOL_TYPE.toString()))) {
          return id;
        }
        return retag(id, Label.POOL_NAME.toString(), name -> HTTP_CLIENT_POOL);
      }
    };
  }

  private static Meter.Id retag(Meter.Id id, String key, UnaryOperator<String> bound) {
    String value = id.getTag(key);
    if (value == null) {
      return id;
    }
    String bounded = bound.apply(value);
    if (bounded.equals(value)) {
      return id;
    }
    List<Tag> tags = new ArrayList<>();
    for (Tag tag : id.getTagsAsIterable()) {
      tags.add(key.equals(tag.getKey()) ? Tag.of(key, bounded) : tag);
    }
    return id.replaceTags(tags);
  }
}
