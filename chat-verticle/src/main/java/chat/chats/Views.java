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
   * last_activity_at, last_seq}}; last_activity_at (creation or newest message) extends the contract.
   */
  static JsonObject chat(ChatRow chat, List<JsonObject> participants) {
    return new JsonObject()
      .put("id", chat.id())
      .put("name", chat.name())
      .put("created_at", time(chat.createdAt()))
      .put("created_by", chat.createdBy())
      .put("participants", new JsonArray(new ArrayList<>(participants)))
      .put("last_activity_at", time(chat.lastActivityAt()))
      .put("last_seq", chat.lastSeq());
  }

  /**
   * A chat object as one user sees it: adds that user's {@code last_read_message_id} (0 when it
   * read nothing, null when it is not a participant) and {@code unread_count}.
   */
  static JsonObject withReads(JsonObject chat, Long lastReadMessageId, long unreadCount) {
    return chat.put("unread_count", unreadCount).put("last_read_message_id", lastReadMessageId);
  }

  /** The answer of a read marker request: {@code {chat_id, user_id, last_read_message_id, unread_count}}. */
  static JsonObject readState(long chatId, long userId, long lastReadMessageId, long unreadCount) {
    return new JsonObject().put("chat_id", chatId).put("user_id", userId)
      .put("last_read_message_id", lastReadMessageId).put("unread_count", unreadCount);
  }

  /** One entry of {@code /reads}: {@code {user_id, last_read_message_id, read_at}}, read_at null until the marker moved. */
  static JsonObject receipt(long userId, long lastReadMessageId, Long readAt) {
    return new JsonObject().put("user_id", userId).put("last_read_message_id", lastReadMessageId)
      .put("read_at", readAt == null ? null : time(readAt));
  }

  /**
   * Message object: {@code {id, chat_id, sender:{id, username, user_type}, content, created_at,
   * seq, edited_at, reactions, attachments}}. A deleted message (only the feed shows one, in the
   * events before its {@code message_deleted}) has empty content and reactions and a
   * {@code deleted_at}.
   */
  static JsonObject message(StoredMessage message, UserRecord sender, JsonArray reactions) {
    return message(message, sender, reactions, null);
  }

  /** The same with the message's {@code attachments} ({@link #attachment} each; null or a deleted message: none). */
  static JsonObject message(StoredMessage message, UserRecord sender, JsonArray reactions, JsonArray attachments) {
    JsonObject json = new JsonObject()
      .put("id", message.id())
      .put("chat_id", message.chatId())
      .put("sender", sender(message.senderId(), sender))
      .put("content", message.content())
      .put("created_at", time(message.createdAt()))
      .put("seq", message.seq())
      .put("edited_at", message.editedAt() == null ? null : time(message.editedAt()))
      .put("reactions", reactions == null || message.deleted() ? new JsonArray() : reactions)
      .put("attachments", attachments == null || message.deleted() ? new JsonArray() : attachments);
    if (message.deleted()) {
      json.put("deleted_at", time(message.deletedAt()));
    }
    return json;
  }

  /**
   * Attachment object (the upload's answer, and each entry of a message's {@code attachments}):
   * {@code {id, chat_id, filename, content_type, size, sha256, created_at}}.
   */
  static JsonObject attachment(AttachmentRow a) {
    return new JsonObject().put("id", a.id()).put("chat_id", a.chatId()).put("filename", a.filename())
      .put("content_type", a.contentType()).put("size", a.size()).put("sha256", a.sha256())
      .put("created_at", time(a.createdAt()));
  }

  /** One entry of a message's {@code reactions}: {@code {emoji, count, user_ids}}. */
  static JsonObject reaction(String emoji, JsonArray userIds) {
    return new JsonObject().put("emoji", emoji).put("count", userIds.size()).put("user_ids", userIds);
  }

  /** Published on {@code chat.{id}}: {@code {type:"message", message, seq}}. */
  static JsonObject messageEvent(JsonObject message) {
    return new JsonObject().put(Events.TYPE, Events.MESSAGE).put("message", message)
      .put(Events.SEQ, message.getLong("seq"));
  }

  /** Published on {@code chat.{id}}: {@code {type:"message_edited", message, seq}}. */
  static JsonObject messageEditedEvent(JsonObject message, long seq) {
    return new JsonObject().put(Events.TYPE, Events.MESSAGE_EDITED).put("message", message).put(Events.SEQ, seq);
  }

  /** Published on {@code chat.{id}}: {@code {type:"reaction_changed", chat_id, message_id, reactions, seq}}. */
  static JsonObject reactionChangedEvent(long chatId, long messageId, JsonArray reactions, long seq) {
    return new JsonObject().put(Events.TYPE, Events.REACTION_CHANGED).put("chat_id", chatId)
      .put("message_id", messageId).put("reactions", reactions).put(Events.SEQ, seq);
  }

  /** Published on {@code chat.{id}}: {@code {type:"chat_renamed", chat_id, name, seq}}. */
  static JsonObject chatRenamedEvent(long chatId, String name, long seq) {
    return new JsonObject().put(Events.TYPE, Events.CHAT_RENAMED).put("chat_id", chatId).put("name", name)
      .put(Events.SEQ, seq);
  }

  /** Published on {@code chat.{id}}: {@code {type:"participant_added"|"participant_removed", chat_id, user, seq}}. */
  static JsonObject participantEvent(String type, long chatId, JsonObject user, long seq) {
    return new JsonObject().put(Events.TYPE, type).put("chat_id", chatId).put("user", user).put(Events.SEQ, seq);
  }

  /** Published on {@code chat.{id}} when an owner deleted the chat: {@code {type:"chat_deleted", chat_id}}. */
  static JsonObject chatDeletedEvent(long chatId) {
    return new JsonObject().put(Events.TYPE, Events.CHAT_DELETED).put("chat_id", chatId);
  }

  /** Published on {@code chat.{id}} per deleted message: {@code {type:"message_deleted", chat_id, message_id, seq}}. */
  static JsonObject messageDeletedEvent(long chatId, long messageId, long seq) {
    return new JsonObject().put(Events.TYPE, Events.MESSAGE_DELETED).put("chat_id", chatId).put("message_id", messageId)
      .put(Events.SEQ, seq);
  }

  /** Published on {@code chat.{id}} when a marker moved: {@code {type:"read", chat_id, user_id, last_read_message_id}} (no seq). */
  static JsonObject readEvent(long chatId, long userId, long lastReadMessageId) {
    return new JsonObject().put(Events.TYPE, Events.READ).put("chat_id", chatId).put("user_id", userId)
      .put("last_read_message_id", lastReadMessageId);
  }

  /** Published on {@code chat.{id}}: {@code {type:"presence", chat_id, user_id, online}} (live only, no seq). */
  static JsonObject presenceEvent(long chatId, long userId, boolean online) {
    return new JsonObject().put(Events.TYPE, Events.PRESENCE).put("chat_id", chatId).put("user_id", userId)
      .put("online", online);
  }

  /** Published on {@code user.{id}} when its marker moved: {@code {type:"unread", chat_id, unread_count, last_read_message_id}}. */
  static JsonObject unreadEvent(long chatId, long unreadCount, long lastReadMessageId) {
    return new JsonObject().put(Events.TYPE, Events.UNREAD).put("chat_id", chatId).put("unread_count", unreadCount)
      .put("last_read_message_id", lastReadMessageId);
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
