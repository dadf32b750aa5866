package chat.chats;

import static chat.chats.WriterUnderTest.on;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import chat.shared.ErrorCode;
import chat.shared.ServiceError;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The writer's failure path, which the public operations cannot provoke: a member without a
 * {@code users} row makes the batch's INSERT violate a foreign key, so the whole batch must roll
 * back; each of its sends is then tried alone, so only the bad one fails INTERNAL and the others
 * are stored and published; nothing is published for the bad one, and the writer keeps working.
 * On both stores.
 */
@ExtendWith(VertxExtension.class)
class MessageWriterRollbackTest {

  private static final long ALICE = WriterUnderTest.ALICE;
  private static final long GHOST = 77;

  @TempDir
  Path dataDir;

  @Test
  void oneBadSendFailsAloneAndTheRestOfItsBatchIsStored(Vertx vertx) throws Exception {
    WriterUnderTest w = WriterUnderTest.open(vertx, dataDir, "fragile");
    long chatId = w.chatId;
    Context context = w.context;
    Membership membership = w.membership;
    MessageWriter writer = w.writer;
    ChatStore store = w.store;
    List<JsonObject> events = w.subscribe(vertx);

    // The ghost is a member in memory only: its message cannot be stored. Submitted in one turn
    // of the event loop, the three sends make one batch.
    on(context, () -> {
      membership.add(chatId, List.of(ALICE, GHOST));
      return Future.succeededFuture();
    });
    List<Future<JsonObject>> sends = on(context, () -> Future.succeededFuture(List.of(
      writer.submit(chatId, ALICE, "good, in a bad batch", "same-key"),
      writer.submit(chatId, GHOST, "bad", null),
      writer.submit(chatId, ALICE, "good too", null))));
    on(context, () -> Future.join(sends).transform(ar -> Future.succeededFuture()));
    assertTrue(sends.get(0).succeeded(), () -> String.valueOf(sends.get(0).cause()));
    assertTrue(sends.get(1).failed());
    assertEquals(ErrorCode.INTERNAL, ServiceError.from(sends.get(1).cause()).code());
    assertTrue(sends.get(2).succeeded(), () -> String.valueOf(sends.get(2).cause()));
    JsonObject first = sends.get(0).result();
    JsonObject third = sends.get(2).result();
    assertEquals("good, in a bad batch", first.getString("content"));
    assertEquals("good too", third.getString("content"));
    assertTrue(first.getLong("id") < third.getLong("id"), "stored in the order sent");
    assertEquals(List.of(first.getLong("id"), third.getLong("id")),
      on(context, () -> store.newest(chatId, 10)).messages().stream().map(StoredMessage::id).toList());
    // Committed: one batch for each good send (the failed batch and the bad send alone are not counted).
    assertEquals(2, writer.batchesCommitted());

    // The client_id of a send stored alone still finds its message.
    JsonObject again = on(context, () -> writer.submit(chatId, ALICE, "a retry", "same-key"));
    assertEquals(first, again);
    JsonObject after = on(context, () -> writer.submit(chatId, ALICE, "after the failure", "other-key"));
    assertEquals(List.of(first.getLong("id"), third.getLong("id"), after.getLong("id")),
      on(context, () -> store.newest(chatId, 10)).messages().stream().map(StoredMessage::id).toList());
    awaitCount(events, 3);
    assertEquals(List.of(first, third, after), events.stream().map(e -> e.getJsonObject("message")).toList());

    w.close();
  }

  /**
   * A failed batch is answered by what the database holds, looked up by id; a row under the
   * batch's id that some other writer stored is not the batch's message. (Only this service
   * writes chat.db; the foreign row stands for any commit whose outcome is not the batch's.)
   */
  @Test
  @Tag("sqlite-only")
  void aFailedBatchIsNotAnsweredWithAnotherRowUnderItsId(Vertx vertx) throws Exception {
    WriterUnderTest w = WriterUnderTest.open(vertx, dataDir, "contested");
    long chatId = w.chatId;
    Context context = w.context;
    MessageWriter writer = w.writer;
    on(context, () -> {
      w.membership.add(chatId, List.of(ALICE));
      return Future.succeededFuture();
    });
    List<JsonObject> events = w.subscribe(vertx);

    // Another connection takes the id the writer will give its next message.
    try (java.sql.Connection other = java.sql.DriverManager.getConnection("jdbc:sqlite:" + dataDir.resolve(SqliteChatDatabase.FILE_NAME));
         java.sql.Statement s = other.createStatement()) {
      s.execute("PRAGMA busy_timeout = 5000");
      s.execute("INSERT INTO messages (id, chat_id, sender_id, content, created_at) VALUES (1, " + chatId + ", 1, 'elsewhere', 0)");
    }
    Future<JsonObject> refused = on(context, () -> Future.succeededFuture(writer.submit(chatId, ALICE, "mine", "mine-1")));
    on(context, () -> refused.transform(ar -> Future.succeededFuture()));
    assertTrue(refused.failed(), "not answered with the other row");
    assertEquals(ErrorCode.INTERNAL, ServiceError.from(refused.cause()).code());

    // The next batch reads the next id again and is stored and published; nothing was published for id 1.
    JsonObject after = on(context, () -> writer.submit(chatId, ALICE, "mine", "mine-1"));
    assertEquals(2, after.getLong("id"));
    awaitAny(events);
    assertEquals(List.of(after), events.stream().map(e -> e.getJsonObject("message")).toList());

    w.close();
  }

  /** Waits (10 s at most) until something was published. */
  private static void awaitAny(List<JsonObject> events) throws InterruptedException {
    awaitCount(events, 1);
  }

  /** Waits (10 s at most) until {@code count} events were published. */
  private static void awaitCount(List<JsonObject> events, int count) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (events.size() < count && System.nanoTime() < deadline) {
      Thread.sleep(5);
    }
  }
}
