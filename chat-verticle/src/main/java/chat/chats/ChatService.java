package chat.chats;

import chat.shared.ErrorCode;
import chat.shared.Events;
import chat.shared.ServiceError;
import chat.shared.UserType;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The chat operations: create, list, get, rename, add and remove participants, membership. Permission
 * checks read the {@link Membership} cache; changes are written in one transaction and the caches
 * and events follow only after COMMIT.
 */
final class ChatService {

  private static final Logger LOG = LoggerFactory.getLogger(ChatService.class);

  private final ChatStore store;
  private final Membership membership;
  private final UserDirectory users;
  private final ChatEvents events;

  ChatService(ChatStore store, Membership membership, UserDirectory users, ChatEvents events) {
    this.store = store;
    this.membership = membership;
    this.users = users;
    this.events = events;
  }

  /** {@code {user_id, name, participant_ids}} -> chat; the creator is always a participant. */
  Future<JsonObject> create(JsonObject body) {
    long caller = Validation.caller(body);
    String name = Validation.chatName(body);
    Set<Long> participants = new LinkedHashSet<>();
    participants.add(caller);
    participants.addAll(Validation.participantIds(body));
    return users.resolve(participants, "participant_ids").compose(resolved -> {
      long now = System.currentTimeMillis();
      return store.inTransaction(tx -> store.upsertUsers(tx, resolved)
          .compose(v -> store.insertChat(tx, name, caller, now))
          .compose(chatId -> store.insertParticipants(tx, chatId, participants, now).map(chatId)))
        .map(chatId -> {
          users.remember(resolved);
          membership.add(chatId, participants);
          LOG.info("Chat {} created by user {} with {} participants", chatId, caller, participants.size());
          JsonObject chat = view(new ChatRow(chatId, name, caller, now, now, 0));
          participants.forEach(p -> events.chatAdded(p, chat));
          return chat;
        });
    });
  }

  /** {@code {user_id}} -> {@code {chats:[chat..]}}, most recent activity first. */
  Future<JsonObject> list(JsonObject body) {
    long caller = Validation.caller(body);
    return store.chatsOf(caller).map(rows -> {
      JsonArray chats = new JsonArray();
      rows.forEach(row -> chats.add(view(row)));
      return new JsonObject().put("chats", chats);
    });
  }

  /** {@code {user_id, chat_id}} -> chat; NOT_FOUND alike for a missing chat and a non-participant. */
  Future<JsonObject> get(JsonObject body) {
    long caller = Validation.caller(body);
    long chatId = Validation.chatId(body);
    requireMember(chatId, caller);
    return chatView(chatId);
  }

  /** {@code {user_id, chat_id, participant_id}} -> chat; adding a present participant changes nothing. */
  Future<JsonObject> addParticipant(JsonObject body) {
    long caller = Validation.caller(body);
    long chatId = Validation.chatId(body);
    long added = Validation.id(body, "participant_id", "user_id", false);
    requireMember(chatId, caller);
    if (membership.isMember(chatId, added)) {
      return chatView(chatId);
    }
    return users.resolve(List.of(added), "user_id").compose(resolved -> {
      long now = System.currentTimeMillis();
      return store.inTransaction(tx -> store.upsertUsers(tx, resolved)
          .compose(v -> store.addParticipant(tx, chatId, added, now)))
        .compose(seq -> {
          users.remember(resolved);
          if (seq != null) {
            membership.add(chatId, List.of(added));
            LOG.info("User {} added to chat {} by user {}", added, chatId, caller);
            events.participant(chatId, Events.PARTICIPANT_ADDED, added, seq);
            return chatView(chatId).onSuccess(chat -> events.chatAdded(added, chat));
          }
          return chatView(chatId);
        });
    });
  }

