package chat.chats;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import chat.shared.Addresses;
import chat.shared.ServiceBus;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

class GroupCommitTest extends ChatTestBase {

  private static final long[] SENDERS = {ALICE, BOB, CAROL, DAVE};

  @Test
  void twoHundredConcurrentSendsAreStoredPublishedInIdOrderAndShareCommits() throws Exception {
    long chatId = createChat(ALICE, "busy", BOB, CAROL, DAVE).getLong("id");
    List<JsonObject> events = recordEvents(chatId);
    long batchesBefore = verticle.batchesCommitted();

    List<JsonObject> replies = await(fireSends(bus, chatId, 200, null));

    // every send got its own stored message, ids without gaps
    List<Long> replyIds = ids(replies);
    assertEquals(200, new HashSet<>(replyIds).size());
    List<Long> sorted = replyIds.stream().sorted().collect(Collectors.toList());
    List<Long> expected = LongStream.rangeClosed(sorted.get(0), sorted.get(0) + 199).boxed().collect(Collectors.toList());
    assertEquals(expected, sorted);
    for (int i = 0; i < 200; i++) {
      assertEquals("msg " + i, replies.get(i).getString("content"));
      assertEquals(SENDERS[i % SENDERS.length], replies.get(i).getJsonObject("sender").getLong("id"));
    }

    // a single sender's messages are stored in the order its sends were accepted
    Map<Long, List<Long>> bySender = new HashMap<>();
    for (JsonObject reply : replies) {
      bySender.computeIfAbsent(reply.getJsonObject("sender").getLong("id"), s -> new ArrayList<>()).add(reply.getLong("id"));
    }
    bySender.values().forEach(ids -> assertEquals(ids.stream().sorted().collect(Collectors.toList()), ids));

    // events arrive in ascending id order, no gaps, no duplicates
    waitUntil("200 message events", () -> events.size() >= 200);
    List<Long> eventIds = events.stream().map(e -> e.getJsonObject("message").getLong("id")).collect(Collectors.toList());
    assertEquals(expected, eventIds);

    // all stored
    JsonObject page = history(ALICE, chatId, new JsonObject().put("limit", 200));
    assertEquals(expected, ids(messages(page)));
    assertFalse(page.getBoolean("has_more"));

    // several sends shared a commit
    long batches = verticle.batchesCommitted() - batchesBefore;
    assertTrue(batches >= 1 && batches < 200, "batches committed: " + batches);
    assertTrue(verticle.largestBatch() > 1, "largest batch: " + verticle.largestBatch());
    assertEquals(200, verticle.messagesStored());
  }

  @Test
  void stopCommitsWhatIsQueuedBeforeClosing() throws Exception {
    long chatId = createChat(ALICE, "closing time", BOB, CAROL, DAVE).getLong("id");
    ServiceBus impatient = new ServiceBus(vertx.eventBus(), 3_000);
    List<Long> succeeded = new ArrayList<>();
    Promise<Void> done = Promise.promise();

    vertx.runOnContext(v -> {
      List<Future<JsonObject>> replies = new ArrayList<>();
      for (int i = 0; i < 100; i++) {
        replies.add(impatient.request(Addresses.CHAT_MESSAGE_SEND, sendRequest(SENDERS[i % 4], chatId, "late " + i)));
      }
      // Undeploy as soon as the first batch committed: later sends are queued or committing.
      Future.any(replies).onComplete(first -> vertx.undeploy(deploymentId).onComplete(u -> {
        Future.join(replies).onComplete(all -> {
          replies.stream().filter(Future::succeeded).forEach(r -> succeeded.add(r.result().getLong("id")));
          done.complete();
        });
      }));
    });
    await(done.future());
    deploymentId = null;
    deploy();

    List<Long> stored = ids(allMessages(ALICE, chatId));
    assertEquals(succeeded.stream().sorted().collect(Collectors.toList()), stored);
    assertTrue(stored.size() >= 1);
  }

  /** Fires {@code count} sends from one event-loop context without waiting; replies in send order. */
  private Future<List<JsonObject>> fireSends(ServiceBus via, long chatId, int count, String prefix) {
    Promise<List<JsonObject>> all = Promise.promise();
    vertx.runOnContext(v -> {
      List<Future<JsonObject>> replies = new ArrayList<>();
      for (int i = 0; i < count; i++) {
        replies.add(via.request(Addresses.CHAT_MESSAGE_SEND,
          sendRequest(SENDERS[i % SENDERS.length], chatId, (prefix == null ? "msg " : prefix) + i)));
      }
      Future.all(replies).map(cf -> cf.<JsonObject>list()).onComplete(all);
    });
    return all.future();
  }
}
