package chat.gateway;

import chat.shared.Addresses;
import chat.shared.metrics.DomainMetrics;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This gateway's part of presence: it counts the logged-in bridge sockets of each user here and
 * tells the chat service only the transitions, one event-bus message each: the user's first
 * socket opened ({@code online}), its last one closed and none reopened within the grace
 * ({@code offline}; a quick reconnect sends nothing). A heartbeat every third of the lease says
 * it is alive and carries the count and sum of the users it reports, so the chat service can
 * ask for the whole set when it holds another (it restarted, a report was lost). The chat
 * service decides who is online cluster-wide and publishes the events.
 *
 * <p>Reports, heartbeats and sets are published, so that each of several chat instances
 * (PostgreSQL, issue 12) holds this gateway's whole set; an instance whose set differs from a
 * heartbeat's count and sum asks this gateway for the whole set at its own address
 * ({@link Addresses#gatewayPresence}), answered from here.
 *
 * <p>Used from the gateway verticle's event loop only.
 */
final class PresenceReports {

  private static final Logger LOG = LoggerFactory.getLogger(PresenceReports.class);

  private final Vertx vertx;
  private final EventBus eventBus;
  private final long graceMs;
  private final long heartbeatMs;
  /** A fresh id per start: a restarted gateway never inherits what its former self reported. */
  private final String gatewayId = UUID.randomUUID().toString();
  /** Logged-in sockets open here, per user. */
  private final Map<Long, Integer> sockets = new HashMap<>();
  /** Users whose last socket closed, with the timer that reports them offline. */
  private final Map<Long, Long> leaving = new HashMap<>();
  /** Users reported online (with sockets, or within their grace), and their sum (wrapping). */
  private final Set<Long> reported = new HashSet<>();
  private long sum;
  private long heartbeatTimer = -1;
  private MessageConsumer<JsonObject> setRequests;
  private boolean stopped;

  PresenceReports(Vertx vertx, long graceMs, long leaseMs) {
    this.vertx = vertx;
    this.eventBus = vertx.eventBus();
    this.graceMs = graceMs;
    this.heartbeatMs = Math.max(1, leaseMs / 3);
  }

  void start() {
    setRequests = eventBus.consumer(Addresses.gatewayPresence(gatewayId), msg -> {
      JsonArray users = new JsonArray();
      reported.forEach(users::add);
      LOG.info("Sending a chat instance this gateway's presence: {} users", users.size());
      DomainMetrics.presenceMessage("sync");
      msg.reply(new JsonObject().put("users", users));
    });
    heartbeatTimer = vertx.setPeriodic(heartbeatMs, id -> heartbeat());
  }

  /** Stops reporting and tells the chat service this gateway holds nobody any more. */
  void stop() {
    if (stopped) {
      return;
    }
    stopped = true;
    vertx.cancelTimer(heartbeatTimer);
    if (setRequests != null) {
      setRequests.unregister();
    }
    leaving.values().forEach(vertx::cancelTimer);
    leaving.clear();
    if (!reported.isEmpty()) {
      sync(new JsonArray());
    }
    reported.clear();
    sockets.clear();
  }

  /** A logged-in socket of the user opened here (its user found active). */
  void opened(long userId) {
    if (stopped) {
      return;
    }
    int open = sockets.merge(userId, 1, Integer::sum);
    Long timer = leaving.remove(userId);
    if (timer != null) {
      // Back within the grace: still reported online, nothing to say.
      vertx.cancelTimer(timer);
      return;
    }
    if (open == 1 && reported.add(userId)) {
      sum += userId;
      report(userId, true);
    }
  }

  /** A socket counted by {@link #opened} closed. */
  void closed(long userId) {
    if (stopped) {
      return;
    }
    Integer open = sockets.get(userId);
    if (open == null) {
      return;
    }
    if (open > 1) {
      sockets.put(userId, open - 1);
      return;
    }
    sockets.remove(userId);
    if (graceMs <= 0) {
      offline(userId);
    } else {
      leaving.put(userId, vertx.setTimer(graceMs, id -> {
        leaving.remove(userId);
        offline(userId);
      }));
    }
  }

  private void offline(long userId) {
    if (reported.remove(userId)) {
      sum -= userId;
      report(userId, false);
    }
  }

  private void report(long userId, boolean online) {
    DomainMetrics.presenceMessage("report");
    eventBus.publish(Addresses.CHAT_PRESENCE_REPORT,
      new JsonObject().put("gateway", gatewayId).put("user_id", userId).put("online", online));
  }

  private void heartbeat() {
    if (stopped) {
      return;
    }
    DomainMetrics.presenceMessage("heartbeat");
    eventBus.publish(Addresses.CHAT_PRESENCE_HEARTBEAT,
      new JsonObject().put("gateway", gatewayId).put("count", reported.size()).put("sum", sum));
  }

  private void sync(JsonArray users) {
    DomainMetrics.presenceMessage("sync");
    eventBus.publish(Addresses.CHAT_PRESENCE_SYNC, new JsonObject().put("gateway", gatewayId).put("users", users));
  }
}
