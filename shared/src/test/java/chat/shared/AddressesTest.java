package chat.shared;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The hand-written address parsers accept exactly what the bridge permissions (regexes) accept. */
class AddressesTest {

  private static final List<String> SAMPLES = List.of(
    "chat.1", "chat.42", "chat.999999999999999999", "chat.1000000000000000000", "chat.0", "chat.01",
    "chat.-1", "chat.+1", "chat.1a", "chat.a1", "chat.", "chat", "chatX1", "Chat.1", "chat..1", "chat.1.",
    "chat.1.send", "chat.01.send", "chat.1.send.x", "chat.1.x", "chat.1.sen", "chat..send", "chat.send",
    "chat.1 .send", " chat.1", "chat.1 ", "chat.1\n", "chat.١", "svc.chat.create", "__vertx.reply.1", "");

  @Test
  void parsersAgreeWithThePermissionRegexes() {
    List<String> inputs = new ArrayList<>(SAMPLES);
    Random random = new Random(7);
    String alphabet = "chat.send0123456789x-";
    for (int i = 0; i < 20_000; i++) {
      StringBuilder b = new StringBuilder(random.nextBoolean() ? "chat." : "");
      int n = random.nextInt(24);
      for (int j = 0; j < n; j++) {
        b.append(alphabet.charAt(random.nextInt(alphabet.length())));
      }
      inputs.add(b.toString());
    }
    for (String input : inputs) {
      assertEquals(input.matches(Addresses.CHAT_EVENTS_REGEX), Addresses.parseChatEvents(input).isPresent(), input);
      assertEquals(input.matches(Addresses.CHAT_SEND_REGEX), Addresses.parseChatSend(input).isPresent(), input);
    }
  }

  @Test
  void parsedIdsRoundTrip() {
    for (long id : new long[] {1, 42, 1234567890123L, 999_999_999_999_999_999L}) {
      assertEquals(OptionalLong.of(id), Addresses.parseChatEvents(Addresses.chatEvents(id)));
      assertEquals(OptionalLong.of(id), Addresses.parseChatSend(Addresses.chatSend(id)));
    }
    assertTrue(Addresses.parseChatEvents(null).isEmpty());
    assertTrue(Addresses.parseChatSend(null).isEmpty());
  }
}
