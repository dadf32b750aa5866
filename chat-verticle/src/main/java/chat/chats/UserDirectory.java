package chat.chats;

import chat.shared.Addresses;
import chat.shared.Events;
import chat.shared.ServiceBus;
import chat.shared.ServiceError;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The users this service knows: a projection of the auth service's users, learnt only over the
 * event bus (a lookup when someone joins a chat, auth's {@code user_updated} events after that),
 * stored in the {@code users} table and cached here. Used on the verticle's event loop only.
 */
final class UserDirectory {

  private static final Logger LOG = LoggerFactory.getLogger(UserDirectory.class);

  private final Map<Long, UserRecord> byId = new HashMap<>();
  private final ServiceBus bus;
  private final ChatStore store;

  UserDirectory(ServiceBus bus, ChatStore store) {
    this.bus = bus;
    this.store = store;
  }

  Future<Void> load() {
    return store.allUsers().map(users -> {
      byId.clear();
      users.forEach(u -> byId.put(u.id(), u));
      return null;
    });
  }

  /** The known user, or null. */
  UserRecord get(long id) {
    return byId.get(id);
  }

  /** The user object of a known user as other participants see it (no email). */
  JsonObject userJson(long id) {
    return Views.user(id, byId.get(id));
  }

  /** The participants' user objects (no email), in the given order. */
  List<JsonObject> usersJson(Collection<Long> ids) {
    List<JsonObject> users = new ArrayList<>(ids.size());
    ids.forEach(id -> users.add(userJson(id)));
    return users;
  }

  /** The participants' user objects with their emails, for owners only (administration). */
  List<JsonObject> usersJsonForOwner(Collection<Long> ids) {
    List<JsonObject> users = new ArrayList<>(ids.size());
    ids.forEach(id -> users.add(Views.userForOwner(id, byId.get(id))));
    return users;
  }

  /** Caches users after the transaction that stored them committed. */
  void remember(Collection<UserRecord> users) {
    users.forEach(u -> byId.put(u.id(), u));
  }

  int size() {
    return byId.size();
  }

  /**
   * Asks the auth service for these users. Fails VALIDATION on {@code field} when one is unknown
   * or inactive (the same words for both, so the answer does not tell them apart).
   */
  Future<List<UserRecord>> resolve(Collection<Long> ids, String field) {
    JsonObject request = new JsonObject().put("ids", new JsonArray(new ArrayList<>(ids)));
    return bus.request(Addresses.AUTH_USERS_LOOKUP, request).map(reply -> {
      Map<Long, UserRecord> found = new HashMap<>();
      JsonArray users = reply.getValue("users") instanceof JsonArray ? reply.getJsonArray("users") : new JsonArray();
      for (Object item : users) {
        UserRecord user = item instanceof JsonObject ? UserRecord.fromAuth((JsonObject) item) : null;
        if (user == null) {
          LOG.warn("Ignoring a malformed user in the auth lookup reply");
        } else {
          found.put(user.id(), user);
        }
      }
      List<Long> unusable = new ArrayList<>();
      List<UserRecord> resolved = new ArrayList<>(ids.size());
      for (Long id : ids) {
        UserRecord user = found.get(id);
        if (user == null || !user.active()) {
          unusable.add(id);
        } else {
          resolved.add(user);
        }
      }
      if (!unusable.isEmpty()) {
        String problem = unusable.size() == 1
          ? "unknown user id " + unusable.get(0)
          : "unknown user ids " + unusable.stream().map(String::valueOf).collect(Collectors.joining(", "));
        throw ServiceError.validation(field, problem);
      }
      return resolved;
    });
  }

  /** Handles auth's {@code {type:"user_updated", user}}: refreshes a user known here. */
  void onUserEvent(JsonObject event) {
    if (event == null || !Events.USER_UPDATED.equals(event.getValue(Events.TYPE))) {
      return;
    }
    Object userValue = event.getValue("user");
    UserRecord user = userValue instanceof JsonObject ? UserRecord.fromAuth((JsonObject) userValue) : null;
    if (user == null) {
      LOG.warn("Ignoring a malformed user_updated event");
      return;
    }
    if (!byId.containsKey(user.id())) {
      return;
    }
    store.inTransaction(tx -> store.upsertUsers(tx, List.of(user)))
      .onSuccess(v -> byId.put(user.id(), user))
      .onFailure(err -> LOG.error("Could not store the update of user {}", user.id(), err));
  }
}
