package chat.shared.launch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import chat.shared.Addresses;
import io.micrometer.core.instrument.Counter;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** The event-bus address label takes a fixed set of values, whatever addresses the bus sees. */
class ChatMetricsTest {

  @Test
  void internalAddressesKeepTheirName() {
    assertEquals(Addresses.CHAT_MESSAGE_SEND, ChatMetrics.addressLabel(Addresses.CHAT_MESSAGE_SEND));
    assertEquals(Addresses.AUTH_PING, ChatMetrics.addressLabel(Addresses.AUTH_PING));
    assertEquals(Addresses.GATEWAY_SESSION_ENDED, ChatMetrics.addressLabel(Addresses.GATEWAY_SESSION_ENDED));
  }

  @Test
  void chatAddressesCollapseToTheirTemplate() {
    assertEquals("chat.{id}", ChatMetrics.addressLabel(Addresses.chatEvents(1)));
    assertEquals("chat.{id}", ChatMetrics.addressLabel(Addresses.chatEvents(987654321L)));
    assertEquals("chat.{id}.send", ChatMetrics.addressLabel(Addresses.chatSend(42)));
    assertEquals("user.{id}", ChatMetrics.addressLabel(Addresses.userEvents(42)));
  }

  @Test
  void replyAndUnexpectedAddressesAreOther() {
    assertEquals("other", ChatMetrics.addressLabel("__vertx.reply." + UUID.randomUUID()));
    assertEquals("other", ChatMetrics.addressLabel("__vertx.reply.17"));
    assertEquals("other", ChatMetrics.addressLabel(UUID.randomUUID().toString()));
    assertEquals("other", ChatMetrics.addressLabel("chat.01"));
    assertEquals("other", ChatMetrics.addressLabel("svc.chat.123"));
    assertEquals("other", ChatMetrics.addressLabel(null));
  }

  @Test
  void eventBusMetersOfManyChatsAreOneSeries() {
    for (int id = 1; id <= 50; id++) {
      Counter.builder("vertx.eventbus.published").tag("address", Addresses.chatEvents(id))
        .register(ChatMetrics.registry()).increment();
    }
    String text = ChatMetrics.registry().scrape();
    assertTrue(text.contains("vertx_eventbus_published_total{address=\"chat.{id}\"} 50.0"), text);
    assertFalse(text.contains("address=\"chat.7\""), text);
  }
}
