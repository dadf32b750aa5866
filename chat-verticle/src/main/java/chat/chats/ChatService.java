package chat.chats;

import chat.shared.ErrorCode;
import chat.shared.Events;
import chat.shared.ServiceError;
import chat.shared.UserType;
import chat.shared.validation.Fields;
import io.vertx.core.Future;
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
 * and events follow only after COMMIT. Every chat object answered or published is the one its
 * recipient sees, with that user's read marker and unread count ({@link ReadMarkers#chatFor}).
 */
final class ChatService {

  private static final Logger LOG = LoggerFactory.getLogger(ChatService.class);

  private final ChatStore store;
  private final Membership membership;
  private final UserDirectory users;
  private final ChatEvents events;
  private final ReadMarkers reads;

  ChatService(ChatStore store, Membership membership, UserDirectory users, ChatEvents events, ReadMarkers reads) {
    this.store = store;
    this.membership = membership;
    this.users = users;
    this.events = events;
    this.reads = reads;
  }

  /** {@code {user_id, name, participant_ids}} -> chat; the creator is always a participant. */
  Future<JsonObject> create(JsonObject body) {
    long caller = Validation.caller(body);
    Fields in = new Fields(body);
    String name = Validation.chatName(in);
    List<Long> others = Validation.participantIds(in);
    in.throwIfInvalid();
    Set<Long> participants = new LinkedHashSet<>();
    participants.add(caller);
    participants.addAll(others);
    return users.resolve(participants, "participant_ids").compose(resolved -> {
      long now = System.currentTimeMillis();
      return store.inTransaction(tx -> store.upsertUsers(tx, resolved)
          .compose(v -> store.insertChat(tx, name, caller, now))
          .compose(chatId -> store.insertParticipants(tx, chatId, participants, now).map(chatId)))
        .map(chatId -> {
          users.remember(resolved);
          membership.add(chatId, participants);
          LOG.info("Chat {} created by user {} with {} participants", chatId, caller, participants.size());
          // A new chat has no messages: nothing read, nothing unread, for every participant.
          JsonObject chat = Views.withReads(view(new ChatRow(chatId, name, caller, now, now, 0)), 0L, 0);
          participants.forEach(p -> events.chatAdded(p, chat));
          return chat;
        });
    });
  }

  /** {@code {user_id}} -> {@code {chats:[chat..]}}, most recent activity first. */
  Future<JsonObject> list(JsonObject body) {
    long caller = Validation.caller(body);
    return reads.chatsOf(caller).map(chats -> new JsonObject().put("chats", chats));
  }

  /** {@code {user_id, chat_id}} -> chat; NOT_FOUND alike for a missing chat and a non-participant. */
  Future<JsonObject> get(JsonObject body) {
    long caller = Validation.caller(body);
    long chatId = Validation.chatId(body);
    requireMember(chatId, caller);
    return reads.chatFor(chatId, caller);
  }

  /** {@code {user_id, chat_id, participant_id}} -> chat; adding a present participant changes nothing. */
  Future<JsonObject> addParticipant(JsonObject body) {
    long caller = Validation.caller(body);
    Fields in = new Fields(body);
    long chatId = Validation.chatId(in);
    long added = Validation.id(in, "participant_id", "user_id", false);
    in.throwIfInvalid();
    requireMember(chatId, caller);
    if (membership.isMember(chatId, added)) {
      return reads.chatFor(chatId, caller);
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
            // chat_added shows the chat as the added user sees it; the answer, as the caller does.
            return reads.chatFor(chatId, added)
              .onSuccess(chat -> events.chatAdded(added, chat))
              .transform(published -> reads.chatFor(chatId, caller));
          }
          return reads.chatFor(chatId, caller);
        });
    });
  }

  /**
   * {@code {user_id, user_type, chat_id, participant_id}} -> chat as it is after the removal.
   * Anyone may leave; the chat's creator and owners may remove anyone.
   */
  Future<JsonObject> removeParticipant(JsonObject body) {
    long caller = Validation.caller(body);
    Fields in = new Fields(body);
    long chatId = Validation.chatId(in);
    long removed = Validation.id(in, "participant_id", "user_id", true);
    in.throwIfInvalid();
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
        // A caller that left has no marker any more: last_read_message_id null, unread_count 0.
        return reads.chatFor(chatId, caller);
      });
    });
  }

  /**
   * {@code {user_id, user_type, chat_id, name}} -> chat as it is after the rename; the chat's
   * creator or an owner. The same name (after trimming) changes nothing and takes no seq.
   */
  Future<JsonObject> rename(JsonObject body) {
    long caller = Validation.caller(body);
    Fields in = new Fields(body);
    long chatId = Validation.chatId(in);
    String name = Validation.chatName(in);
    in.throwIfInvalid();
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
      return reads.chatFor(chatId, caller);
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

  private JsonObject view(ChatRow chat) {
    return Views.chat(chat, new ArrayList<>(users.usersJson(membership.participants(chat.id()))));
  }

}
