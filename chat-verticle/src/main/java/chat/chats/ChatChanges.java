package chat.chats;

import chat.shared.Addresses;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the {@link Membership} and {@link UserDirectory} caches of several chat instances on one
 * PostgreSQL database coherent. After this instance changed a chat's participants (the cache
 * changes only after COMMIT), the chat's id is published on
 * {@link Addresses#CHAT_INTERNAL_CHANGES}; every other instance then reads that chat's
 * participants, and the users among them it does not know, from the database and replaces what
 * it holds. The database is the authority, so the event carries no state that could arrive out
 * of order: the re-reads of one chat run one after another, and the last one reads the last commit.
 *
 * <p>A permission check that finds "not a participant" in the cache asks {@link #confirm}, which
 * reads the chat again first (someone added on another instance a moment ago may act at once);
 * the group commit checks each sender under the chat's row lock ({@link ClusterStore#participantsAmong}),
 * so a removal on another instance is never outrun by a stale "participant" here.
 *
 * <p>With SQLite (one instance) nothing is published and the cache is the whole truth. Used on
 * the verticle's event loop only.
 */
final class ChatChanges {

  private static final Logger LOG = LoggerFactory.getLogger(ChatChanges.class);
  /** Chat ids one change event may carry (an admin deletes one chat; a create is one chat). */
  private static final int MAX_IDS = 1000;

  private final Vertx vertx;
  private final ChatInstances instances;
  private final Membership membership;
  private final UserDirectory users;
  private final ClusterStore store;
  /** Chats changed here since the last publish (one publish per event-loop turn). */
  private final Set<Long> changed = new LinkedHashSet<>();
  /** Chats being read again, and the promise of a second read asked for meanwhile. */
  private final Set<Long> reading = new HashSet<>();
  private final Map<Long, Promise<Void>> again = new HashMap<>();
  private MessageConsumer<JsonObject> consumer;

  ChatChanges(Vertx vertx, ChatInstances instances, Membership membership, UserDirectory users, ClusterStore store) {
    this.vertx = vertx;
    this.instances = instances;
    this.membership = membership;
    this.users = users;
    this.store = store;
  }

  /** With a shared database: publishes this instance's changes and applies the others'. */
  Future<Void> start() {
    if (!instances.shared()) {
      return Future.succeededFuture();
    }
    membership.onChange(this::changedHere);
    membership.confirmWith(this::confirm);
    consumer = vertx.eventBus().consumer(Addresses.CHAT_INTERNAL_CHANGES, msg -> changedThere(msg.body()));
    return consumer.completion();
  }

  Future<Void> stop() {
    flush();
    return consumer == null ? Future.succeededFuture() : consumer.unregister();
  }

  /** Whether the user is a participant of the chat: the cache's yes, or the database's answer to a cached no. */
  Future<Boolean> confirm(long chatId, long userId) {
    if (membership.isMember(chatId, userId)) {
      return Future.succeededFuture(true);
    }
    return refresh(chatId).map(v -> membership.isMember(chatId, userId));
  }

  // ---------------------------------------------------------------------------------------

  private void changedHere(long chatId) {
    if (changed.isEmpty()) {
      vertx.runOnContext(v -> flush());
    }
    changed.add(chatId);
  }

  private void flush() {
    if (changed.isEmpty()) {
      return;
    }
    List<Long> ids = new ArrayList<>(changed);
    changed.clear();
    for (int from = 0; from < ids.size(); from += MAX_IDS) {
      JsonArray chunk = new JsonArray(new ArrayList<>(ids.subList(from, Math.min(ids.size(), from + MAX_IDS))));
      vertx.eventBus().publish(Addresses.CHAT_INTERNAL_CHANGES,
        new JsonObject().put("instance", instances.id()).put("chat_ids", chunk));
    }
  }

  private void changedThere(JsonObject body) {
    if (body == null || instances.id().equals(body.getValue("instance"))) {
      return;
    }
    Object ids = body.getValue("chat_ids");
    if (!(ids instanceof JsonArray)) {
      LOG.warn("Ignoring a malformed chat change event");
      return;
    }
    for (Object id : (JsonArray) ids) {
      if (id instanceof Number && ((Number) id).longValue() > 0) {
        refresh(((Number) id).longValue());
      }
    }
  }

  /** Reads the chat's participants again; one read of a chat at a time, the last one after the last ask. */
  private Future<Void> refresh(long chatId) {
    if (reading.contains(chatId)) {
      return again.computeIfAbsent(chatId, id -> Promise.promise()).future();
    }
    reading.add(chatId);
    return read(chatId).onComplete(ar -> {
      reading.remove(chatId);
      if (ar.failed()) {
        LOG.warn("Could not read the participants of chat {} again: {}", chatId, ar.cause().toString());
      }
      Promise<Void> next = again.remove(chatId);
      if (next != null) {
        refresh(chatId).onComplete(next);
      }
    });
  }

  private Future<Void> read(long chatId) {
    return store.participants(chatId).compose(participants -> {
      List<Long> unknown = participants.stream().filter(id -> users.get(id) == null).toList();
      return store.users(unknown).map(found -> {
        users.remember(found);
        membership.replace(chatId, participants);
        return null;
      });
    });
  }
}
