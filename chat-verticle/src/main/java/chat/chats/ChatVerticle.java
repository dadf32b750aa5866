package chat.chats;

import chat.shared.Addresses;
import chat.shared.ServiceBus;
import chat.shared.Settings;
import chat.shared.TokenBuckets;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.json.JsonArray;
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
  private ChatInstances instances;
  private Membership membership;
  private ChatChanges changes;
  /** How long a starting instance waits for a ready one to answer its hello. */
  private static final long HELLO_TIMEOUT_MS = 2_000;

  @Override
  public Future<?> start() {
    Settings settings = new Settings(config());
    int maxMessageLength = settings.integer(Settings.MAX_MESSAGE_LENGTH);
    int commitWindowMs = settings.integer(Settings.COMMIT_WINDOW_MS);
    ChatDatabase database = ChatDatabase.of(settings);
    TokenBuckets sendsPerUser = new TokenBuckets(settings.integer(Settings.MESSAGE_BURST),
      settings.integer(Settings.MESSAGES_PER_SECOND), SEND_BUDGETS_KEPT, System::currentTimeMillis);

    return vertx.executeBlocking(() -> {
      try {
        database.migrate();
      } catch (Exception e) {
        if (!(database instanceof PostgresChatDatabase)) {
          throw e;
        }
        // Several instances starting at once on a new database (issue 12): another one may have
        // created the schema meanwhile. Once more, after it is done.
        LOG.warn("Migration failed ({}); trying once more", e.toString());
        Thread.sleep(1_000);
        database.migrate();
      }
      return null;
    }).compose(v -> {
      writerPool = database.writerPool(vertx);
      readerPool = database.readerPool(vertx);
      health = new StorageHealth(vertx);
      ChatSql sql = database.sql();
      store = new ChatStore(writerPool, readerPool, sql, health, database.oneWriter());
      EventBus eventBus = vertx.eventBus();
      UserDirectory users = new UserDirectory(new ServiceBus(eventBus), store);
      membership = new Membership();
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
      // Scale-out (issue 12): on PostgreSQL other instances may share the database.
      long livenessMs = settings.integer(Settings.INSTANCE_LIVENESS_MS);
      instances = new ChatInstances(vertx, database instanceof PostgresChatDatabase, livenessMs,
        System::currentTimeMillis);
      ClusterStore clusterStore = new ClusterStore(readerPool, sql);
      changes = new ChatChanges(vertx, instances, membership, users, clusterStore);
      if (instances.shared()) {
        writer.checkSendersWith(clusterStore);
        changeStore.checkParticipantsWith(clusterStore);
      }
      instances.onCountChange(() -> sendsPerUser.share(instances.count()));
      Presence presence = new Presence(membership, events, eventBus, instances, presenceLeaseMs, livenessMs,
        System::currentTimeMillis);
      presenceTimer = vertx.setPeriodic(Math.max(1, presenceLeaseMs / 3), id -> presence.expire());
      Search search = new Search(new SearchStore(readerPool, sql), store, membership, users);

      return Future.all(changes.start(), instances.listen()).compose(listening -> Future.all(users.load(),
          store.allParticipants().map(pairs -> {
            membership.load(pairs);
            return null;
          }), writer.start(), attachments.start()))
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
          return Future.all(registered).compose(all -> join(eventBus, presence, presenceLeaseMs));
        })
        .onSuccess(ok -> LOG.info("Chat service ready: {} chats, {} known users, database {}",
          membership.chatCount(), users.size(), database.describe()));
    });
  }

  /**
   * Scale-out (issue 12): a starting instance asks a ready one for the live instances and the
   * presence sets, and takes its share of the work at once; alone (nobody answers the address),
   * it is ready at once too. When the ask fails otherwise, it waits one gateway heartbeat (every
   * gateway's set reaches it meanwhile) before it publishes presence. Then it answers the ask.
   */
  private Future<Void> join(EventBus eventBus, Presence presence, long presenceLeaseMs) {
    if (!instances.shared()) {
      return Future.succeededFuture();
    }
    Promise<Void> joined = Promise.promise();
    eventBus.<JsonObject>request(Addresses.CHAT_INTERNAL_HELLO, new JsonObject().put("instance", instances.id()),
        new DeliveryOptions().setSendTimeout(HELLO_TIMEOUT_MS))
      .onComplete(ar -> {
        if (ar.succeeded()) {
          JsonObject reply = ar.result().body();
          presence.adopt(reply.getJsonArray("gateways", new JsonArray()));
          List<String> known = new ArrayList<>();
          reply.getJsonArray("instances", new JsonArray()).forEach(i -> known.add(String.valueOf(i)));
          instances.ready(known);
        } else if (ar.cause() instanceof ReplyException
          && ((ReplyException) ar.cause()).failureType() == ReplyFailure.NO_HANDLERS) {
          instances.ready(List.of());
        } else {
          LOG.warn("No other chat instance answered ({}): presence starts after one gateway heartbeat",
            ar.cause().getMessage());
          vertx.setTimer(Math.max(1, presenceLeaseMs / 3) + HELLO_TIMEOUT_MS, t -> instances.ready(List.of()));
        }
        serve(eventBus, Addresses.CHAT_INTERNAL_HELLO, body -> Future.succeededFuture(new JsonObject()
          .put("instances", instances.liveJson()).put("gateways", presence.snapshot())));
        consumers.get(consumers.size() - 1).completion().onComplete(joined);
      });
    return joined.future();
  }

  /** Stops taking requests, commits the queued sends, then closes the pools. */
  @Override
  public Future<?> stop() {
    vertx.cancelTimer(evictionTimer);
    vertx.cancelTimer(presenceTimer);
    if (attachments != null) {
      attachments.stop();
    }
    if (instances != null) {
      instances.stop();
    }
    if (changes != null) {
      changes.stop();
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

  /** This instance's id among the chat instances (scale-out), for tests and diagnostics. */
  public String instanceId() {
    return instances == null ? null : instances.id();
  }

  /** The chat instances this one counts live (itself included once ready; 1 on SQLite). */
  public int liveInstances() {
    return instances == null ? 0 : instances.live().size();
  }

  public long largestBatch() {
    return writer == null ? 0 : writer.largestBatch();
  }

  /**
   * Serves the address; a failure of the storage (a read's too: the server went away) answers 503
   * {@code unavailable}. With other instances on the database (issue 12), a request of a user
   * about a chat ({@code user_id} and {@code chat_id}) whose membership cache says "not a
   * participant" first has it checked with the database ({@link Membership#confirm}): someone
   * added through another instance a moment ago is served at once, by every operation alike.
   */
  private void serve(EventBus eventBus, String address, Function<JsonObject, Future<JsonObject>> handler) {
    serve(eventBus, address, handler, false);
  }

  private void serve(EventBus eventBus, String address, Function<JsonObject, Future<JsonObject>> handler,
                     boolean handOverReplies) {
    consumers.add(ServiceBus.serve(eventBus, address, body -> {
      Future<JsonObject> answer;
      try {
        Object chatId = body.getValue("chat_id");
        Object userId = body.getValue("user_id");
        if (instances != null && instances.shared() && chatId instanceof Number && userId instanceof Number
          && !membership.isMember(((Number) chatId).longValue(), ((Number) userId).longValue())) {
          answer = membership.confirm(((Number) chatId).longValue(), ((Number) userId).longValue())
            .compose(checked -> handler.apply(body));
        } else {
          answer = handler.apply(body);
        }
      } catch (RuntimeException e) {
        answer = Future.failedFuture(e);
      }
      return answer.recover(err -> Future.failedFuture(store.clientFailure(err)));
    }, handOverReplies));
  }
}
