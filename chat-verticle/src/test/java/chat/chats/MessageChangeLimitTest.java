package chat.chats;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import chat.shared.Addresses;
import chat.shared.ErrorCode;
import chat.shared.ServiceError;
import chat.shared.Settings;
import io.vertx.core.json.JsonObject;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Edits, deletes and reactions take from the sender's message budget (each is a durable change
 * with a seq, kept as long as the chat): a flood of them is refused like a flood of sends.
 */
class MessageChangeLimitTest extends ChatTestBase {

  private static final int BURST = 3;
  private static final int PER_SECOND = 1;

  @Override
  JsonObject config() {
    return super.config().put(Settings.MESSAGE_BURST, BURST).put(Settings.MESSAGES_PER_SECOND, PER_SECOND);
  }

  @Test
  void changesBeyondTheBudgetAreRateLimitedAndTakeNoSeq() throws Exception {
    long chatId = createChat(ALICE, "limited", BOB).getLong("id");
    long messageId = send(ALICE, chatId, "one").getLong("id");
    long started = System.nanoTime();
    int passed = 1;
    int limited = 0;
    for (int i = 0; i < 12; i++) {
      JsonObject request = new JsonObject().put("user_id", ALICE).put("chat_id", chatId).put("message_id", messageId);
      try {
        if (i % 2 == 0) {
          call(Addresses.CHAT_MESSAGE_EDIT, request.put("content", "edit " + i));
        } else {
          call(Addresses.CHAT_REACTION_ADD, request.put("emoji", new String(Character.toChars(0x1F600 + i))));
        }
        passed++;
      } catch (ServiceError e) {
        assertEquals(ErrorCode.RATE_LIMITED, e.code(), e.getMessage());
        assertTrue(e.retryAfterSeconds() >= 1);
        limited++;
      }
    }
    double seconds = (System.nanoTime() - started) / (double) TimeUnit.SECONDS.toNanos(1);
    assertTrue(limited > 0, "changes beyond the budget are refused");
    assertTrue(passed <= BURST + Math.ceil(seconds * PER_SECOND) + 1, passed + " passed in " + seconds + " s");
    // Every change that passed took exactly one seq (the send took the first); refused ones none.
    assertEquals(passed, getChat(BOB, chatId).getLong("last_seq"));
  }
}
