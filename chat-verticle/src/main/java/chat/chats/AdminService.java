package chat.chats;

import chat.shared.Actor;
import chat.shared.Audit;
import chat.shared.ErrorCode;
import chat.shared.Events;
import chat.shared.Paging;
import chat.shared.ServiceError;
import chat.shared.validation.Fields;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The chat service's administration operations, one method per {@code svc.chat.admin.*}
 * address. The gateway lets only owners reach them, so no membership is asked of the actor.
 * Each change and its audit entry share one transaction; the caches and the events on
 * {@code chat.{id}} follow only after COMMIT, as for the participants' own operations.
 */
final class AdminService {

  private static final Logger LOG = LoggerFactory.getLogger(AdminService.class);

  static final int MAX_DELETE_IDS = 500;
  static final int MAX_SEARCH_LENGTH = Validation.MAX_NAME_LENGTH;

  private final ChatStore store;
  private final AdminStore admin;
  private final Membership membership;
  private final UserDirectory users;
  private final ChatEvents events;
  private final ReadMarkers reads;

  AdminService(ChatStore store, AdminStore admin, Membership membership, UserDirectory users, ChatEvents events,
               ReadMarkers reads) {
    this.store = store;
    this.admin = admin;
    this.membership = membership;
    this.users = users;
    this.events = events;
    this.reads = reads;
  }

  /** {@code {page?, page_size?, search?}} -> a page of chats, newest first, each with message_count. */
  Future<JsonObject> listChats(JsonObject body) {
    Fields in = new Fields(body);
    Paging paging = Paging.read(in);
    String search = in.strippedString("search", MAX_SEARCH_LENGTH);
    in.throwIfInvalid();
    return admin.countChats(search).compose(total -> admin.pageChats(search, paging.pageSize(), paging.offset())
      .map(rows -> {
        List<JsonObject> chats = new ArrayList<>(rows.size());
        rows.forEach(row -> chats.add(view(row.chat(), row.messageCount())));
        return paging.reply("chats", chats, total);
      }));
  }

  /** {@code {chat_id}} -> chat with message_count. */
  Future<JsonObject> getChat(JsonObject body) {
    long chatId = Validation.chatId(body);
    return store.chat(chatId).compose(chat -> {
      if (chat == null) {
        return Future.failedFuture(ServiceError.notFound("Chat"));
      }
      return admin.messageCount(chatId).map(count -> view(chat, count));
    });
  }

  /** {@code {actor, chat_id, participant_id}} -> chat; adding a present participant changes nothing. */
  Future<JsonObject> addParticipant(JsonObject body) {
    Actor actor = Actor.from(body);
    Fields in = new Fields(body);
    long chatId = Validation.chatId(in);
    long added = Validation.id(in, "participant_id", "user_id", false);
    in.throwIfInvalid();
    return store.chat(chatId).compose(found -> {
      if (found == null) {
        return Future.failedFuture(ServiceError.notFound("Chat"));
      }
      Future<List<UserRecord>> resolving = membership.isMember(chatId, added)
        ? Future.succeededFuture(List.of())
        : users.resolve(List.of(added), "user_id");
      return resolving.compose(resolved -> {
        long now = System.currentTimeMillis();
        return store.inTransaction(tx -> admin.chat(tx, chatId).compose(chat -> {
            if (chat == null) {
              return Future.failedFuture(ServiceError.notFound("Chat"));
            }
            return store.upsertUsers(tx, resolved)
              .compose(v -> store.addParticipant(tx, chatId, added, now))
              .compose(seq -> admin.audit(tx, actor, Audit.CHAT_PARTICIPANT_ADD, Audit.chatTarget(chatId),
                participantDetails(added, resolved.isEmpty() ? users.get(added) : resolved.get(0)).put("added", seq != null), now)
                .map(seq));
          }))
          .compose(seq -> {
            users.remember(resolved);
            if (seq != null) {
              membership.add(chatId, List.of(added));
              LOG.info("User {} added to chat {} by owner {}", added, chatId, actor.id());
              events.participant(chatId, Events.PARTICIPANT_ADDED, added, seq);
              // The added user sees the chat as participants do (no emails, its own read marker),
              // not as owners do; a chat deleted meanwhile is announced by chat_deleted instead.
              reads.chatFor(chatId, added).onSuccess(chat -> events.chatAdded(added, chat));
            }
            return getChat(new JsonObject().put("chat_id", chatId));
          });
      });
    });
  }

