package chat.gateway;

import chat.shared.Events;
import chat.shared.TokenBuckets;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This gateway's delivery of events to its bridge sockets: one event-bus consumer per address
 * ({@code chat.{id}} or {@code user.{id}}) that at least one local socket registered on,
 * registered with the first such socket and unregistered with the last. Each event is encoded
 * once into a {@code rec} frame, and that frame is written to every socket holding the
 * registration, through its bounded write queue.
 *
 * <p>Which sockets of a chat receive is decided here, from this gateway's own state, as the
 * chat's events pass: the {@code participant_removed} event about a user reaches that user's
 * sockets, then their registrations on the chat are stopped; {@code participant_added} about
 * the user resumes them; {@code chat_deleted} reaches every socket, then stops them all. A
 * stopped registration is still held (the socket may unregister it) but receives nothing.
 *
 * <p>{@code typing} events ({@link Typing}) reach every socket of the chat but the typer's own,
 * and at most one per user per chat per {@value Typing#INTERVAL_MS} ms is delivered by this
 * gateway whichever gateway published them; extras are dropped here.
 *
 * <p>The events of a chat pass through a {@link SeqOrder}: with several chat instances, their
 * events of one chat are delivered in seq order (a missing seq is waited for, briefly).
 *
 * <p>Used from the gateway verticle's event loop only.
 */
final class FanOut {

  private static final Logger LOG = LoggerFactory.getLogger(FanOut.class);
  private static final Subscription[] NONE = new Subscription[0];

  /** One socket's registration on one address. */
  static final class Subscription {
    final BridgeConnection connection;
    final String address;
    private final Topic topic;
    /** Nothing more is delivered (the user was removed from the chat, or it was deleted). */
    boolean stopped;

    private Subscription(BridgeConnection connection, Topic topic) {
      this.connection = connection;
      this.address = topic.address;
      this.topic = topic;
    }

    /** Completes once the address's consumer is registered (cluster-wide). */
    Future<Void> ready() {
      return topic.consumer.completion();
    }
  }

  /** One address with local receivers, and its one consumer. */
  private static final class Topic {
    final String address;
    /** The chat id for {@code chat.{id}}; 0 for {@code user.{id}}, where nothing is ever stopped. */
    final long chatId;
    MessageConsumer<Object> consumer;
    /** The chat's events in seq order; null for a user's address. */
    SeqOrder<Message<Object>> order;
    /** Replaced, never changed in place: a delivery loops over the array it started with. */
    Subscription[] members = NONE;

    Topic(String address, long chatId) {
      this.address = address;
      this.chatId = chatId;
    }
  }

  private final EventBus eventBus;
  private final SeqOrder.Timers timers;
  private final Map<String, Topic> topics = new HashMap<>();
  /** Typing notices delivered lately, by (chat, user). */
  private final TokenBuckets typingDelivered;

  FanOut(Vertx vertx, LongSupplier clock) {
    this.eventBus = vertx.eventBus();
    this.timers = new SeqOrder.Timers() {
      @Override
      public long set(long delayMs, Runnable action) {
        return vertx.setTimer(delayMs, id -> action.run());
      }

      @Override
      public void cancel(long timerId) {
        vertx.cancelTimer(timerId);
      }
    };
    this.typingDelivered = Typing.limits(clock);
  }

  /**
   * Adds the socket to the address's receivers, registering the address's consumer if it is
   * the first. {@code chatId} is the chat of a {@code chat.{id}} address, 0 for a user's.
   */
  Subscription subscribe(BridgeConnection connection, String address, long chatId) {
    Topic topic = topics.get(address);
    if (topic == null) {
      Topic created = new Topic(address, chatId);
      if (chatId > 0) {
        SeqOrder<Message<Object>> order = new SeqOrder<>(timers, msg -> deliver(created, msg));
        created.order = order;
        created.consumer = eventBus.consumer(address, msg -> order.offer(seqOf(msg.body()), msg));
      } else {
        created.consumer = eventBus.consumer(address, msg -> deliver(created, msg));
      }
      topics.put(address, created);
      topic = created;
    }
    Subscription subscription = new Subscription(connection, topic);
    Subscription[] members = Arrays.copyOf(topic.members, topic.members.length + 1);
    members[members.length - 1] = subscription;
    topic.members = members;
    return subscription;
  }

  /** Removes the socket from the address's receivers, unregistering the consumer after the last. */
  void unsubscribe(Subscription subscription) {
    Topic topic = subscription.topic;
    Subscription[] members = topic.members;
    int at = -1;
    for (int i = 0; i < members.length; i++) {
      if (members[i] == subscription) {
        at = i;
        break;
      }
    }
    if (at < 0) {
      return;
    }
    if (members.length == 1) {
      topic.members = NONE;
      if (topics.get(topic.address) == topic) {
        topics.remove(topic.address);
      }
      topic.consumer.unregister();
      if (topic.order != null) {
        topic.order.close();
      }
      return;
    }
    Subscription[] rest = new Subscription[members.length - 1];
    System.arraycopy(members, 0, rest, 0, at);
    System.arraycopy(members, at + 1, rest, at, members.length - at - 1);
    topic.members = rest;
  }

  private void deliver(Topic topic, Message<Object> msg) {
    Subscription[] members = topic.members;
    if (members.length == 0) {
      return;
    }
    try {
      Object body = msg.body();
      Object type = topic.chatId > 0 && body instanceof JsonObject ? ((JsonObject) body).getValue(Events.TYPE) : null;
      long typer = Events.TYPING.equals(type) ? aboutUser((JsonObject) body) : -1L;
      if (Events.TYPING.equals(type) && (typer < 0 || !typingDelivered.tryTake(Typing.key(topic.chatId, typer)))) {
        return; // one of the same user in this chat was delivered within the interval
      }
      Buffer frame = BridgeFrames.rec(topic.address, body, msg.headers());
      if (Events.PARTICIPANT_REMOVED.equals(type)) {
        long about = aboutUser((JsonObject) body);
        for (Subscription s : members) {
          deliver(s, frame);
          if (s.connection.userId != null && about == s.connection.userId) {
            // The removed user hears of its removal, then nothing more from this chat.
            stop(s, topic.chatId);
          }
        }
      } else if (Events.PARTICIPANT_ADDED.equals(type)) {
        long about = aboutUser((JsonObject) body);
        for (Subscription s : members) {
          if (s.connection.userId != null && about == s.connection.userId) {
            // Added back: delivery resumes on the registration the socket still holds.
            s.stopped = false;
          }
          deliver(s, frame);
        }
      } else if (Events.TYPING.equals(type)) {
        for (Subscription s : members) {
          // The typer's own sockets (other tabs, other devices) do not show it typing.
          if (s.connection.userId == null || s.connection.userId != typer) {
            deliver(s, frame);
          }
        }
      } else if (Events.CHAT_DELETED.equals(type)) {
        // Every socket hears that the chat was deleted, then nothing more from it.
        for (Subscription s : members) {
          deliver(s, frame);
          stop(s, topic.chatId);
        }
      } else {
        for (Subscription s : members) {
          deliver(s, frame);
        }
      }
    } catch (RuntimeException e) {
      LOG.error("Delivering an event on {} failed", topic.address, e);
    }
  }

  /** Forgets the typing notices whose interval is over (periodically, to bound memory). */
  void evictIdle() {
    typingDelivered.evictFull();
  }

  private static void deliver(Subscription s, Buffer frame) {
    if (!s.stopped) {
      s.connection.deliver(frame);
    }
  }

  private static void stop(Subscription s, long chatId) {
    s.stopped = true;
    s.connection.sendAllowedAt.remove(chatId);
  }

  /** The event's seq; 0 when it has none (live-only events). */
  private static long seqOf(Object body) {
    Object seq = body instanceof JsonObject ? ((JsonObject) body).getValue(Events.SEQ) : null;
    return seq instanceof Number ? ((Number) seq).longValue() : 0;
  }

  /** The id of the user a participant or typing event is about; -1 when it names none. */
  private static long aboutUser(JsonObject event) {
    Object user = event.getValue("user");
    Object id = user instanceof JsonObject ? ((JsonObject) user).getValue("id") : null;
    return id instanceof Number ? ((Number) id).longValue() : -1L;
  }
}
