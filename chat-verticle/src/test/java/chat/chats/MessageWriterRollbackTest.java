package chat.chats;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import chat.shared.Addresses;
import chat.shared.ErrorCode;
import chat.shared.ServiceBus;
import chat.shared.ServiceError;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import io.vertx.sqlclient.Pool;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The writer's failure path, which the public operations cannot provoke: a member without a
 * {@code users} row makes the batch's INSERT violate a foreign key, so the whole batch must
 * roll back, fail INTERNAL, publish nothing, and leave the writer working.
 */
@ExtendWith(VertxExtension.class)
class MessageWriterRollbackTest {

  private static final long ALICE = 1;
  private static final long GHOST = 77;

  @TempDir
  Path dataDir;

  @Test
  void failedBatchRollsBackWholeFailsEverySendAndTheWriterKeepsWorking(Vertx vertx) throws Exception {
    ChatDatabase database = new ChatDatabase(dataDir);
    vertx.executeBlocking(() -> {
      database.migrate(dataDir);
      return null;
    }).await(20, TimeUnit.SECONDS);
    Context context = vertx.getOrCreateContext();
    Pool writerPool = on(context, () -> Future.succeededFuture(database.writerPool(vertx)));
    Pool readerPool = on(context, () -> Future.succeededFuture(database.readerPool(vertx)));
    ChatStore store = new ChatStore(writerPool, readerPool, new StorageHealth(vertx));
    Membership membership = new Membership();
    UserDirectory users = new UserDirectory(new ServiceBus(vertx.eventBus()), store);
    MessageWriter writer = new MessageWriter(vertx, store, membership, users, new ChatEvents(vertx.eventBus(), users), 2);
    UserRecord alice = new UserRecord(ALICE, "alice", "alice@example.org", "student", "2026-01-01T00:00:00.000Z", true);

    long chatId = on(context, () -> store.inTransaction(tx -> store.upsertUsers(tx, List.of(alice))
        .compose(v -> store.insertChat(tx, "fragile", ALICE, System.currentTimeMillis()))
        .compose(id -> store.insertParticipants(tx, id, List.of(ALICE), System.currentTimeMillis()).map(id)))
      .compose(id -> writer.start().map(id)));
    users.remember(List.of(alice));
    List<JsonObject> events = new CopyOnWriteArrayList<>();
    MessageConsumer<JsonObject> consumer =
      vertx.eventBus().consumer(Addresses.chatEvents(chatId), msg -> events.add(msg.body()));
    consumer.completion().await(20, TimeUnit.SECONDS);

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

    assertEquals(1, after.getLong("id"));
    assertEquals("after the failure", after.getString("content"));
    assertEquals(List.of(1L), on(context, () -> store.newest(chatId, 10)).messages().stream()
      .map(StoredMessage::id).toList());
    assertEquals(1, writer.batchesCommitted());
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (events.isEmpty() && System.nanoTime() < deadline) {
      Thread.sleep(5);
    }
    assertEquals(1, events.size());
    assertEquals(after, events.get(0).getJsonObject("message"));

    on(context, () -> writer.close().compose(v -> Future.join(writerPool.close(), readerPool.close())));
  }

  /**
   * A failed batch is answered by what the database holds, looked up by id; a row under the
   * batch's id that some other writer stored is not the batch's message. (Only this service
   * writes chat.db; the foreign row stands for any commit whose outcome is not the batch's.)
   */
  @Test
  void aFailedBatchIsNotAnsweredWithAnotherRowUnderItsId(Vertx vertx) throws Exception {
    ChatDatabase database = new ChatDatabase(dataDir);
    vertx.executeBlocking(() -> {
      database.migrate(dataDir);
      return null;
    }).await(20, TimeUnit.SECONDS);
    Context context = vertx.getOrCreateContext();
    Pool writerPool = on(context, () -> Future.succeededFuture(database.writerPool(vertx)));
    Pool readerPool = on(context, () -> Future.succeededFuture(database.readerPool(vertx)));
    ChatStore store = new ChatStore(writerPool, readerPool, new StorageHealth(vertx));
    Membership membership = new Membership();
    UserDirectory users = new UserDirectory(new ServiceBus(vertx.eventBus()), store);
    MessageWriter writer = new MessageWriter(vertx, store, membership, users, new ChatEvents(vertx.eventBus(), users), 2);
    UserRecord alice = new UserRecord(ALICE, "alice", "alice@example.org", "student", "2026-01-01T00:00:00.000Z", true);
    long chatId = on(context, () -> store.inTransaction(tx -> store.upsertUsers(tx, List.of(alice))
        .compose(v -> store.insertChat(tx, "contested", ALICE, System.currentTimeMillis()))
        .compose(id -> store.insertParticipants(tx, id, List.of(ALICE), System.currentTimeMillis()).map(id)))
      .compose(id -> writer.start().map(id)));
    users.remember(List.of(alice));
    on(context, () -> {
      membership.add(chatId, List.of(ALICE));
      return Future.succeededFuture();
    });
    List<JsonObject> events = new CopyOnWriteArrayList<>();
    MessageConsumer<JsonObject> consumer =
      vertx.eventBus().consumer(Addresses.chatEvents(chatId), msg -> events.add(msg.body()));
    consumer.completion().await(20, TimeUnit.SECONDS);

    // Another connection takes the id the writer will give its next message.
    try (java.sql.Connection other = java.sql.DriverManager.getConnection("jdbc:sqlite:" + dataDir.resolve(ChatDatabase.FILE_NAME));
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
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (events.isEmpty() && System.nanoTime() < deadline) {
      Thread.sleep(5);
    }
    assertEquals(List.of(after), events.stream().map(e -> e.getJsonObject("message")).toList());

    on(context, () -> writer.close().compose(v -> Future.join(writerPool.close(), readerPool.close())));
  }

  /** Runs {@code work} on the context and waits for its result. */
  private static <T> T on(Context context, Supplier<Future<T>> work) throws Exception {
    Promise<T> promise = Promise.promise();
    context.runOnContext(v -> work.get().onComplete(promise));
    return promise.future().await(20, TimeUnit.SECONDS);
  }
}
