package chat.gateway;

import chat.shared.Addresses;
import chat.shared.ErrorCode;
import chat.shared.Events;
import chat.shared.ServiceBus;
import chat.shared.ServiceError;
import io.vertx.core.Future;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import java.util.HashMap;
import java.util.Map;
import java.util.function.LongConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This gateway's view of users as the auth service has them now (with {@code is_active}), so a
 * session learns soon that its user was deactivated or changed type. An entry is asked of auth
 * ({@code AUTH_USER_GET}) when missing or older than {@value #TTL_MS} ms, and replaced at once by
 * auth's {@code user_updated} events, which every gateway receives. Used from the gateway
 * verticle's event loop only.
 */
final class UserCache {

  private static final Logger LOG = LoggerFactory.getLogger(UserCache.class);

  static final long TTL_MS = 30_000;
  private static final int MAX_ENTRIES = 10_000;

  /** {@code user} null: auth does not know the id. */
  private record Entry(JsonObject user, long fetchedAt) {
  }

  private final ServiceBus services;
  private final Map<Long, Entry> entries = new HashMap<>();
  private final Map<Long, Future<JsonObject>> loading = new HashMap<>();

  UserCache(ServiceBus services) {
    this.services = services;
  }

  /**
   * The user as auth has it, at most {@value #TTL_MS} ms old; null when auth does not know the
   * id. Fails when auth cannot be asked.
   */
  Future<JsonObject> get(long id) {
    Entry entry = entries.get(id);
    if (entry != null && System.currentTimeMillis() - entry.fetchedAt() < TTL_MS) {
      return Future.succeededFuture(entry.user());
    }
    Future<JsonObject> pending = loading.get(id);
    if (pending != null) {
      return pending;
    }
    Future<JsonObject> lookup = services.request(Addresses.AUTH_USER_GET, new JsonObject().put("id", id))
      .recover(err -> err instanceof ServiceError && ((ServiceError) err).code() == ErrorCode.NOT_FOUND
        ? Future.succeededFuture(null)
        : Future.failedFuture(err));
    loading.put(id, lookup);
    lookup.onComplete(ar -> {
      // An event that arrived meanwhile replaced this lookup: its answer may be older.
      if (loading.get(id) == lookup) {
        loading.remove(id);
        if (ar.succeeded()) {
          put(id, ar.result());
        }
      }
    });
    return lookup;
  }

  /** Takes a user auth just answered with (an update this gateway made) as the current state. */
  void remember(JsonObject user) {
    Long id = user == null ? null : user.getLong("id");
    if (id != null) {
      loading.remove(id);
      put(id, user);
    }
  }

  /** True unless auth does not know the user or says it is inactive. */
  static boolean isActive(JsonObject user) {
    return user != null && !Boolean.FALSE.equals(user.getValue("is_active"));
  }

  /**
   * Listens to auth's user events: each replaces the cached user at once, and a deactivated
   * user's id goes to {@code onDeactivated} (its bridge sockets are closed there).
   */
  MessageConsumer<JsonObject> listen(EventBus eventBus, LongConsumer onDeactivated) {
    return eventBus.consumer(Addresses.AUTH_USER_EVENTS, msg -> {
      JsonObject event = msg.body();
      Object value = event == null ? null : event.getValue("user");
      if (!Events.USER_UPDATED.equals(event == null ? null : event.getValue(Events.TYPE)) || !(value instanceof JsonObject)) {
        return;
      }
      JsonObject user = (JsonObject) value;
      Object id = user.getValue("id");
      if (!(id instanceof Number)) {
        LOG.warn("Ignoring a user_updated event without a user id");
        return;
      }
      remember(user);
      if (!isActive(user)) {
        onDeactivated.accept(((Number) id).longValue());
      }
    });
  }

  private void put(long id, JsonObject user) {
    if (entries.size() >= MAX_ENTRIES && !entries.containsKey(id)) {
      long now = System.currentTimeMillis();
      entries.values().removeIf(e -> now - e.fetchedAt() >= TTL_MS);
      if (entries.size() >= MAX_ENTRIES) {
        entries.clear();
      }
    }
    entries.put(id, new Entry(user, System.currentTimeMillis()));
  }
}
