package chat.chats;

import chat.shared.Addresses;
import chat.shared.ServiceBus;
import chat.shared.Settings;
import chat.shared.TokenBuckets;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The chat service: chats, participants and messages and their administration, served on the
 * event bus, stored in its own SQLite file {@code <CHAT_DATA_DIR>/chat.db} or, with
 * {@code CHAT_STORE=postgresql}, in the schema {@code chat} of the database at {@code CHAT_PG_URL}
 * ({@link ChatDatabase}). This class only wires the parts together.
 */
public class ChatVerticle extends VerticleBase {

  /** Users whose send budget is kept at once (least recently sending dropped first). */
  private static final int SEND_BUDGETS_KEPT = 100_000;

  private static final Logger LOG = LoggerFactory.getLogger(ChatVerticle.class);

  private final List<MessageConsumer<?>> consumers = new ArrayList<>();
  private Pool writerPool;
  private Pool readerPool;
  private MessageWriter writer;
  private StorageHealth health;
  private ChatStore store;
  private Attachments attachments;
  private long evictionTimer = -1;
  private long presenceTimer = -1;

  @Override
  public Future<?> start() {
    Settings settings = new Settings(config());
    int maxMessageLength = settings.integer(Settings.MAX_MESSAGE_LENGTH);
    int commitWindowMs = settings.integer(Settings.COMMIT_WINDOW_MS);
    ChatDatabase database = ChatDatabase.of(settings);
    TokenBuckets sendsPerUser = new TokenBuckets(settings.integer(Settings.MESSAGE_BURST),
      settings.integer(Settings.MESSAGES_PER_SECOND), SEND_BUDGETS_KEPT, System::currentTimeMillis);

    return vertx.executeBlocking(() -> {
      database.migrate();
      return null;
    }).compose(v -> {
      writerPool = database.writerPool(vertx);
      readerPool = database.readerPool(vertx);
      health = new StorageHealth(vertx);
      ChatSql sql = database.sql();
      store = new ChatStore(writerPool, readerPool, sql, health, database.oneWriter());
      EventBus eventBus = vertx.eventBus();
      UserDirectory users = new UserDirectory(new ServiceBus(eventBus), store);
      Membership membership = new Membership();
      ChatEvents events = new ChatEvents(eventBus, users);
      writer = new MessageWriter(vertx, store, database.messageBatches(vertx, store), membership, users, events,
        commitWindowMs);
      ReadMarkers reads = new ReadMarkers(new ReadStore(readerPool, sql), store, membership, users, events);
      ChatService chats = new ChatService(store, membership, users, events, reads);
      // Attachments (issue 14): bytes in the blob store of the chosen store, temp files in the data directory.
      java.nio.file.Path dataDir = java.nio.file.Path.of(settings.string(Settings.DATA_DIR));
      attachments = new Attachments(vertx, store, BlobStore.of(vertx, store, readerPool, dataDir), membership,
        Attachments.tempDir(dataDir), settings.integer(Settings.MAX_ATTACHMENT_BYTES),
        settings.integer(Settings.ATTACHMENT_UNUSED_HOURS));
      MessageService messages = new MessageService(store, membership, users, writer, maxMessageLength, sendsPerUser,
        attachments);
      MessageChangeStore changeStore = new MessageChangeStore(store);
      MessageChanges messageChanges = new MessageChanges(store, changeStore, membership, users, events,
        maxMessageLength, sendsPerUser);
      Reactions reactions = new Reactions(store, changeStore, membership, events, sendsPerUser);
      evictionTimer = vertx.setPeriodic(60_000, id -> sendsPerUser.evictFull());
      ChatFeed feed = new ChatFeed(store.log(), store, membership, users);
      AdminService admin = new AdminService(store, new AdminStore(readerPool, sql), membership, users, events, reads);
      long presenceLeaseMs = settings.integer(Settings.PRESENCE_LEASE_MS);
      Presence presence = new Presence(membership, events, presenceLeaseMs, System::currentTimeMillis);
      presenceTimer = vertx.setPeriodic(Math.max(1, presenceLeaseMs / 3), id -> presence.expire());
      Search search = new Search(new SearchStore(readerPool, sql), store, membership, users);

      return Future.all(users.load(), store.allParticipants().map(pairs -> {
          membership.load(pairs);
          return null;
        }), writer.start(), attachments.start())
        .compose(loaded -> {
          serve(eventBus, Addresses.CHAT_CREATE, chats::create);
          serve(eventBus, Addresses.CHAT_LIST, chats::list);
          serve(eventBus, Addresses.CHAT_GET, chats::get);
          serve(eventBus, Addresses.CHAT_ADD_PARTICIPANT, chats::addParticipant);
          serve(eventBus, Addresses.CHAT_REMOVE_PARTICIPANT, chats::removeParticipant);
          serve(eventBus, Addresses.CHAT_MEMBERSHIP, chats::membership);
          // Each reply is a fresh view of the stored message: handed over without a copy.
          serve(eventBus, Addresses.CHAT_MESSAGE_SEND, messages::send, true);
          serve(eventBus, Addresses.CHAT_MESSAGE_HISTORY, messages::history);
          serve(eventBus, Addresses.CHAT_EVENTS_FEED, feed::events);
          serve(eventBus, Addresses.CHAT_READ_MARK, reads::markRead);
          serve(eventBus, Addresses.CHAT_READS, reads::receipts);
          serve(eventBus, Addresses.CHAT_RENAME, chats::rename);
          serve(eventBus, Addresses.CHAT_MESSAGE_EDIT, messageChanges::edit);
          serve(eventBus, Addresses.CHAT_MESSAGE_DELETE, messageChanges::delete);
          serve(eventBus, Addresses.CHAT_REACTION_ADD, reactions::add);
          serve(eventBus, Addresses.CHAT_REACTION_REMOVE, reactions::remove);
          serve(eventBus, Addresses.CHAT_PRESENCE, presence::online);
          serve(eventBus, Addresses.CHAT_PRESENCE_REPORT, presence::report);
          serve(eventBus, Addresses.CHAT_PRESENCE_HEARTBEAT, presence::heartbeat);
          serve(eventBus, Addresses.CHAT_PRESENCE_SYNC, presence::sync);
          serve(eventBus, Addresses.CHAT_SEARCH, search::search);
          // Readiness: DOWN while the database cannot be written (a full disk), until a write
          // succeeds, and while it does not answer a read (a server gone away).
          serve(eventBus, Addresses.CHAT_PING, body -> store.ping()
            .map(ok -> health.writable())
            .otherwise(false)
            .map(up -> new JsonObject().put("status", up ? "UP" : "DOWN")));
          serve(eventBus, Addresses.CHAT_ADMIN_CHATS_LIST, admin::listChats);
          serve(eventBus, Addresses.CHAT_ADMIN_CHAT_GET, admin::getChat);
          serve(eventBus, Addresses.CHAT_ADMIN_ADD_PARTICIPANT, admin::addParticipant);
          serve(eventBus, Addresses.CHAT_ADMIN_REMOVE_PARTICIPANT, admin::removeParticipant);
          serve(eventBus, Addresses.CHAT_ADMIN_CHAT_DELETE, admin::deleteChat);
          serve(eventBus, Addresses.CHAT_ADMIN_MESSAGES_LIST, admin::listMessages);
          serve(eventBus, Addresses.CHAT_ADMIN_MESSAGES_DELETE, admin::deleteMessages);
          serve(eventBus, Addresses.CHAT_ADMIN_AUDIT, admin::audit);
          serve(eventBus, Addresses.CHAT_ATTACHMENT_BEGIN, attachments::begin);
          serve(eventBus, Addresses.CHAT_ATTACHMENT_OPEN, attachments::open);
          consumers.add(ServiceBus.serveAny(eventBus, Addresses.CHAT_ATTACHMENT_CHUNK, msg -> attachments.chunk(msg)
            .recover(err -> Future.failedFuture(store.clientFailure(err)))));
          consumers.add(eventBus.<JsonObject>consumer(Addresses.AUTH_USER_EVENTS, msg -> users.onUserEvent(msg.body())));
          List<Future<Void>> registered = new ArrayList<>();
          consumers.forEach(c -> registered.add(c.completion()));
          return Future.all(registered);
        })
        .onSuccess(ok -> LOG.info("Chat service ready: {} chats, {} known users, database {}",
          membership.chatCount(), users.size(), database.describe()));
    });
  }

