package chat.shared.launch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import chat.shared.Addresses;
import io.micrometer.core.instrument.Counter;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import java.util.List;
import java.util.UUID;
import java.util.regex.Pattern;
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

  /**
   * Through a Vert.x of {@link ChatMetrics#builder}: the messages of many chats count into one
   * series, and no chat adds a meter (nor is mapped again: the meter is found by its bounded id).
   */
  @Test
  void eventBusMetersOfManyChatsAreOneSeries() {
    Vertx vertx = ChatMetrics.builder(new VertxOptions()).build();
    try {
      vertx.eventBus().publish(Addresses.chatEvents(1), "first");
      long meters = busMeters();
      double before = published("chat.{id}");
      for (int id = 2; id <= 50; id++) {
        vertx.eventBus().publish(Addresses.chatEvents(id), "x");
      }
      vertx.eventBus().publish(Addresses.chatSend(7), "x");
      assertEquals(before + 49, published("chat.{id}"));
      assertEquals(1, published("chat.{id}.send"));
      assertEquals(meters + 2, busMeters(),
        "one meter more for chat.{id}.send's published and received, none per chat");
      String text = ChatMetrics.registry().scrape();
      assertFalse(text.contains("address=\"chat.7\""), text);
      assertFalse(text.contains("__vertx"), "reply addresses stay unmeasured");
    } finally {
      vertx.close().await();
    }
  }

  @Test
  void vertxReplyAddressesPassAsTheyAre() {
    assertEquals("__vertx.reply.17", BoundedAddressMetrics.bound("__vertx.reply.17"));
    assertEquals("chat.{id}", BoundedAddressMetrics.bound(Addresses.chatEvents(3)));
    assertEquals("other", BoundedAddressMetrics.bound(null));
  }

  private static long busMeters() {
    return ChatMetrics.registry().getMeters().stream()
      .filter(meter -> meter.getId().getName().startsWith("vertx.eventbus")).count();
  }

  private static double published(String address) {
    Counter counter = ChatMetrics.registry().find("vertx.eventbus.published").tag("address", address).counter();
    return counter == null ? 0 : counter.count();
  }

  /** The label without regexes says what the address regexes of Addresses say, edge cases included. */
  @Test
  void labelsAgreeWithTheAddressRegexes() {
    Pattern internal = Pattern.compile("(svc|gateway)(\\.[a-z]+){1,6}");
    Pattern chat = Pattern.compile(Addresses.CHAT_EVENTS_REGEX);
    Pattern send = Pattern.compile(Addresses.CHAT_SEND_REGEX);
    Pattern user = Pattern.compile(Addresses.USER_EVENTS_REGEX);
    List<String> addresses = List.of("svc", "svc.", "svc.a", "svc.chat.messages.send", "svc.a.b.c.d.e.f",
      "svc.a.b.c.d.e.f.g", "svc..a", "svc.a.", "svc.A", "svc.a1", "svcx.a", "gateway", "gateway.presence",
      "gateway.presence.3f2a", "gateway.session.ended", "xsvc.a", "chat.", "chat.0", "chat.1", "chat.01",
      "chat.123456789012345678", "chat.1234567890123456789", "chat.-1", "chat.1.send", "chat.1.sends",
      "chat.1.typing", "chat.x.send", "chat..send", "user.1", "user.0", "user.1.send", "users.1", "", ".",
      "__vertx.reply.1", UUID.randomUUID().toString());
    for (String address : addresses) {
      String expected = internal.matcher(address).matches() ? address
        : chat.matcher(address).matches() ? "chat.{id}"
        : send.matcher(address).matches() ? "chat.{id}.send"
        : user.matcher(address).matches() ? "user.{id}"
        : "other";
      assertEquals(expected, ChatMetrics.addressLabel(address), address);
    }
  }
}
