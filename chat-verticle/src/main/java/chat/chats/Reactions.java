package chat.chats;

import chat.shared.ServiceError;
import chat.shared.TokenBuckets;
import chat.shared.validation.Fields;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;

/**
 * Adding and removing one's reaction to a message. A change and its seq ({@link ChatLog}) are
 * one write transaction and {@code reaction_changed} (the reactions after it) is published after
 * COMMIT; adding a reaction one has, or removing one one has not, changes nothing, takes no seq
 * and publishes nothing. Both answer the message's reactions.
 */
final class Reactions {

  /** Distinct emoji one message may carry. */
  static final int MAX_DISTINCT_EMOJI = 20;

  private final ChatStore store;
  private final MessageChangeStore changes;
  private final Membership membership;
  private final ChatEvents events;
  private final TokenBuckets sendsPerUser;

  Reactions(ChatStore store, MessageChangeStore changes, Membership membership, ChatEvents events,
            TokenBuckets sendsPerUser) {
    this.store = store;
    this.changes = changes;
    this.membership = membership;
    this.events = events;
    this.sendsPerUser = sendsPerUser;
  }

  /** The reactions after a change, and its seq (null when nothing changed). */
  private record Change(Long seq, JsonArray reactions) {
  }

  /** {@code {user_id, chat_id, message_id, emoji}} -> {@code {reactions}}: adds the caller's reaction. */
  Future<JsonObject> add(JsonObject body) {
    return change(body, true);
  }

  /** {@code {user_id, chat_id, message_id, emoji}} -> {@code {reactions}}: removes the caller's reaction. */
  Future<JsonObject> remove(JsonObject body) {
    return change(body, false);
  }

  private Future<JsonObject> change(JsonObject body, boolean add) {
    long caller = Validation.caller(body);
    MessageService.takeBudget(sendsPerUser, caller);
    Fields in = new Fields(body);
    long chatId = Validation.chatId(in);
    long messageId = Validation.id(in, "message_id", "message_id", true);
    String emoji = Validation.emoji(in);
    in.throwIfInvalid();
    if (!membership.isMember(chatId, caller)) {
      throw ServiceError.notFound("Chat");
    }
    long now = System.currentTimeMillis();
    return store.inTransaction(tx -> changes.message(tx, chatId, messageId, caller).compose(target -> {
        if (target == null || target.message().deleted()) {
          return Future.failedFuture(ServiceError.notFound("Message"));
        }
        Future<Boolean> changed = add
          ? changes.emojiState(tx, messageId, emoji, caller).compose(state -> {
            if (state.mine()) {
              return Future.succeededFuture(false);
            }
            if (!state.emojiUsed() && state.distinctEmoji() >= MAX_DISTINCT_EMOJI) {
              return Future.failedFuture(ServiceError.validation("emoji",
                "a message has at most " + MAX_DISTINCT_EMOJI + " different reactions"));
            }
            return changes.addReaction(tx, messageId, emoji, caller, now);
          })
          : changes.removeReaction(tx, messageId, emoji, caller);
        return changed
          .compose(did -> did
            ? store.log().append(tx, chatId, ChatLog.Kind.REACTION_CHANGED, messageId, null, null, now).map(ChatLog.Entry::seq)
            : Future.succeededFuture((Long) null))
          .compose(seq -> store.reactions(tx, List.of(messageId))
            .map(reactions -> new Change(seq, reactions.getOrDefault(messageId, new JsonArray()))));
      }))
      .map(change -> {
        if (change.seq() != null) {
          events.reactionChanged(chatId, messageId, change.reactions(), change.seq());
        }
        return new JsonObject().put("reactions", change.reactions());
      });
  }
}
