package chat.chats;

import chat.shared.Addresses;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.BiConsumer;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The chat instances alive now, as this one sees them (several at once on PostgreSQL). Each
 * ready instance publishes a beat on {@link Addresses#CHAT_INTERNAL_INSTANCES} every third of the
 * liveness; one unheard of for the whole liveness is dead, one that says it is leaving drops out
 * at once. They share out work that exactly one of them must do: the presence events of a chat
 * are published by its owner, the live instance with the highest rendezvous hash of (instance,
 * chat), so when one goes only its chats move (to every other instance's agreement, once they
 * all saw it go). The send budget is shared out by their number ({@link #count}).
 *
 * <p>With a store that only one instance may use (SQLite), there is no other: this instance owns
 * every chat and nothing is published. Used on the verticle's event loop only.
 */
final class ChatInstances {

  private static final Logger LOG = LoggerFactory.getLogger(ChatInstances.class);
  private static final int MAX_ID_LENGTH = 64;

  private final Vertx vertx;
  private final boolean shared;
  private final long livenessMs;
  private final LongSupplier clock;
  private final String id = UUID.randomUUID().toString();
  /** The other instances, and when each was last heard of. */
  private final Map<String, Long> others = new HashMap<>();
  private final List<Runnable> countListeners = new ArrayList<>();
  private final List<BiConsumer<List<String>, Map<String, Long>>> deathListeners = new ArrayList<>();
  private List<String> live;
  private boolean ready;
  private long timer = -1;
  private MessageConsumer<JsonObject> consumer;

  /**
   * @param shared whether other instances may use the same database (PostgreSQL)
   * @param livenessMs how long an instance may be silent before it counts as dead
   */
  ChatInstances(Vertx vertx, boolean shared, long livenessMs, LongSupplier clock) {
    this.vertx = vertx;
    this.shared = shared;
    this.livenessMs = Math.max(3, livenessMs);
    this.clock = clock;
    this.live = List.of(id);
    this.ready = !shared;
  }

  String id() {
    return id;
  }

  boolean shared() {
    return shared;
  }

  /** Listens to the others' beats (before this one is ready, so it learns who is there). */
  Future<Void> listen() {
    if (!shared) {
      return Future.succeededFuture();
    }
    consumer = vertx.eventBus().consumer(Addresses.CHAT_INTERNAL_INSTANCES, msg -> heard(msg.body()));
    timer = vertx.setPeriodic(Math.max(1, livenessMs / 3), t -> {
      expire();
      if (ready) {
        beat(false);
      }
    });
    return consumer.completion();
  }

  /** This instance takes its share from now on, with these others known alive (from a ready one). */
  void ready(Collection<String> known) {
    if (!shared || ready) {
      return;
    }
    long now = clock.getAsLong();
    known.stream().filter(this::validId).filter(other -> !other.equals(id)).forEach(other -> others.put(other, now));
    ready = true;
    beat(false);
    recompute();
    LOG.info("Chat instance {} ready, {} live", id, live.size());
  }

  boolean isReady() {
    return ready;
  }

  /** Says it is leaving, then stops beating and listening. */
  Future<Void> stop() {
    if (!shared) {
      return Future.succeededFuture();
    }
    vertx.cancelTimer(timer);
    if (ready) {
      beat(true);
    }
    ready = false;
    return consumer == null ? Future.succeededFuture() : consumer.unregister();
  }

  /** Whether this instance publishes the chat's presence events: it is ready and the chat's owner. */
  boolean owns(long chatId) {
    return ready && id.equals(owner(chatId, live));
  }

  /** The live instances (this one included once ready), sorted. */
  List<String> live() {
    return live;
  }

  /** Live instances, at least 1: what each one's share of a cluster-wide budget is divided by. */
  int count() {
    return Math.max(1, live.size());
  }

  /** Called after {@link #count} changed. */
  void onCountChange(Runnable listener) {
    countListeners.add(listener);
  }

  /** Called with the live list before and the dead instances with when they were last heard of. */
  void onDeath(BiConsumer<List<String>, Map<String, Long>> listener) {
    deathListeners.add(listener);
  }

  /** The owner of a chat among these instances: the highest hash of (instance, chat). */
  static String owner(long chatId, List<String> instances) {
    String best = null;
    long bestScore = 0;
    for (String instance : instances) {
      long score = mix(fnv(instance) ^ (chatId * 0x9E3779B97F4A7C15L));
      if (best == null || Long.compareUnsigned(score, bestScore) > 0
        || score == bestScore && instance.compareTo(best) < 0) {
        best = instance;
        bestScore = score;
      }
    }
    return best;
  }

  // ---------------------------------------------------------------------------------------

  private void heard(JsonObject body) {
    Object value = body == null ? null : body.getValue("instance");
    if (!(value instanceof String) || !validId((String) value) || id.equals(value)) {
      return;
    }
    String other = (String) value;
    if (Boolean.TRUE.equals(body.getValue("leaving"))) {
      if (others.remove(other) != null) {
        LOG.info("Chat instance {} left", other);
        recompute();
      }
      return;
    }
    if (others.put(other, clock.getAsLong()) == null) {
      LOG.info("Chat instance {} joined", other);
      recompute();
    }
  }

  private void expire() {
    long now = clock.getAsLong();
    List<String> before = live;
    Map<String, Long> dead = new HashMap<>();
    others.entrySet().removeIf(e -> {
      if (now - e.getValue() > livenessMs) {
        dead.put(e.getKey(), e.getValue());
        return true;
      }
      return false;
    });
    if (!dead.isEmpty()) {
      LOG.warn("Chat instances silent for more than {} ms, counted dead: {}", livenessMs, dead.keySet());
      recompute();
      deathListeners.forEach(l -> l.accept(before, dead));
    }
  }

  private void recompute() {
    int before = live.size();
    List<String> now = new ArrayList<>(others.keySet());
    if (ready) {
      now.add(id);
    }
    now.sort(null);
    live = List.copyOf(now);
    if (live.size() != before) {
      countListeners.forEach(Runnable::run);
    }
  }

  private void beat(boolean leaving) {
    JsonObject beat = new JsonObject().put("instance", id);
    if (leaving) {
      beat.put("leaving", true);
    }
    vertx.eventBus().publish(Addresses.CHAT_INTERNAL_INSTANCES, beat);
  }

  /** The hello answer's list of live instances. */
  JsonArray liveJson() {
    return new JsonArray(new ArrayList<>(live));
  }

  private boolean validId(String value) {
    return !value.isEmpty() && value.length() <= MAX_ID_LENGTH;
  }

  private static long fnv(String s) {
    long h = 0xcbf29ce484222325L;
    for (byte b : s.getBytes(StandardCharsets.UTF_8)) {
      h ^= b & 0xff;
      h *= 0x100000001b3L;
    }
    return h;
  }

  /** The finaliser of SplitMix64: every input bit moves every output bit. */
  private static long mix(long z) {
    z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
    z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
    return z ^ (z >>> 31);
  }
}
