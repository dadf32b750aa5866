package chat.chats;

import chat.shared.ServiceError;
import chat.shared.validation.Fields;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The change feed of a chat, {@code GET /api/chats/{id}/events?after_seq=&limit=}: the chat's
 * numbered events after a seq, in the shapes the bridge publishes, for as long as the chat
 * exists. A participant sees them from its (latest) joining on. Each event shows what it names as
 * it is now: a message edited since shows its new content, one deleted since is empty and carries
 * {@code deleted_at} (its {@code message_deleted} follows in the same feed).
 */
final class ChatFeed {

  private final ChatLog log;
  private final ChatStore store;
  private final Membership membership;
  private final UserDirectory users;

  ChatFeed(ChatLog log, ChatStore store, Membership membership, UserDirectory users) {
    this.log = log;
    this.store = store;
    this.membership = membership;
    this.users = users;
  }

  /** {@code {user_id, chat_id, after_seq?, limit?}} -> {@code {events:[..], has_more, last_seq}}. */
  Future<JsonObject> events(JsonObject body) {
    long caller = Validation.caller(body);
    Fields in = new Fields(body);
    long chatId = Validation.chatId(in);
    Validation.FeedPaging paging = Validation.feedPaging(in);
    in.throwIfInvalid();
    if (!membership.isMember(chatId, caller)) {
      throw ServiceError.notFound("Chat");
    }
    return log.feedStart(chatId, caller).compose(start -> {
      if (start == null) {
        return Future.failedFuture(ServiceError.notFound("Chat"));
      }
      // Compared before adding 1: an after_seq of Long.MAX_VALUE (a JSON number) must not wrap to the start.
      if (paging.afterSeq() >= start.lastSeq()) {
        return Future.succeededFuture(page(List.of(), false, start.lastSeq(), Map.of(), Map.of(), Map.of()));
      }
      long from = Math.max(paging.afterSeq() + 1, start.joinedSeq());
      if (from > start.lastSeq()) {
        return Future.succeededFuture(page(List.of(), false, start.lastSeq(), Map.of(), Map.of(), Map.of()));
      }
      // Bounded by the newest seq read first, so has_more and last_seq agree with the page.
      return log.entries(chatId, from, start.lastSeq(), paging.limit() + 1).compose(found -> {
        boolean hasMore = found.size() > paging.limit();
        List<ChatLog.Entry> entries = hasMore ? found.subList(0, paging.limit()) : found;
        Set<Long> messageIds = new LinkedHashSet<>();
        entries.forEach(e -> {
          if (e.messageId() != null) {
            messageIds.add(e.messageId());
          }
        });
        return store.storedMessages(messageIds).compose(messages -> store.reactions(messageIds)
          .compose(reactions -> store.attachments().ofMessages(messageIds)
            .map(attached -> page(entries, hasMore, start.lastSeq(), messages, reactions, attached))));
      });
    });
  }

  private JsonObject page(List<ChatLog.Entry> entries, boolean hasMore, long lastSeq,
                          Map<Long, StoredMessage> messages, Map<Long, JsonArray> reactions,
                          Map<Long, JsonArray> attached) {
    JsonArray events = new JsonArray(new ArrayList<>(entries.size()));
    for (ChatLog.Entry entry : entries) {
      events.add(render(entry, messages, reactions, attached));
    }
    return new JsonObject().put("events", events).put("has_more", hasMore).put("last_seq", lastSeq);
  }

  private JsonObject render(ChatLog.Entry e, Map<Long, StoredMessage> messages, Map<Long, JsonArray> reactions,
                            Map<Long, JsonArray> attached) {
    long chatId = e.chatId();
    switch (e.kind()) {
      case MESSAGE:
        return Views.messageEvent(messageView(e, messages, reactions, attached));
      case MESSAGE_EDITED:
        return Views.messageEditedEvent(messageView(e, messages, reactions, attached), e.seq());
      case MESSAGE_DELETED:
        return Views.messageDeletedEvent(chatId, e.messageId(), e.seq());
      case REACTION_CHANGED: {
        StoredMessage message = messages.get(e.messageId());
        JsonArray now = message == null || message.deleted() ? null : reactions.get(e.messageId());
        return Views.reactionChangedEvent(chatId, e.messageId(), now == null ? new JsonArray() : now, e.seq());
      }
      case PARTICIPANT_ADDED:
      case PARTICIPANT_REMOVED:
        return Views.participantEvent(e.kind().type, chatId, users.userJson(e.userId()), e.seq());
      case CHAT_RENAMED:
        return Views.chatRenamedEvent(chatId, e.name(), e.seq());
      default:
        throw new IllegalStateException("No view for " + e.kind());
    }
  }

  /** The message an event names, as it is now; one whose row is gone shows as deleted at the event's time. */
  private JsonObject messageView(ChatLog.Entry e, Map<Long, StoredMessage> messages, Map<Long, JsonArray> reactions,
                                 Map<Long, JsonArray> attached) {
    StoredMessage message = messages.get(e.messageId());
    if (message == null) {
      message = new StoredMessage(e.messageId(), e.chatId(), 0, "", e.createdAt(), null, e.seq(), 0, null, e.createdAt());
    }
    return Views.message(message, users.get(message.senderId()), reactions.get(message.id()),
      attached.get(message.id()));
  }
}
