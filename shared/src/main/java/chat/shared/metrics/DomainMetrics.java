package chat.shared.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Metrics;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.stream.Stream;

/**
 * The domain figures operators watch, beside the Vert.x ones (HTTP, event bus, pools). Every
 * series name lives here (Micrometer dot names; Prometheus shows {@code chat.messages.persisted}
 * as {@code chat_messages_persisted_total}). Meters go to Micrometer's global registry, to which
 * the launcher adds the Prometheus registry that {@code /metrics} scrapes; without it (unit tests)
 * they count into nothing.
 */
public final class DomainMetrics {

  /** Messages stored by the chat service's writer (duplicates of a client_id not counted). */
  public static final String MESSAGES_PERSISTED = "chat.messages.persisted";
  /** Sends per group commit. */
  public static final String COMMIT_BATCH_SIZE = "chat.commit.batch.size";
  /** Time of one group commit, from BEGIN to COMMIT. */
  public static final String COMMIT_TIME = "chat.commit.time";
  /** Group commits that failed and were rolled back. */
  public static final String COMMIT_FAILURES = "chat.commit.failures";
  /** Event frames written to bridge sockets by a gateway. */
  public static final String DELIVERIES_WRITTEN = "gateway.deliveries.written";
  /** Bridge sockets open on a gateway now. */
  public static final String BRIDGE_SOCKETS_OPEN = "gateway.bridge.sockets.open";
  /** Bridge frames or requests refused, by {@code reason}. */
  public static final String BRIDGE_REJECTED = "gateway.bridge.rejected";
  /** Bridge sockets closed because the client did not read its frames (write queue over its bound). */
  public static final String SLOW_CONSUMERS_CLOSED = "gateway.bridge.slow.consumers.closed";
  /** Requests refused with 429, by {@code limit}. */
  public static final String RATE_LIMITED = "chat.rate.limited";
  /** Failed logins, by {@code reason}. */
  public static final String LOGIN_FAILURES = "auth.login.failures";
  /** Presence messages a gateway sent to the chat service, by {@code kind} (report, heartbeat, sync). */
  public static final String PRESENCE_MESSAGES = "gateway.presence.messages";
  /** Presence events the chat service published on chats, by {@code online} (true, false). */
  public static final String PRESENCE_EVENTS = "chat.presence.events";
  /**
   * Requests handed straight to a service on the caller's own event loop, not over the event bus
   * (so not in {@code vertx.eventbus.*}), by {@code address}: the all-in-one jar's message sends.
   */
  public static final String SERVICE_HANDOVERS = "chat.service.handovers";
  /**
   * Those of them that failed, by {@code address} and {@code failure}: {@code RECIPIENT_FAILURE}
   * (the service answered an error) or {@code TIMEOUT}, as {@code vertx.eventbus.replyFailures}
   * counts the requests that went over the bus.
   */
  public static final String SERVICE_HANDOVER_FAILURES = "chat.service.handover.failures";

  private static final double[] BATCH_BUCKETS = {1, 2, 5, 10, 20, 50, 100, 200, 300, 400, 500};
  private static final Duration[] TIME_BUCKETS = Stream.of(1, 2, 5, 10, 20, 50, 100, 250, 500, 1000, 2500, 5000)
    .map(Duration::ofMillis).toArray(Duration[]::new);

  public static final String REASON = "reason";
  public static final String LIMIT = "limit";
  public static final String KIND = "kind";
  public static final String ONLINE = "online";
  public static final String ADDRESS = "address";
  public static final String FAILURE = "failure";

  private static final Meters<Counter> PERSISTED = new Meters<>(tag -> Counter.builder(MESSAGES_PERSISTED)
    .description("Messages stored").register(registry()));
  // A dozen fixed buckets each (not Micrometer's ~70-bucket percentile histograms): enough for
  // histogram_quantile and the alert at 250 ms, at a fraction of the series.
  private static final Meters<DistributionSummary> BATCH_SIZE = new Meters<>(tag ->
    DistributionSummary.builder(COMMIT_BATCH_SIZE).description("Sends per group commit")
      .serviceLevelObjectives(BATCH_BUCKETS).register(registry()));
  private static final Meters<Timer> TIME = new Meters<>(tag -> Timer.builder(COMMIT_TIME)
    .description("Group commit time").serviceLevelObjectives(TIME_BUCKETS).register(registry()));
  private static final Meters<Counter> FAILURES = new Meters<>(tag -> Counter.builder(COMMIT_FAILURES)
    .description("Group commits rolled back").register(registry()));
  private static final Meters<Counter> DELIVERIES = new Meters<>(tag -> Counter.builder(DELIVERIES_WRITTEN)
    .description("Event frames written to bridge sockets").register(registry()));
  private static final Meters<Counter> REJECTED = new Meters<>(reason -> Counter.builder(BRIDGE_REJECTED)
    .description("Bridge frames and requests refused").tag(REASON, reason).register(registry()));
  private static final Meters<Counter> SLOW_CONSUMERS = new Meters<>(tag -> Counter.builder(SLOW_CONSUMERS_CLOSED)
    .description("Bridge sockets closed for not reading").register(registry()));
  private static final Meters<Counter> LIMITED = new Meters<>(limit -> Counter.builder(RATE_LIMITED)
    .description("Requests refused with 429").tag(LIMIT, limit).register(registry()));
  private static final Meters<Counter> LOGINS_FAILED = new Meters<>(reason -> Counter.builder(LOGIN_FAILURES)
    .description("Failed logins").tag(REASON, reason).register(registry()));
  private static final Meters<Counter> PRESENCE = new Meters<>(kind -> Counter.builder(PRESENCE_MESSAGES)
    .description("Presence messages sent to the chat service").tag(KIND, kind).register(registry()));
  private static final Meters<Counter> PRESENCE_PUBLISHED = new Meters<>(online -> Counter.builder(PRESENCE_EVENTS)
    .description("Presence events published on chats").tag(ONLINE, online).register(registry()));

