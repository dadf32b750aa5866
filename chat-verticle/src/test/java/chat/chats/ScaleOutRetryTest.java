package chat.chats;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import chat.shared.Addresses;
import chat.shared.Settings;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * A client_id retried through two chat instances at once (a client that timed out on one gateway
 * and retries on another while the first attempt is still under way): every attempt is answered
 * with the one stored message, never a 500, and the sends of others that shared a batch with
 * such a retry are stored as usual. Before, a batch that met another instance's copy of a key a
 * second time failed whole (INTERNAL), with the bystanders' sends in it.
 */
@Tag("postgresql-only")
class ScaleOutRetryTest extends ChatTestBase {

  private static final int ROUNDS = 8;
  private static final int KEYS = 6;
  private static final int ATTEMPTS = 6;
  private static final List<Long> RETRYING = List.of(ALICE, BOB, CAROL);
  private static final List<Long> BYSTANDERS = List.of(OLIVIA, DAVE);

  @Override
  JsonObject config() {
    return super.config().put(Settings.MESSAGES_PER_SECOND, 0);
  }

  @Test
  void aClientIdRetriedThroughSeveralInstancesAtOnceIsStoredOnceAndEveryAttemptIsAnswered() throws Exception {
    addInstance();
    long retried = createChat(ALICE, "retried", BOB, CAROL).getLong("id");
    long other = createChat(OLIVIA, "bystanders", DAVE).getLong("id");
    Map<String, Set<Long>> answered = new HashMap<>();
    int bystanderSends = 0;
    for (int round = 0; round < ROUNDS; round++) {
      List<Future<JsonObject>> sends = new ArrayList<>();
      List<String> keys = new ArrayList<>();
      for (int k = 0; k < KEYS; k++) {
        for (long user : RETRYING) {
          String key = "r" + round + "-u" + user + "-k" + k;
          for (int a = 0; a < ATTEMPTS; a++) {
            sends.add(bus.request(Addresses.CHAT_MESSAGE_SEND, sendRequest(user, retried, key).put("client_id", key)));
            keys.add(key);
          }
        }
        for (long user : BYSTANDERS) {
          String key = "b" + round + "-u" + user + "-k" + k;
          sends.add(bus.request(Addresses.CHAT_MESSAGE_SEND, sendRequest(user, other, key).put("client_id", key)));
          keys.add(key);
          bystanderSends++;
        }
      }
      Future.join(sends).await(60, TimeUnit.SECONDS);
      for (int i = 0; i < sends.size(); i++) {
        Future<JsonObject> send = sends.get(i);
        String key = keys.get(i);
        assertTrue(send.succeeded(), () -> key + ": " + send.cause());
        assertEquals(key, send.result().getString("content"));
        answered.computeIfAbsent(key, x -> new HashSet<>()).add(send.result().getLong("id"));
      }
    }
    answered.forEach((key, ids) -> assertEquals(1, ids.size(), key + " answered with one message: " + ids));
    assertEquals(ROUNDS * KEYS * RETRYING.size(), allMessages(ALICE, retried).size(), "each key stored once");
    assertEquals(bystanderSends, allMessages(OLIVIA, other).size(), "every bystander's send stored");
  }
}
