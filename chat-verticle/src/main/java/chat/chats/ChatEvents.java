package chat.chats;

import chat.shared.Addresses;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * Everything this service publishes on {@code chat.{id}} and {@code user.{id}}, in one place:
 * called only after the change it announces is committed.
 */
final class ChatEvents {

  private final EventBus eventBus;
  private final UserDirectory users;

  ChatEvents(EventBus eventBus, UserDirectory users) {
    this.eventBus = eventBus;
    this.users = users;
  }

  /** {@code message}: the message object carries its seq. */
  void message(long chatId, JsonObject message) {
    publish(chatId, Views.messageEvent(message));
  }

  void messageEdited(long chatId, JsonObject message, long seq) {
    publish(chatId, Views.messageEditedEvent(message, seq));
  }

  void messageDeleted(long chatId, long messageId, long seq) {
    publish(chatId, Views.messageDeletedEvent(chatId, messageId, seq));
  }

  void reactionChanged(long chatId, long messageId, JsonArray reactions, long seq) {
    publish(chatId, Views.reactionChangedEvent(chatId, messageId, reactions, seq));
  }

  void chatRenamed(long chatId, String name, long seq) {
    publish(chatId, Views.chatRenamedEvent(chatId, name, seq));
  }

  /** {@code participant_added} or {@code participant_removed} about this user. */
  void participant(long chatId, String type, long userId, long seq) {
    publish(chatId, Views.participantEvent(type, chatId, users.userJson(userId), seq));
  }

  void chatDeleted(long chatId) {
    publish(chatId, Views.chatDeletedEvent(chatId));
  }

  /** {@code read}: the user's marker of the chat moved (live only, no seq). */
  void read(long chatId, long userId, long lastReadMessageId) {
    publish(chatId, Views.readEvent(chatId, userId, lastReadMessageId));
  }

  /** {@code presence}: a participant came online or went offline (live only, no seq). */
  void presence(long chatId, long userId, boolean online) {
    publish(chatId, Views.presenceEvent(chatId, userId, online));
  }

  /** {@code unread} on the user's own address: its marker of the chat moved, for its other tabs and devices. */
  void unread(long userId, long chatId, long unreadCount, long lastReadMessageId) {
    eventBus.publish(Addresses.userEvents(userId), Views.unreadEvent(chatId, unreadCount, lastReadMessageId));
  }

  /** {@code chat_added} on the user's own address: the chat, as its participants see it. */
  void chatAdded(long userId, JsonObject chat) {
    eventBus.publish(Addresses.userEvents(userId), Views.chatAddedEvent(chat));
  }

  /** {@code chat_removed} on the user's own address: removed, left, or the chat was deleted. */
  void chatRemoved(long userId, long chatId) {
    eventBus.publish(Addresses.userEvents(userId), Views.chatRemovedEvent(chatId));
  }

  private void publish(long chatId, JsonObject event) {
    eventBus.publish(Addresses.chatEvents(chatId), event);
  }
}
