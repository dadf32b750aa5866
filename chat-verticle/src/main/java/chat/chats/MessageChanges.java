package chat.chats;

import chat.shared.ErrorCode;
import chat.shared.ServiceError;
import chat.shared.TokenBuckets;
import chat.shared.validation.Fields;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Editing and deleting one message. Each change and its seq ({@link ChatLog}) are one write
 * transaction; the event on {@code chat.{id}} is published after COMMIT. A change that would
 * change nothing (an edit to the same content) takes no seq and publishes nothing.
 */
final class MessageChanges {

  private static final Logger LOG = LoggerFactory.getLogger(MessageChanges.class);

  private final ChatStore store;
  private final MessageChangeStore changes;
  private final Membership membership;
  private final UserDirectory users;
  private final ChatEvents events;
  private final int maxMessageLength;
  private final TokenBuckets sendsPerUser;

  MessageChanges(ChatStore store, MessageChangeStore changes, Membership membership, UserDirectory users,
                 ChatEvents events, int maxMessageLength, TokenBuckets sendsPerUser) {
    this.store = store;
    this.changes = changes;
    this.membership = membership;
    this.users = users;
    this.events = events;
    this.maxMessageLength = maxMessageLength;
    this.sendsPerUser = sendsPerUser;
  }

  /** The message after an edit, and the seq of the edit (null when nothing changed). */
  private record Edited(StoredMessage message, Long seq, JsonArray reactions) {
  }

  /**
   * {@code {user_id, chat_id, message_id, content}} -> the message with {@code edited_at}. Only its
   * sender may edit; content is validated like a send's. The same content again answers the
   * message as it is, without a seq or an event.
   */
  Future<JsonObject> edit(JsonObject body) {
    long caller = Validation.caller(body);
    MessageService.takeBudget(sendsPerUser, caller);
    Fields in = new Fields(body);
    long chatId = Validation.chatId(in);
    long messageId = Validation.id(in, "message_id", "message_id", true);
    String content = Validation.content(in, maxMessageLength);
    in.throwIfInvalid();
    requireMember(chatId, caller);
    long now = System.currentTimeMillis();
    return store.inTransaction(tx -> changes.message(tx, chatId, messageId, caller).compose(target -> {
        if (target == null || target.message().deleted()) {
          return Future.failedFuture(ServiceError.notFound("Message"));
        }
        StoredMessage m = target.message();
        if (m.senderId() != caller) {
          return Future.failedFuture(new ServiceError(ErrorCode.FORBIDDEN, "Only its sender may edit a message"));
        }
        Future<Edited> edited = m.content().equals(content)
          ? Future.succeededFuture(new Edited(m, null, null))
          : changes.edit(tx, messageId, content, now)
            .compose(v -> store.log().append(tx, chatId, ChatLog.Kind.MESSAGE_EDITED, messageId, null, null, now))
            .map(entry -> new Edited(new StoredMessage(m.id(), m.chatId(), m.senderId(), content, m.createdAt(),
              m.clientId(), m.seq(), m.n(), now, null), entry.seq(), null));
        return edited.compose(e -> store.reactions(tx, List.of(messageId))
          .map(reactions -> new Edited(e.message(), e.seq(), reactions.get(messageId))));
      }))
      .compose(e -> store.attachments().ofMessages(List.of(messageId)).map(attached -> {
        JsonObject view = Views.message(e.message(), users.get(e.message().senderId()), e.reactions(),
          attached.get(messageId));
        if (e.seq() != null) {
          LOG.debug("Message {} of chat {} edited by its sender", messageId, chatId);
          events.messageEdited(chatId, view, e.seq());
        }
        return view;
      }));
  }

  /**
   * {@code {user_id, user_type, chat_id, message_id}} -> {@code {}}. Its sender, the chat's
   * creator and owners may delete a message; it leaves history and unread counts (the row stays,
   * emptied: {@link ChatStore#deleteMessages}). An already deleted message is not found.
   */
  Future<JsonObject> delete(JsonObject body) {
    long caller = Validation.caller(body);
    MessageService.takeBudget(sendsPerUser, caller);
    Fields in = new Fields(body);
    long chatId = Validation.chatId(in);
    long messageId = Validation.id(in, "message_id", "message_id", true);
    in.throwIfInvalid();
    requireMember(chatId, caller);
    boolean owner = ChatService.isOwner(users, caller, body.getValue("user_type"));
    long now = System.currentTimeMillis();
    return store.inTransaction(tx -> changes.message(tx, chatId, messageId, caller).compose(target -> {
        if (target == null || target.message().deleted()) {
          return Future.failedFuture(ServiceError.notFound("Message"));
        }
        if (target.message().senderId() != caller && target.chatCreatedBy() != caller && !owner) {
          return Future.failedFuture(new ServiceError(ErrorCode.FORBIDDEN,
            "Only its sender, the chat's creator or an owner may delete a message"));
        }
        return store.deleteMessages(tx, List.<long[]>of(new long[] {messageId, chatId}), now).map(entries -> entries.get(0));
      }))
      .map(entry -> {
        LOG.info("Message {} of chat {} deleted by user {}", messageId, chatId, caller);
        events.messageDeleted(chatId, messageId, entry.seq());
        return new JsonObject();
      });
  }

  private void requireMember(long chatId, long userId) {
    if (!membership.isMember(chatId, userId)) {
      throw ServiceError.notFound("Chat");
    }
  }
}
