package chat.chats;

import static chat.chats.WriterUnderTest.on;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import chat.shared.ErrorCode;
import chat.shared.ServiceError;
import chat.testing.TestPostgres;
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
 * {@code users} row makes the batch's INSERT violate a foreign key, so the whole batch must
 * roll back, fail INTERNAL, publish nothing, and leave the writer working. On both stores.
 */
@ExtendWith(VertxExtension.class)
class MessageWriterRollbackTest {

  private static final long ALICE = WriterUnderTest.ALICE;
  private static final long GHOST = 77;

  @TempDir
  Path dataDir;

  @Test
  void failedBatchRollsBackWholeFailsEverySendAndTheWriterKeepsWorking(Vertx vertx) throws Exception {
    WriterUnderTest w = WriterUnderTest.open(vertx, dataDir, "fragile");
    long chatId = w.chatId;
    Context context = w.context;
    Membership membership = w.membership;
    MessageWriter writer = w.writer;
    ChatStore store = w.store;
    List<JsonObject> events = w.subscribe(vertx);

    // The ghost is a member in memory only: its message cannot be stored.
    on(context, () -> {
      membership.add(chatId, List.of(ALICE, GHOST));
      return Future.succeededFuture();
    });
    List<Future<JsonObject>> doomed = on(context, () -> Future.succeededFuture(List.of(
      writer.submit(chatId, ALICE, "good, but in a bad batch", "same-key"),
      writer.submit(chatId, GHOST, "bad", null))));
    on(context, () -> Future.join(doomed).transform(ar -> Future.succeededFuture()));
    for (Future<JsonObject> send : doomed) {
      assertTrue(send.failed());
      assertEquals(ErrorCode.INTERNAL, ServiceError.from(send.cause()).code());
    }
    assertEquals(0, on(context, () -> store.newest(chatId, 10)).messages().size());
    assertEquals(0, writer.batchesCommitted());

    JsonObject after = on(context, () -> writer.submit(chatId, ALICE, "after the failure", "same-key"));

    // SQLite counts ids in memory and gives the rolled-back ones again; PostgreSQL's sequence
    // does not give back the two the failed batch took.
    long expectedId = TestPostgres.selected() ? 3 : 1;
    assertEquals(expectedId, after.getLong("id"));
    assertEquals("after the failure", after.getString("content"));
    assertEquals(List.of(expectedId), on(context, () -> store.newest(chatId, 10)).messages().stream()
      .map(StoredMessage::id).toList());
    assertEquals(1, writer.batchesCommitted());
    awaitAny(events);
    assertEquals(1, events.size());
    assertEquals(after, events.get(0).getJsonObject("message"));

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
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (events.isEmpty() && System.nanoTime() < deadline) {
      Thread.sleep(5);
    }
  }
}
