package chat.chats;

import chat.shared.Addresses;
import chat.shared.ServiceError;
import chat.shared.metrics.DomainMetrics;
import chat.shared.validation.Ids;
import io.vertx.core.Future;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Who is online, cluster-wide, in memory: each gateway reports the users holding sockets on it
 * (transitions only, a heartbeat, a whole set when asked), and a user is online while at least
 * one gateway holds it. When that starts or ends, {@code presence} is published on each of the
 * user's chats. A gateway unheard of for a lease (a crash, a cut) loses its users. Nothing is
 * stored: after a restart of this service the gateways' next heartbeats bring their sets back
 * (the heartbeat carries the set's count and sum, so a difference asks for the whole set).
 *
 * <p>Several instances (PostgreSQL, issue 12): gateways publish their reports, heartbeats and
 * sets, so every instance holds every gateway's set and answers {@code GET presence} alike; a
 * starting instance takes the sets of a ready one ({@link #snapshot}, {@link #adopt}). Each
 * instance decides every transition, but only the owner of a chat ({@link ChatInstances#owns})
 * publishes its {@code presence} events: exactly one event per transition and chat while the
 * instances agree on who is live. When one dies, the chats it owned move to the others, and
 * each new owner publishes again the transitions made since the dead one was last heard of
 * (it may have published some of them before it died: a transition of the last beat before a
 * crash may reach a chat twice, none is lost).
 *
 * <p>Used on the verticle's event loop only.
 */
final class Presence {

  private static final Logger LOG = LoggerFactory.getLogger(Presence.class);
  /** Gateway ids are the gateways' random UUIDs; anything longer is refused. */
  private static final int MAX_GATEWAY_LENGTH = 64;
  /** A dead instance's last beat may have left just after transitions it had not published yet. */
  private static final long TAKEOVER_SLACK_MS = 250;

  /** What one gateway reports, and when it was last heard of. */
  private static final class Gateway {
    final Set<Long> users = new HashSet<>();
    /** Sum of {@link #users} (wrapping), compared with the gateway's in heartbeats. */
    long sum;
    long lastSeen;
    /** A request for the whole set is on its way. */
    boolean asking;
  }

  /** A transition decided here, kept for a while for a takeover after an instance died. */
  private record Transition(long at, long userId, boolean online) {
  }

  private final Membership membership;
  private final ChatEvents events;
  private final EventBus eventBus;
  private final ChatInstances instances;
  private final ArrayDeque<Transition> recent = new ArrayDeque<>();
  private final long keepMs;
  private final long leaseMs;
  private final LongSupplier clock;
  private final Map<String, Gateway> gateways = new HashMap<>();
  /** Per online user, the number of gateways reporting it (absent: offline). */
  private final Map<Long, Integer> online = new HashMap<>();

  /**
   * @param livenessMs {@link ChatInstances}'s: how long transitions are kept for a takeover
   */
  Presence(Membership membership, ChatEvents events, EventBus eventBus, ChatInstances instances, long leaseMs,
           long livenessMs, LongSupplier clock) {
    this.membership = membership;
    this.events = events;
    this.eventBus = eventBus;
    this.instances = instances;
    this.leaseMs = leaseMs;
    this.keepMs = 2 * livenessMs;
    this.clock = clock;
    instances.onDeath(this::takeOver);
  }

  /** {@code {gateway, user_id, online}} -> {@code {}}. */
  Future<JsonObject> report(JsonObject body) {
    Gateway gateway = heard(gatewayId(body));
    long userId = userId(body.getValue("user_id"));
    if (Boolean.TRUE.equals(body.getValue("online"))) {
      if (gateway.users.add(userId)) {
        gateway.sum += userId;
        gained(userId);
      }
    } else if (gateway.users.remove(userId)) {
      gateway.sum -= userId;
      lost(userId);
    }
    return Future.succeededFuture(new JsonObject());
  }

  /** {@code {gateway, count, sum}} -> {@code {in_sync}}. */
  Future<JsonObject> heartbeat(JsonObject body) {
    Gateway gateway = heard(gatewayId(body));
    Object count = body.getValue("count");
    Object sum = body.getValue("sum");
    boolean inSync = count instanceof Number && sum instanceof Number
      && ((Number) count).longValue() == gateway.users.size() && ((Number) sum).longValue() == gateway.sum;
    if (!inSync) {
      ask(gatewayId(body), gateway);
    }
    return Future.succeededFuture(new JsonObject().put("in_sync", inSync));
  }

  /** Asks the gateway for its whole set (one request at a time per gateway) and takes it. */
  private void ask(String id, Gateway gateway) {
    if (gateway.asking) {
      return;
    }
    gateway.asking = true;
    eventBus.<JsonObject>request(Addresses.gatewayPresence(id), new JsonObject(),
        new DeliveryOptions().setSendTimeout(Math.max(1, leaseMs / 3)))
      .onComplete(ar -> {
        gateway.asking = false;
        if (ar.failed()) {
          LOG.debug("Gateway {} did not send its presence set: {}", id, ar.cause().getMessage());
        } else if (gateways.get(id) == gateway) {
          try {
            sync(new JsonObject().put("gateway", id).put("users", ar.result().body().getValue("users")));
          } catch (ServiceError e) {
            LOG.warn("Gateway {} sent a malformed presence set", id);
          }
        }
      });
  }

  /** The sets held, for a starting instance: {@code [{gateway, users:[..]}..]}. */
  JsonArray snapshot() {
    JsonArray all = new JsonArray();
    gateways.forEach((id, gateway) -> all.add(new JsonObject().put("gateway", id)
      .put("users", new JsonArray(new ArrayList<>(gateway.users)))));
    return all;
  }

  /** Takes a ready instance's sets (before this one is ready: it publishes nothing for them). */
  void adopt(JsonArray snapshot) {
    for (Object item : snapshot) {
      if (item instanceof JsonObject) {
        try {
          sync((JsonObject) item);
        } catch (ServiceError e) {
          LOG.warn("Ignoring a malformed presence set from another instance");
        }
      }
    }
  }

  /** {@code {gateway, users:[..]}} -> {@code {}}: the gateway's whole set replaces the one held. */
  Future<JsonObject> sync(JsonObject body) {
    String id = gatewayId(body);
    Object users = body.getValue("users");
    if (!(users instanceof JsonArray)) {
      throw ServiceError.validation("users", "must be an array of user ids");
    }
    Set<Long> now = new HashSet<>();
    for (Object user : (JsonArray) users) {
      now.add(userId(user));
    }
    Gateway gateway = heard(id);
    List<Long> gone = new ArrayList<>();
    for (long userId : gateway.users) {
      if (!now.contains(userId)) {
        gone.add(userId);
      }
    }
    List<Long> added = new ArrayList<>();
    for (long userId : now) {
      if (!gateway.users.contains(userId)) {
        added.add(userId);
      }
    }
    gateway.users.clear();
    gateway.users.addAll(now);
    gateway.sum = 0;
    now.forEach(userId -> gateway.sum += userId);
    gone.forEach(this::lost);
    added.forEach(this::gained);
    LOG.info("Presence of gateway {}: {} users ({} new, {} gone)", id, now.size(), added.size(), gone.size());
    return Future.succeededFuture(new JsonObject());
  }

  /** {@code {user_id, chat_id}} -> {@code {online:[..]}}: participants only (NOT_FOUND otherwise). */
  Future<JsonObject> online(JsonObject body) {
    long caller = Validation.caller(body);
    long chatId = Validation.chatId(body);
    if (!membership.isMember(chatId, caller)) {
      throw ServiceError.notFound("Chat");
    }
    JsonArray ids = new JsonArray();
    for (long userId : membership.participants(chatId)) {
      if (online.containsKey(userId)) {
        ids.add(userId);
      }
    }
    return Future.succeededFuture(new JsonObject().put("online", ids));
  }

  /** Drops the gateways unheard of for a lease, and their users (called periodically). */
  void expire() {
    long now = clock.getAsLong();
    Iterator<Map.Entry<String, Gateway>> it = gateways.entrySet().iterator();
    while (it.hasNext()) {
      Map.Entry<String, Gateway> entry = it.next();
      Gateway gateway = entry.getValue();
      if (now - gateway.lastSeen > leaseMs) {
        it.remove();
        if (!gateway.users.isEmpty()) {
          LOG.warn("Gateway {} silent for {} ms: its {} users are offline", entry.getKey(), now - gateway.lastSeen,
            gateway.users.size());
        }
        gateway.users.forEach(this::lost);
      }
    }
  }

  /** Users online now (for diagnostics and tests). */
  int onlineCount() {
    return online.size();
  }

  private Gateway heard(String id) {
    Gateway gateway = gateways.computeIfAbsent(id, k -> new Gateway());
    gateway.lastSeen = clock.getAsLong();
    return gateway;
  }

  private void gained(long userId) {
    if (online.merge(userId, 1, Integer::sum) == 1) {
      publish(userId, true);
    }
  }

  private void lost(long userId) {
    Integer held = online.get(userId);
    if (held == null) {
      return;
    }
    if (held > 1) {
      online.put(userId, held - 1);
    } else {
      online.remove(userId);
      publish(userId, false);
    }
  }

  /** Publishes the transition on each of the user's chats this instance owns (all of them alone). */
  private void publish(long userId, boolean isOnline) {
    long now = clock.getAsLong();
    if (instances.shared()) {
      recent.add(new Transition(now, userId, isOnline));
      while (!recent.isEmpty() && now - recent.peekFirst().at() > keepMs) {
        recent.pollFirst();
      }
    }
    int published = 0;
    for (long chatId : membership.chatsOf(userId)) {
      if (instances.owns(chatId)) {
        events.presence(chatId, userId, isOnline);
        published++;
      }
    }
    DomainMetrics.presenceEvents(isOnline, published);
  }

  /**
   * Instances died (silent for the liveness): of the chats each owned that this one owns now,
   * publishes again the transitions since it was last heard of (in their order).
   */
  private void takeOver(List<String> before, Map<String, Long> dead) {
    int again = 0;
    for (Transition t : recent) {
      for (long chatId : membership.chatsOf(t.userId())) {
        String owner = ChatInstances.owner(chatId, before);
        Long lastHeard = owner == null ? null : dead.get(owner);
        if (lastHeard != null && t.at() >= lastHeard - TAKEOVER_SLACK_MS && instances.owns(chatId)) {
          events.presence(chatId, t.userId(), t.online());
          again++;
        }
      }
    }
    if (again > 0) {
      LOG.info("Took over the presence of chats of dead instances {}: {} events published again", dead.keySet(), again);
    }
  }

  private static String gatewayId(JsonObject body) {
    Object id = body.getValue("gateway");
    if (!(id instanceof String) || ((String) id).isEmpty() || ((String) id).length() > MAX_GATEWAY_LENGTH) {
      throw ServiceError.validation("gateway", "must be a gateway id");
    }
    return (String) id;
  }

  private static long userId(Object value) {
    OptionalLong id = Ids.of(value, false);
    if (id.isEmpty()) {
      throw ServiceError.validation("user_id", "must be a user id");
    }
    return id.getAsLong();
  }
}
