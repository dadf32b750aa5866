package chat.chats;

import chat.shared.Addresses;
import chat.shared.ServiceBus;
import chat.shared.Settings;
import chat.testing.TestPostgres;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.Pool;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * A {@link MessageWriter} on a fresh store of the selected kind (a SQLite file in a directory, or
 * a fresh PostgreSQL database), with the store's own batch writer as the verticle wires it, but
 * no verticle: a test decides what each batch holds (every send submitted in one
 * {@link #on} run is one batch, up to {@link MessageWriter#MAX_BATCH}). It starts with alice and
 * one chat whose only participant she is.
 */
final class WriterUnderTest {

  static final long ALICE = 1;
  static final UserRecord ALICE_RECORD =
    new UserRecord(ALICE, "alice", "alice@example.org", "student", "2026-01-01T00:00:00.000Z", true);

  final Context context;
  final Pool writerPool;
  final Pool readerPool;
  final ChatStore store;
  final Membership membership = new Membership();
  final UserDirectory users;
  final MessageWriter writer;
  private final Path dataDir;
  private final String pgUrl;
  long chatId;

  private WriterUnderTest(Vertx vertx, ChatDatabase database, Path dataDir, String pgUrl) throws Exception {
    this.dataDir = dataDir;
    this.pgUrl = pgUrl;
    context = vertx.getOrCreateContext();
    writerPool = on(context, () -> Future.succeededFuture(database.writerPool(vertx)));
    readerPool = on(context, () -> Future.succeededFuture(database.readerPool(vertx)));
    store = new ChatStore(writerPool, readerPool, database.sql(), new StorageHealth(vertx), database.oneWriter());
    users = new UserDirectory(new ServiceBus(vertx.eventBus()), store);
    // The store's own batch writer (SQLite: its connection and thread), as the verticle wires it.
    writer = new MessageWriter(vertx, store, database.messageBatches(vertx, store), membership, users,
      new ChatEvents(vertx.eventBus(), users), 2);
    users.remember(List.of(ALICE_RECORD));
  }

  /** On the store of this execution: a SQLite file in {@code dataDir}, or a fresh PostgreSQL database. */
  static WriterUnderTest open(Vertx vertx, Path dataDir, String chatName) throws Exception {
    String pgUrl = TestPostgres.selected() ? TestPostgres.freshDatabase() : null;
    ChatDatabase database = pgUrl != null
      ? PostgresChatDatabase.from(new Settings(new JsonObject().put(Settings.PG_URL, pgUrl)))
      : new SqliteChatDatabase(dataDir);
    vertx.executeBlocking(() -> {
      database.migrate();
      return null;
    }).await(20, TimeUnit.SECONDS);
    WriterUnderTest w = new WriterUnderTest(vertx, database, dataDir, pgUrl);
    w.chatId = on(w.context, () -> w.store.inTransaction(tx -> w.store.upsertUsers(tx, List.of(ALICE_RECORD))
          .compose(v -> w.store.insertChat(tx, chatName, ALICE, System.currentTimeMillis()))
          .compose(id -> w.store.insertParticipants(tx, id, List.of(ALICE), System.currentTimeMillis()).map(id)))
        .compose(id -> w.writer.start().map(id)));
    return w;
  }

  /** Stores these users (the projection's rows) and lets the writer name them. */
  void users(UserRecord... records) throws Exception {
    on(context, () -> store.inTransaction(tx -> store.upsertUsers(tx, Arrays.asList(records))));
    users.remember(Arrays.asList(records));
  }

  /** A new chat of alice with these participants (stored and in the writer's membership): its id. */
  long chat(String name, long... participants) throws Exception {
    List<Long> members = new java.util.ArrayList<>(List.of(ALICE));
    Arrays.stream(participants).forEach(members::add);
    long id = on(context, () -> store.inTransaction(tx -> store.insertChat(tx, name, ALICE, System.currentTimeMillis())
      .compose(chat -> store.insertParticipants(tx, chat, members, System.currentTimeMillis()).map(chat))));
    on(context, () -> {
      membership.add(id, members);
      return Future.succeededFuture();
    });
    return id;
  }

  /** A JDBC connection to the store, as an operator would open one (close it). */
  Connection database() throws SQLException {
    if (pgUrl == null) {
      return DriverManager.getConnection("jdbc:sqlite:" + dataDir.toAbsolutePath().resolve(SqliteChatDatabase.FILE_NAME));
    }
    PgConnectOptions pg = PgConnectOptions.fromUri(pgUrl);
    return DriverManager.getConnection("jdbc:postgresql://" + pg.getHost() + ":" + pg.getPort() + "/" + pg.getDatabase()
      + "?currentSchema=" + PostgresChatDatabase.SCHEMA, pg.getUser(), pg.getPassword());
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

  /** Runs {@code work} on the context and waits for its result. */
  static <T> T on(Context context, Supplier<Future<T>> work) throws Exception {
    Promise<T> promise = Promise.promise();
    context.runOnContext(v -> work.get().onComplete(promise));
    return promise.future().await(20, TimeUnit.SECONDS);
  }

  /** The same on this writer's context. */
  <T> T on(Supplier<Future<T>> work) throws Exception {
    return on(context, work);
  }
}
