package chat.gateway;

import chat.shared.Addresses;
import chat.shared.ErrorCode;
import chat.shared.Events;
import chat.shared.TokenBuckets;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.json.JsonObject;
import java.util.function.LongSupplier;

/**
 * Typing notices: a participant's {@code send} of {@code {}} to {@code chat.{id}.typing},
 * already permitted (policy, then membership: the socket's live registration on the chat or a
 * fresh answer of the chat service, never a remembered one, see {@link BridgeProtocol}), is
 * published by this gateway as
 * {@code {"type":"typing","chat_id","user":{"id","username"}}} on {@code chat.{id}}, the user
 * taken from the socket's session. Nothing is stored and nothing goes through the chat service:
 * no seq, nothing in the feed.
 *
 * <p>At most one notice per user per chat per {@value #INTERVAL_MS} ms is passed on; more are
 * dropped silently. The limit is kept twice, each time on one event loop and without asking
 * anyone: here, for the sends this gateway takes (so a client cannot flood the event bus), and
 * in {@link FanOut} for the notices each gateway delivers (so a user typing from sockets on two
 * gateways at once still reaches each socket at most once a second: the limit holds
 * cluster-wide where it is seen, at the receiving sockets, without a cluster-wide lock or map).
 * The typer's own sockets never get its notices ({@link FanOut}).
 *
 * <p>A send with a {@code replyAddress} is answered {@code rec} with {@code {}} whether the
 * notice was passed on or dropped; a body that is not a JSON object is answered with a
 * {@code validation} failure there (without a reply address, it is dropped).
 *
 * <p>Used from the gateway verticle's event loop only.
 */
final class Typing {

  /** The shortest time between two notices of one user in one chat that are passed on. */
  static final long INTERVAL_MS = 1_000;
  /** (chat, user) pairs remembered at most; the least recently used go first. */
  private static final int MAX_KEYS = 100_000;
  private static final String FAILURE_TYPE = ReplyFailure.RECIPIENT_FAILURE.name();

  private final EventBus eventBus;
  private final TokenBuckets sent;

  Typing(EventBus eventBus, LongSupplier clock) {
    this.eventBus = eventBus;
    this.sent = limits(clock);
  }

  /** One token per (chat, user), back after {@value #INTERVAL_MS} ms: at most one notice per interval. */
  static TokenBuckets limits(LongSupplier clock) {
    return new TokenBuckets(1, 1_000.0 / INTERVAL_MS, MAX_KEYS, clock);
  }

  static String key(long chatId, long userId) {
    return chatId + ":" + userId;
  }

  /**
   * A participant's typing send: published unless one of the same user in the same chat was
   * within the interval. Returns the reply frame for {@code replyAddress}, or null without one.
   */
  Buffer typed(BridgeConnection connection, long chatId, Object body, String replyAddress) {
    if (!(body instanceof JsonObject)) {
      return replyAddress == null ? null : BridgeFrames.failure(replyAddress,
        ErrorCode.VALIDATION.httpStatus(), FAILURE_TYPE, ErrorCode.VALIDATION.wireName());
    }
    if (sent.tryTake(key(chatId, connection.userId))) {
      eventBus.publish(Addresses.chatEvents(chatId), event(chatId, connection.userId, connection.username));
    }
    return replyAddress == null ? null : BridgeFrames.rec(replyAddress, new JsonObject(), null);
  }

  /** Forgets the pairs whose interval is over (periodically, to bound memory). */
  void evictIdle() {
    sent.evictFull();
  }

  static JsonObject event(long chatId, long userId, String username) {
    return new JsonObject().put(Events.TYPE, Events.TYPING).put("chat_id", chatId)
      .put("user", new JsonObject().put("id", userId).put("username", username));
  }
}
