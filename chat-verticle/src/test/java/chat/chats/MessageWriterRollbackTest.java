package chat.chats;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import chat.shared.Addresses;
import chat.shared.ErrorCode;
import chat.shared.ServiceBus;
import chat.shared.ServiceError;
import chat.shared.Settings;
import chat.testing.TestPostgres;
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

  private static final long ALICE = 1;
  private static final long GHOST = 77;
  private static final UserRecord ALICE_RECORD =
    new UserRecord(ALICE, "alice", "alice@example.org", "student", "2026-01-01T00:00:00.000Z", true);

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

  /** A writer on a fresh chat.db, with one chat whose only stored participant is alice. */
  private static final class WriterUnderTest {
    final Context context;
    final Pool writerPool;
    final Pool readerPool;
    final ChatStore store;
    final Membership membership = new Membership();
    final MessageWriter writer;
    long chatId;

    private WriterUnderTest(Vertx vertx, ChatDatabase database) throws Exception {
      context = vertx.getOrCreateContext();
      writerPool = on(context, () -> Future.succeededFuture(database.writerPool(vertx)));
      readerPool = on(context, () -> Future.succeededFuture(database.readerPool(vertx)));
      store = new ChatStore(writerPool, readerPool, database.sql(), new StorageHealth(vertx), database.oneWriter());
      UserDirectory users = new UserDirectory(new ServiceBus(vertx.eventBus()), store);
      // The store's own batch writer (SQLite: its connection and thread), as the verticle wires it.
      writer = new MessageWriter(vertx, store, database.messageBatches(vertx, store), membership, users,
        new ChatEvents(vertx.eventBus(), users), 2);
      users.remember(List.of(ALICE_RECORD));
    }

    /** On the store of this execution: a SQLite file in {@code dataDir}, or a fresh PostgreSQL database. */
    static WriterUnderTest open(Vertx vertx, Path dataDir, String chatName) throws Exception {
      ChatDatabase database = TestPostgres.selected()
        ? PostgresChatDatabase.from(new Settings(new JsonObject().put(Settings.PG_URL, TestPostgres.freshDatabase())))
        : new SqliteChatDatabase(dataDir);
      vertx.executeBlocking(() -> {
        database.migrate();
        return null;
      }).await(20, TimeUnit.SECONDS);
      WriterUnderTest w = new WriterUnderTest(vertx, database);
      w.chatId = on(w.context, () -> w.store.inTransaction(tx -> w.store.upsertUsers(tx, List.of(ALICE_RECORD))
          .compose(v -> w.store.insertChat(tx, chatName, ALICE, System.currentTimeMillis()))
          .compose(id -> w.store.insertParticipants(tx, id, List.of(ALICE), System.currentTimeMillis()).map(id)))
        .compose(id -> w.writer.start().map(id)));
      return w;
    }

    /** The events published on the chat from now on. */
    List<JsonObject> subscribe(Vertx vertx) throws Exception {
      List<JsonObject> events = new CopyOnWriteArrayList<>();
      MessageConsumer<JsonObject> consumer =
        vertx.eventBus().consumer(Addresses.chatEvents(chatId), msg -> events.add(msg.body()));
      consumer.completion().await(20, TimeUnit.SECONDS);
      return events;
    }

    void close() throws Exception {
      on(context, () -> writer.close().compose(v -> Future.join(writerPool.close(), readerPool.close())));
    }
  }

  /** Waits (10 s at most) until something was published. */
  private static void awaitAny(List<JsonObject> events) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (events.isEmpty() && System.nanoTime() < deadline) {
      Thread.sleep(5);
    }
  }

  /** Runs {@code work} on the context and waits for its result. */
  private static <T> T on(Context context, Supplier<Future<T>> work) throws Exception {
    Promise<T> promise = Promise.promise();
    context.runOnContext(v -> work.get().onComplete(promise));
    return promise.future().await(20, TimeUnit.SECONDS);
  }
}
