package chat.chats;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import chat.shared.ErrorCode;
import chat.shared.ServiceError;
import chat.shared.Settings;
import io.vertx.core.json.JsonObject;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The per-user send limit lives in the chat service, the one place every send passes whichever
 * gateway took it. A token bucket of {@value #BURST} refilled at {@value #PER_SECOND} per second.
 */
class SendRateLimitTest extends ChatTestBase {

  private static final int BURST = 3;
  private static final int PER_SECOND = 1;

  @Override
  JsonObject config() {
    return super.config().put(Settings.MESSAGE_BURST, BURST).put(Settings.MESSAGES_PER_SECOND, PER_SECOND);
  }

  @Test
  void sendsBeyondTheBurstAreRateLimitedPerUserBeforeAnythingIsQueued() throws Exception {
    long chatId = createChat(ALICE, "limited", BOB).getLong("id");
    int attempts = 12;
    int stored = 0;
    int limited = 0;
    long started = System.nanoTime();
    for (int i = 0; i < attempts; i++) {
      try {
        send(ALICE, chatId, "burst " + i);
        stored++;
      } catch (ServiceError e) {
        assertEquals(ErrorCode.RATE_LIMITED, e.code(), e.getMessage());
        // At 1 token a second the next send can pass within a second: Retry-After says 1.
        assertEquals(1, e.retryAfterSeconds(), "retry_after of a refused send");
        limited++;
      }
    }
    double seconds = (System.nanoTime() - started) / (double) TimeUnit.SECONDS.toNanos(1);
    // One bucket: never more than the burst plus what refilled meanwhile, whatever the speed.
    assertTrue(stored >= BURST, "the burst is allowed: " + stored);
    assertTrue(stored <= BURST + Math.ceil(seconds * PER_SECOND), stored + " stored in " + seconds + " s");
    assertTrue(limited > 0, "sends beyond the burst are refused");
    assertEquals(stored, allMessages(ALICE, chatId).size(), "a refused send stores nothing");
    // Another user has a budget of its own.
    assertEquals("bob's own", send(BOB, chatId, "bob's own").getString("content"));
  }
}