  /** {@code {actor, chat_id, participant_id}} -> chat as it is after the removal. */
  Future<JsonObject> removeParticipant(JsonObject body) {
    Actor actor = Actor.from(body);
    Fields in = new Fields(body);
    long chatId = Validation.chatId(in);
    long removed = Validation.id(in, "participant_id", "user_id", true);
    in.throwIfInvalid();
    long now = System.currentTimeMillis();
    return store.inTransaction(tx -> admin.chat(tx, chatId).compose(chat -> {
        if (chat == null) {
          return Future.failedFuture(ServiceError.notFound("Chat"));
        }
        return store.removeParticipant(tx, chatId, removed, now).compose(seq -> {
          if (seq == null) {
            return Future.failedFuture(ServiceError.notFound("Participant"));
          }
          return admin.audit(tx, actor, Audit.CHAT_PARTICIPANT_REMOVE, Audit.chatTarget(chatId),
            participantDetails(removed, users.get(removed)), now).map(seq);
        });
      }))
      .compose(seq -> {
        membership.remove(chatId, removed);
        LOG.info("User {} removed from chat {} by owner {}", removed, chatId, actor.id());
        events.participant(chatId, Events.PARTICIPANT_REMOVED, removed, seq);
        events.chatRemoved(removed, chatId);
        return getChat(new JsonObject().put("chat_id", chatId));
      });
  }

  /**
   * {@code {actor, chat_id}} -> {@code {}}: the chat, its participants and messages in one
   * transaction. Its participants lose membership before the transaction starts, so no send
   * is accepted for it meanwhile (and no batch of sends can meet a vanished chat); they get it
   * back if the deletion fails.
   */
  Future<JsonObject> deleteChat(JsonObject body) {
    Actor actor = Actor.from(body);
    long chatId = Validation.chatId(body);
    List<Long> participants = membership.participants(chatId);
    participants.forEach(p -> membership.remove(chatId, p));
    long now = System.currentTimeMillis();
    return store.inTransaction(tx -> admin.chat(tx, chatId).compose(chat -> {
        if (chat == null) {
          return Future.failedFuture(ServiceError.notFound("Chat"));
        }
        // Attachments (issue 14): the chat's go in this transaction, their bytes after COMMIT.
        return store.releaseAttachmentsOfChat(tx, chatId).compose(released -> admin.deleteChat(tx, chatId)).compose(messages -> {
          JsonObject details = new JsonObject()
            .put("name", chat.name())
            .put("participant_ids", new JsonArray(new ArrayList<>(participants)))
            .put("message_count", messages);
          return admin.audit(tx, actor, Audit.CHAT_DELETE, Audit.chatTarget(chatId), details, now).map(messages);
        });
      }))
      .map(messages -> {
        // Whatever joined meanwhile went with the chat.
        Set<Long> gone = new LinkedHashSet<>(participants);
        gone.addAll(membership.participants(chatId));
        gone.forEach(p -> membership.remove(chatId, p));
        LOG.info("Chat {} deleted by owner {} with {} messages", chatId, actor.id(), messages);
        events.chatDeleted(chatId);
        gone.forEach(p -> events.chatRemoved(p, chatId));
        return new JsonObject();
      })
      .onFailure(err -> {
        if (!(err instanceof ServiceError && ((ServiceError) err).code() == ErrorCode.NOT_FOUND)) {
          membership.add(chatId, participants);
        }
      });
  }

