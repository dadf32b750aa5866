package chat.chats;

import chat.shared.ServiceError;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;

/**
 * Read markers, receipts and unread counts: {@code PUT /api/chats/{id}/read},
 * {@code GET /api/chats/{id}/reads}, and the chat objects as one user sees them (its marker and
 * unread count; see {@link ReadStore} for why the counts are exact and cheap).
 *
 * <p>A marker only moves forward. A move is written on the writer connection and, after COMMIT,
 * published as {@code read} on {@code chat.{id}} (live, no seq: the current state is always in
 * {@code /reads}) and as {@code unread} on the reader's {@code user.{id}}, for its other tabs
 * and devices. A request at or below the marker is answered from a reader connection, writing
 * nothing.
 */
final class ReadMarkers {

  private final ReadStore reads;
  private final ChatStore store;
  private final Membership membership;
  private final UserDirectory users;
  private final ChatEvents events;

  ReadMarkers(ReadStore reads, ChatStore store, Membership membership, UserDirectory users, ChatEvents events) {
    this.reads = reads;
    this.store = store;
    this.membership = membership;
    this.users = users;
    this.events = events;
  }

  /**
   * {@code {user_id, chat_id, message_id}} -> {@code {chat_id, user_id, last_read_message_id,
   * unread_count}}, the caller's marker as it is after the request.
   */
  Future<JsonObject> markRead(JsonObject body) {
    long caller = Validation.caller(body);
    long chatId = Validation.chatId(body);
    long messageId = Validation.id(body, "message_id", "message_id", false);
    requireMember(chatId, caller);
    return reads.position(chatId, caller, messageId).compose(seen -> {
      checkPosition(seen);
      if (messageId <= seen.marker().lastReadMessageId()) {
        return Future.succeededFuture(Views.readState(chatId, caller, seen.marker().lastReadMessageId(),
          seen.marker().unreadCount()));
      }
      long now = System.currentTimeMillis();
      // Decided again inside the transaction: another request may have moved it meanwhile.
      return store.inTransaction(tx -> reads.lockedPosition(tx, chatId, caller, messageId).compose(position -> {
          checkPosition(position);
          if (messageId <= position.marker().lastReadMessageId()) {
            return Future.succeededFuture(new Move(position.marker(), false));
          }
          return store.moveMarkers(tx, List.of(new ChatStore.Marker(chatId, caller, messageId, position.n(), now)))
            .compose(v -> reads.marker(tx, chatId, caller))
            .map(marker -> new Move(marker, true));
        }))
        .map(move -> {
          ReadStore.Marker marker = move.marker();
          if (move.moved()) {
            events.read(chatId, caller, marker.lastReadMessageId());
            events.unread(caller, chatId, marker.unreadCount(), marker.lastReadMessageId());
          }
          return Views.readState(chatId, caller, marker.lastReadMessageId(), marker.unreadCount());
        });
    });
  }

  /** {@code {user_id, chat_id}} -> {@code {reads:[{user_id, last_read_message_id, read_at}..]}}, every participant. */
  Future<JsonObject> receipts(JsonObject body) {
    long caller = Validation.caller(body);
    long chatId = Validation.chatId(body);
    requireMember(chatId, caller);
    return reads.receipts(chatId).map(receipts -> {
      JsonArray list = new JsonArray(new ArrayList<>(receipts.size()));
      receipts.forEach(r -> list.add(Views.receipt(r.userId(), r.lastReadMessageId(), r.readAt())));
      return new JsonObject().put("reads", list);
    });
  }

  /** The chat as {@code userId} sees it (its marker and unread count); NOT_FOUND when the chat does not exist. */
  Future<JsonObject> chatFor(long chatId, long userId) {
    return reads.chatOf(chatId, userId).map(found -> {
      if (found == null) {
        throw ServiceError.notFound("Chat");
      }
      return view(found);
    });
  }

  /** The user's chats as it sees them, most recent activity first: one query for all the counts. */
  Future<JsonArray> chatsOf(long userId) {
    return reads.chatsOf(userId).map(found -> {
      JsonArray chats = new JsonArray(new ArrayList<>(found.size()));
      found.forEach(chat -> chats.add(view(chat)));
      return chats;
    });
  }

  private JsonObject view(ReadStore.ChatRead found) {
    ChatRow chat = found.chat();
    return Views.withReads(Views.chat(chat, users.usersJson(membership.participants(chat.id()))),
      found.lastReadMessageId(), found.unreadCount());
  }

  /** What a transaction did to a marker: where it is now, and whether it moved. */
  private record Move(ReadStore.Marker marker, boolean moved) {
  }

  /** Not a participant (any more): 404; a message that is not this chat's: 400 on message_id. */
  private static void checkPosition(ReadStore.Position position) {
    if (position == null) {
      throw ServiceError.notFound("Chat");
    }
    if (position.n() == null) {
      throw ServiceError.validation("message_id", "is not a message of this chat");
    }
  }

  private void requireMember(long chatId, long userId) {
    if (!membership.isMember(chatId, userId)) {
      throw ServiceError.notFound("Chat");
    }
  }
}