  /**
   * {@code {user_id, user_type, chat_id, participant_id}} -> chat as it is after the removal.
   * Anyone may leave; the chat's creator and owners may remove anyone.
   */
  Future<JsonObject> removeParticipant(JsonObject body) {
    long caller = Validation.caller(body);
    long chatId = Validation.chatId(body);
    long removed = Validation.id(body, "participant_id", "user_id", true);
    requireMember(chatId, caller);
    if (!membership.isMember(chatId, removed)) {
      throw ServiceError.notFound("Participant");
    }
    boolean owner = isOwner(users, caller, body.getValue("user_type"));
    return store.chat(chatId).compose(chat -> {
      if (chat == null) {
        return Future.failedFuture(ServiceError.notFound("Chat"));
      }
      if (removed != caller && chat.createdBy() != caller && !owner) {
        return Future.failedFuture(new ServiceError(ErrorCode.FORBIDDEN,
          "Only the chat's creator or an owner may remove other participants"));
      }
      long now = System.currentTimeMillis();
      return store.inTransaction(tx -> store.removeParticipant(tx, chatId, removed, now)).compose(seq -> {
        if (seq == null) {
          return Future.failedFuture(ServiceError.notFound("Participant"));
        }
        membership.remove(chatId, removed);
        LOG.info("User {} removed from chat {} by user {}", removed, chatId, caller);
        events.participant(chatId, Events.PARTICIPANT_REMOVED, removed, seq);
        events.chatRemoved(removed, chatId);
        return chatView(chatId);
      });
    });
  }

  /**
   * {@code {user_id, user_type, chat_id, name}} -> chat as it is after the rename; the chat's
   * creator or an owner. The same name (after trimming) changes nothing and takes no seq.
   */
  Future<JsonObject> rename(JsonObject body) {
    long caller = Validation.caller(body);
    long chatId = Validation.chatId(body);
    String name = Validation.chatName(body);
    requireMember(chatId, caller);
    boolean owner = isOwner(users, caller, body.getValue("user_type"));
    long now = System.currentTimeMillis();
    return store.inTransaction(tx -> store.chat(tx, chatId).compose(chat -> {
      if (chat == null) {
        return Future.failedFuture(ServiceError.notFound("Chat"));
      }
      if (chat.createdBy() != caller && !owner) {
        return Future.failedFuture(new ServiceError(ErrorCode.FORBIDDEN,
          "Only the chat's creator or an owner may rename it"));
      }
      if (chat.name().equals(name)) {
        return Future.succeededFuture((Long) null);
      }
      return store.renameChat(tx, chatId, name, now);
    })).compose(seq -> {
      if (seq != null) {
        LOG.info("Chat {} renamed by user {}", chatId, caller);
        events.chatRenamed(chatId, name, seq);
      }
      return chatView(chatId);
    });
  }

  /** {@code {user_id, chat_id}} -> {@code {member}}, from the cache. */
  Future<JsonObject> membership(JsonObject body) {
    long caller = Validation.caller(body);
    long chatId = Validation.chatId(body);
    return Future.succeededFuture(new JsonObject().put("member", membership.isMember(chatId, caller)));
  }

  // ---------------------------------------------------------------------------------------

  /** A non-participant learns nothing, not even that the chat exists. */
  private void requireMember(long chatId, long userId) {
    if (!membership.isMember(chatId, userId)) {
      throw ServiceError.notFound("Chat");
    }
  }

  /** The caller's type as the gateway stamped it from the session, else as auth last told us. */
  static boolean isOwner(UserDirectory users, long caller, Object userType) {
    String type = userType instanceof String ? (String) userType : null;
    if (type == null) {
      UserRecord known = users.get(caller);
      type = known == null ? null : known.userType();
    }
    return UserType.OWNER.wireName().equals(type);
  }

  private Future<JsonObject> chatView(long chatId) {
    return store.chat(chatId).map(chat -> {
      if (chat == null) {
        throw ServiceError.notFound("Chat");
      }
      return view(chat);
    });
  }

  private JsonObject view(ChatRow chat) {
    return Views.chat(chat, new ArrayList<>(users.usersJson(membership.participants(chat.id()))));
  }

}
