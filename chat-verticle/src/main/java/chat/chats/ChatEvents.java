package chat.chats;

import chat.shared.Addresses;
import io.vertx.core.eventbus.EventBus;
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

  void message(long chatId, JsonObject message) {
    publish(chatId, Views.messageEvent(message));
  }

  /** {@code participant_added} or {@code participant_removed} about this user. */
  void participant(long chatId, String type, long userId) {
    publish(chatId, Views.participantEvent(type, chatId, users.userJson(userId)));
  }

  void chatDeleted(long chatId) {
    publish(chatId, Views.chatDeletedEvent(chatId));
  }

  void messageDeleted(long chatId, long messageId) {
    publish(chatId, Views.messageDeletedEvent(chatId, messageId));
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
