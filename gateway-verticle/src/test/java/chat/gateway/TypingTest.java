package chat.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import chat.shared.Events;
import chat.shared.TokenBuckets;
import io.vertx.core.json.JsonObject;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The typing limit on a clock the test moves: one notice per user per chat per second. */
class TypingTest {

  private final AtomicLong now = new AtomicLong(1_000_000);
  private final TokenBuckets limits = Typing.limits(now::get);

  private boolean pass(long chatId, long userId) {
    return limits.tryTake(Typing.key(chatId, userId));
  }

  @Test
  void oneNoticePerUserPerChatPerSecondPasses() {
    assertTrue(pass(1, 7), "the first passes");
    assertFalse(pass(1, 7), "a second at once is dropped");
    now.addAndGet(999);
    assertFalse(pass(1, 7), "999 ms later still dropped");
    now.addAndGet(1);
    assertTrue(pass(1, 7), "a full second after the last one passed, the next passes");
    assertFalse(pass(1, 7));
    now.addAndGet(5_000);
    assertTrue(pass(1, 7), "a pause does not save up a burst");
    assertFalse(pass(1, 7));
  }

  @Test
  void droppedNoticesDoNotPushTheNextOneBack() {
    assertTrue(pass(1, 7));
    for (int i = 0; i < 9; i++) {
      now.addAndGet(100);
      assertFalse(pass(1, 7));
    }
    // The buckets refill in floating point at each look: ten looks may leave them a hair short
    // of a token at exactly 1000 ms, so the next one is looked for a millisecond later.
    now.addAndGet(101);
    assertTrue(pass(1, 7), "a second after the one passed, whatever was dropped meanwhile");
  }

  @Test
  void otherUsersAndOtherChatsHaveTheirOwnLimit() {
    assertTrue(pass(1, 7));
    assertTrue(pass(1, 8), "another user in the same chat");
    assertTrue(pass(2, 7), "the same user in another chat");
    assertTrue(pass(17, 1), "keys do not run together: chat 17 user 1");
    assertTrue(pass(1, 71), "chat 1 user 71");
    assertFalse(pass(1, 7));
  }

  @Test
  void limitsAreForgottenOnceTheirIntervalIsOver() {
    assertTrue(pass(1, 7));
    assertTrue(pass(2, 7));
    limits.evictFull();
    assertEquals(2, limits.size(), "within the interval: kept");
    now.addAndGet(Typing.INTERVAL_MS);
    limits.evictFull();
    assertEquals(0, limits.size());
  }

  @Test
  void theEventNamesTheChatAndTheTyperOnly() {
    JsonObject event = Typing.event(5, 7, "alice");
    assertEquals(new JsonObject().put("type", Events.TYPING).put("chat_id", 5L)
      .put("user", new JsonObject().put("id", 7L).put("username", "alice")), event);
    assertFalse(event.containsKey(Events.SEQ));
  }
}