  private static final Meters<Counter> HANDOVERS = new Meters<>(address -> Counter.builder(SERVICE_HANDOVERS)
    .description("Requests handed straight to a service on its own event loop").tag(ADDRESS, address)
    .register(registry()));
  // Keyed by address and failure, joined by a space (neither holds one).
  private static final Meters<Counter> HANDOVER_FAILURES = new Meters<>(key -> Counter.builder(SERVICE_HANDOVER_FAILURES)
    .description("Requests handed straight to a service that failed")
    .tag(ADDRESS, key.substring(0, key.indexOf(' '))).tag(FAILURE, key.substring(key.indexOf(' ') + 1))
    .register(registry()));

  private DomainMetrics() {
  }

  private static MeterRegistry registry() {
    return Metrics.globalRegistry;
  }

  public static void messagesPersisted(int count) {
    PERSISTED.get().increment(count);
  }

  public static void commit(int batchSize, long nanos) {
    BATCH_SIZE.get().record(batchSize);
    TIME.get().record(nanos, TimeUnit.NANOSECONDS);
  }

  public static void commitFailed() {
    FAILURES.get().increment();
  }

  public static void deliveriesWritten(int count) {
    DELIVERIES.get().increment(count);
  }

  /** Registers the gauge of open bridge sockets (once per gateway). */
  public static void openSockets(Supplier<Number> open) {
    Gauge.builder(BRIDGE_SOCKETS_OPEN, open).description("Bridge sockets open").register(registry());
  }

  public static void bridgeRejected(String reason) {
    REJECTED.get(reason).increment();
  }

  public static void slowConsumerClosed() {
    SLOW_CONSUMERS.get().increment();
  }

  public static void rateLimited(String limit) {
    LIMITED.get(limit).increment();
  }

  public static void loginFailed(String reason) {
    LOGINS_FAILED.get(reason).increment();
  }

  public static void presenceMessage(String kind) {
    PRESENCE.get(kind).increment();
  }

  public static void presenceEvents(boolean online, int count) {
    PRESENCE_PUBLISHED.get(Boolean.toString(online)).increment(count);
  }

  /**
   * The counter of direct hand-overs to the service at {@code address}: a service's binding takes
   * it once, at its first hand-over, and counts each later one in it (no lookup per call).
   */
  public static Counter serviceHandOvers(String address) {
    return HANDOVERS.get(address);
  }

  /** The counter of direct hand-overs to {@code address} that failed so ({@code RECIPIENT_FAILURE}, {@code TIMEOUT}): taken once. */
  public static Counter serviceHandOverFailures(String address, String failure) {
    return HANDOVER_FAILURES.get(address + ' ' + failure);
  }

  /**
   * The meters of one series, built and registered on first use (so a series shows on
   * {@code /metrics} once something counted in it, as before), then reused: no builder, no
   * registry lookup per call. They live in the global composite registry, which passes each on to
   * every registry added to it later and drops it from one removed. One meter per tag value; the
   * callers' tag values are a fixed set of constants.
   */
  private static final class Meters<M> {
    private static final String UNTAGGED = "";
    private final Function<String, M> build;
    private final ConcurrentHashMap<String, M> byTag = new ConcurrentHashMap<>();
    private volatile M untagged;

    Meters(Function<String, M> build) {
      this.build = build;
    }

    M get() {
      M meter = untagged;
      if (meter == null) {
        meter = get(UNTAGGED);
        untagged = meter;
      }
      return meter;
    }

    M get(String tag) {
      return byTag.computeIfAbsent(tag, build);
    }
  }
}
