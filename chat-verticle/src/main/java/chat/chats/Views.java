package chat.chats;

import chat.shared.Events;
import chat.shared.Times;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** The JSON shapes this service serves and publishes, exactly as the public contract spells them. */
final class Views {

  private Views() {
  }

  /**
   * User object as participants see each other: {@code {id, username, user_type, date_joined}}.
   * No email: a user's email goes only to that user and to owners (contract v2, "Privacy of user
   * objects"), and this service only ever shows users to the other participants of a chat.
   */
  static JsonObject user(long id, UserRecord user) {
    JsonObject json = new JsonObject().put("id", id);
    if (user != null) {
      json.put("username", user.username())
        .put("user_type", user.userType())
        .put("date_joined", user.dateJoined());
    }
    return json;
  }

  /** User object for owners (the administration API): {@code {id, username, email, user_type, date_joined}}. */
  static JsonObject userForOwner(long id, UserRecord user) {
    JsonObject json = user(id, user);
    if (user != null) {
      json.put("email", user.email());
    }
    return json;
  }

  /** Sender of a message: {@code {id, username, user_type}}. */
  static JsonObject sender(long id, UserRecord user) {
    JsonObject json = new JsonObject().put("id", id);
    if (user != null) {
      json.put("username", user.username()).put("user_type", user.userType());
    }
    return json;
  }

  /**
   * Chat object: {@code {id, name, created_at, created_by, participants:[user..],
   * last_activity_at}}; last_activity_at (creation or newest message) extends the contract.
   */
  static JsonObject chat(ChatRow chat, List<JsonObject> participants) {
    return new JsonObject()
      .put("id", chat.id())
      .put("name", chat.name())
      .put("created_at", time(chat.createdAt()))
      .put("created_by", chat.createdBy())
      .put("participants", new JsonArray(new ArrayList<>(participants)))
      .put("last_activity_at", time(chat.lastActivityAt()));
  }

  /** Message object: {@code {id, chat_id, sender:{id, username, user_type}, content, created_at}}. */
  static JsonObject message(StoredMessage message, UserRecord sender) {
    return new JsonObject()
      .put("id", message.id())
      .put("chat_id", message.chatId())
      .put("sender", sender(message.senderId(), sender))
      .put("content", message.content())
      .put("created_at", time(message.createdAt()));
  }

  /** Published on {@code chat.{id}}: {@code {type:"message", message}}. */
  static JsonObject messageEvent(JsonObject message) {
    return new JsonObject().put(Events.TYPE, Events.MESSAGE).put("message", message);
  }

  /** Published on {@code chat.{id}}: {@code {type:"participant_added"|"participant_removed", chat_id, user}}. */
  static JsonObject participantEvent(String type, long chatId, JsonObject user) {
    return new JsonObject().put(Events.TYPE, type).put("chat_id", chatId).put("user", user);
  }

  /** Published on {@code chat.{id}} when an owner deleted the chat: {@code {type:"chat_deleted", chat_id}}. */
  static JsonObject chatDeletedEvent(long chatId) {
    return new JsonObject().put(Events.TYPE, Events.CHAT_DELETED).put("chat_id", chatId);
  }

  /** Published on {@code chat.{id}} per message an owner deleted: {@code {type:"message_deleted", chat_id, message_id}}. */
  static JsonObject messageDeletedEvent(long chatId, long messageId) {
    return new JsonObject().put(Events.TYPE, Events.MESSAGE_DELETED).put("chat_id", chatId).put("message_id", messageId);
  }

  /** Published on {@code user.{id}}: {@code {type:"chat_added", chat}}. */
  static JsonObject chatAddedEvent(JsonObject chat) {
    return new JsonObject().put(Events.TYPE, Events.CHAT_ADDED).put("chat", chat);
  }

  /** Published on {@code user.{id}}: {@code {type:"chat_removed", chat_id}}. */
  static JsonObject chatRemovedEvent(long chatId) {
    return new JsonObject().put(Events.TYPE, Events.CHAT_REMOVED).put("chat_id", chatId);
  }

  static String time(long epochMillis) {
    return Times.format(Instant.ofEpochMilli(epochMillis));
  }
}