  /** Stops taking requests, commits the queued sends, then closes the pools. */
  @Override
  public Future<?> stop() {
    vertx.cancelTimer(evictionTimer);
    vertx.cancelTimer(presenceTimer);
    if (attachments != null) {
      attachments.stop();
    }
    if (health != null) {
      health.close();
    }
    List<Future<Void>> unregistered = new ArrayList<>();
    consumers.forEach(c -> unregistered.add(c.unregister()));
    consumers.clear();
    return Future.join(unregistered)
      .transform(ar -> writer == null ? Future.succeededFuture() : writer.close())
      .transform(ar -> {
        List<Future<Void>> closed = new ArrayList<>();
        if (writerPool != null) {
          closed.add(writerPool.close());
        }
        if (readerPool != null) {
          closed.add(readerPool.close());
        }
        return Future.join(closed);
      })
      .onComplete(ar -> LOG.info("Chat service stopped"));
  }

  /** Group-commit counters, for tests and diagnostics. */
  public long batchesCommitted() {
    return writer == null ? 0 : writer.batchesCommitted();
  }

  public long messagesStored() {
    return writer == null ? 0 : writer.messagesStored();
  }

  public long largestBatch() {
    return writer == null ? 0 : writer.largestBatch();
  }

  /** Serves the address; a failure of the storage (a read's too: the server went away) answers 503 {@code unavailable}. */
  private void serve(EventBus eventBus, String address, Function<JsonObject, Future<JsonObject>> handler) {
    serve(eventBus, address, handler, false);
  }

  private void serve(EventBus eventBus, String address, Function<JsonObject, Future<JsonObject>> handler,
                     boolean handOverReplies) {
    consumers.add(ServiceBus.serve(eventBus, address, body -> {
      Future<JsonObject> answer;
      try {
        answer = handler.apply(body);
      } catch (RuntimeException e) {
        answer = Future.failedFuture(e);
      }
      return answer.recover(err -> Future.failedFuture(store.clientFailure(err)));
    }, handOverReplies));
  }
}
