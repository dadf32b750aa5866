package chat.shared.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.micrometer.core.instrument.Metrics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

/**
 * The domain meters are built once and reused: they still count every call, under their names and
 * tags, into every registry of the global registry, also one added after they were first used.
 */
class DomainMetricsTest {

  @Test
  void reusedMetersCountEveryCall() {
    SimpleMeterRegistry meters = new SimpleMeterRegistry();
    Metrics.globalRegistry.add(meters);
    try {
      DomainMetrics.commit(3, 2_000_000);
      DomainMetrics.commit(5, 4_000_000);
      DomainMetrics.messagesPersisted(3);
      DomainMetrics.messagesPersisted(5);
      DomainMetrics.rateLimited("message");
      DomainMetrics.rateLimited("message");
      DomainMetrics.rateLimited("login");

      assertEquals(2, meters.get(DomainMetrics.COMMIT_BATCH_SIZE).summary().count());
      assertEquals(8.0, meters.get(DomainMetrics.COMMIT_BATCH_SIZE).summary().totalAmount());
      assertEquals(2, meters.get(DomainMetrics.COMMIT_TIME).timer().count());
      assertEquals(8.0, meters.get(DomainMetrics.MESSAGES_PERSISTED).counter().count());
      assertEquals(2.0, meters.get(DomainMetrics.RATE_LIMITED).tag(DomainMetrics.LIMIT, "message").counter().count());
      assertEquals(1.0, meters.get(DomainMetrics.RATE_LIMITED).tag(DomainMetrics.LIMIT, "login").counter().count());
    } finally {
      Metrics.globalRegistry.remove(meters);
    }
  }

  @Test
  void aRegistryAddedLaterGetsTheMetersAlreadyInUse() {
    DomainMetrics.deliveriesWritten(1);
    DomainMetrics.bridgeRejected("origin");
    SimpleMeterRegistry later = new SimpleMeterRegistry();
    Metrics.globalRegistry.add(later);
    try {
      DomainMetrics.deliveriesWritten(4);
      DomainMetrics.bridgeRejected("origin");
      assertEquals(4.0, later.get(DomainMetrics.DELIVERIES_WRITTEN).counter().count());
      assertEquals(1.0, later.get(DomainMetrics.BRIDGE_REJECTED).tag(DomainMetrics.REASON, "origin").counter().count());
    } finally {
      Metrics.globalRegistry.remove(later);
    }
  }
}