  /**
   * {@code {chat_id?, sender_id?, from?, to?, page?, page_size?}} -> a page of messages across
   * chats, newest first.
   */
  Future<JsonObject> listMessages(JsonObject body) {
    Fields in = new Fields(body);
    Paging paging = Paging.read(in);
    long chatId = Validation.optionalId(in, "chat_id");
    long senderId = Validation.optionalId(in, "sender_id");
    Long from = ceilMillis(in.instant("from"));
    Long to = ceilMillis(in.instant("to"));
    if (from != null && to != null && from >= to) {
      in.reject("to", "must be later than from");
    }
    in.throwIfInvalid();
    AdminStore.MessageFilter filter = new AdminStore.MessageFilter(chatId, senderId, from, to);
    return admin.countMessages(filter).compose(total -> admin.pageMessages(filter, paging.pageSize(), paging.offset())
      .compose(rows -> {
        List<Long> ids = rows.stream().map(StoredMessage::id).toList();
        return store.reactions(ids).compose(reactions -> store.attachments().ofMessages(ids).map(attached -> {
          List<JsonObject> messages = new ArrayList<>(rows.size());
          rows.forEach(m -> messages.add(Views.message(m, users.get(m.senderId()), reactions.get(m.id()), attached.get(m.id()))));
          return paging.reply("messages", messages, total);
        }));
      }));
  }

  /**
   * {@code {actor, ids:[..]}} -> {@code {deleted}}: the messages among the ids that exist go in one
   * transaction; then one {@code message_deleted} per message on its chat, in id order.
   */
  Future<JsonObject> deleteMessages(JsonObject body) {
    Actor actor = Actor.from(body);
    Fields in = new Fields(body);
    Set<Long> ids = new LinkedHashSet<>(in.ids("ids", 1, MAX_DELETE_IDS));
    in.throwIfInvalid();
    long now = System.currentTimeMillis();
    return store.inTransaction(tx -> admin.existingMessages(tx, ids).compose(found -> {
        List<Long> deleted = new ArrayList<>(found.size());
        Set<Long> chats = new TreeSet<>();
        found.forEach(pair -> {
          deleted.add(pair[0]);
          chats.add(pair[1]);
        });
        JsonObject details = new JsonObject()
          .put("requested", ids.size())
          .put("ids", new JsonArray(new ArrayList<>(deleted)))
          .put("chat_ids", new JsonArray(new ArrayList<>(chats)));
        return store.deleteMessages(tx, found, now)
          .compose(entries -> admin.audit(tx, actor, Audit.MESSAGES_DELETE, "messages", details, now).map(entries));
      }))
      .map(entries -> {
        LOG.info("{} of {} requested messages deleted by owner {}", entries.size(), ids.size(), actor.id());
        entries.forEach(e -> events.messageDeleted(e.chatId(), e.messageId(), e.seq()));
        return new JsonObject().put("deleted", entries.size());
      });
  }

  /** {@code {limit?}} -> {@code {entries:[..], total}}, newest first. */
  Future<JsonObject> audit(JsonObject body) {
    Fields in = new Fields(body);
    int rows = in.boundedInt("limit", Paging.DEFAULT_PAGE_SIZE, 1, Audit.MAX_LIMIT);
    in.throwIfInvalid();
    return admin.countAudit().compose(total -> admin.newestAudit(rows)
      .map(entries -> new JsonObject().put("entries", new JsonArray(new ArrayList<>(entries))).put("total", total)));
  }

  // ---------------------------------------------------------------------------------------

  private JsonObject view(ChatRow chat, long messageCount) {
    return Views.chat(chat, users.usersJsonForOwner(membership.participants(chat.id()))).put("message_count", messageCount);
  }


  private static JsonObject participantDetails(long userId, UserRecord user) {
    JsonObject details = new JsonObject().put("user_id", userId);
    if (user != null) {
      details.put("username", user.username());
    }
    return details;
  }

  /**
   * An instant as epoch ms rounded up: with whole-ms times stored, {@code created_at >= ceil(from)}
   * and {@code created_at < ceil(to)} are exact. {@link Fields#instant} keeps it within epoch ms.
   */
  private static Long ceilMillis(Instant instant) {
    if (instant == null) {
      return null;
    }
    long floor = instant.toEpochMilli();
    return instant.getNano() % 1_000_000 == 0 ? floor : floor + 1;
  }
}
