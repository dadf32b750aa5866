package chat.chats;

import static org.junit.jupiter.api.Assertions.assertEquals;

import chat.shared.Settings;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

/** {@code CHAT_MESSAGE_BURST=0} disables the send limit. */
class SendRateLimitDisabledTest extends ChatTestBase {

  @Override
  JsonObject config() {
    return super.config().put(Settings.MESSAGE_BURST, 0).put(Settings.MESSAGES_PER_SECOND, 1);
  }

  @Test
  void zeroBurstMeansUnlimited() throws Exception {
    long chatId = createChat(ALICE, "unlimited").getLong("id");
    for (int i = 0; i < 40; i++) {
      send(ALICE, chatId, "free " + i);
    }
    assertEquals(40, allMessages(ALICE, chatId).size());
  }
}
