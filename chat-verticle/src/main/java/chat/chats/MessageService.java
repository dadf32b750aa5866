package chat.chats;

import chat.shared.ServiceError;
import chat.shared.TokenBuckets;
import chat.shared.metrics.DomainMetrics;
import chat.shared.validation.Fields;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/** The message operations: send (through the group-committing {@link MessageWriter}) and history. */
final class MessageService {

  private final ChatStore store;
  private final Membership membership;
  private final UserDirectory users;
  private final MessageWriter writer;
  private final int maxMessageLength;
  private final TokenBuckets sendsPerUser;

  /**
   * @param sendsPerUser the per-user send limit; the one chat service counts every send,
   *     whichever gateway took it, so the limit holds cluster-wide
   */
  MessageService(ChatStore store, Membership membership, UserDirectory users, MessageWriter writer,
                 int maxMessageLength, TokenBuckets sendsPerUser) {
    this.store = store;
    this.membership = membership;
    this.users = users;
    this.writer = writer;
    this.maxMessageLength = maxMessageLength;
    this.sendsPerUser = sendsPerUser;
  }

  /**
   * {@code {user_id, chat_id, content, client_id?}} -> message; the sender is always the caller.
   * Every attempt takes from the caller's send budget first (as the gateway's limit did), so a
   * flood is refused before any other work.
   */
  Future<JsonObject> send(JsonObject body) {
    long caller = Validation.caller(body);
    takeBudget(sendsPerUser, caller);
    Fields in = new Fields(body);
    long chatId = Validation.chatId(in);
    String content = Validation.content(in, maxMessageLength);
    String clientId = Validation.clientId(in);
    in.throwIfInvalid();
    requireMember(chatId, caller);
    return writer.submit(chatId, caller, content, clientId);
  }

  /** {@code {user_id, chat_id, limit?, before?, after?}} -> {@code {messages:[..], has_more}}. */
  Future<JsonObject> history(JsonObject body) {
    long caller = Validation.caller(body);
    Fields in = new Fields(body);
    long chatId = Validation.chatId(in);
    Validation.Paging paging = Validation.paging(in);
    in.throwIfInvalid();
    requireMember(chatId, caller);
    Future<ChatStore.Page> page;
    if (paging.before() > 0) {
      page = store.before(chatId, paging.before(), paging.limit());
    } else if (paging.after() > 0) {
      page = store.after(chatId, paging.after(), paging.limit());
    } else {
      page = store.newest(chatId, paging.limit());
    }
    return page.compose(p -> store.reactions(p.messages().stream().map(StoredMessage::id).toList()).map(reactions -> {
      JsonArray messages = new JsonArray();
      p.messages().forEach(m -> messages.add(Views.message(m, users.get(m.senderId()), reactions.get(m.id()))));
      return new JsonObject().put("messages", messages).put("has_more", p.hasMore());
    }));
  }

  /**
   * Takes one from the caller's send budget, or fails RATE_LIMITED with the real wait. Sends,
   * edits, deletes and reactions share the budget: each is a durable change with a seq.
   */
  static void takeBudget(TokenBuckets sendsPerUser, long caller) {
    String budget = Long.toString(caller);
    if (!sendsPerUser.tryTake(budget)) {
      DomainMetrics.rateLimited("message");
      long waitMs = sendsPerUser.waitMillis(budget);
      throw ServiceError.rateLimited("Too many messages, slow down", (waitMs + 999) / 1000);
    }
  }

  private void requireMember(long chatId, long userId) {
    if (!membership.isMember(chatId, userId)) {
      throw ServiceError.notFound("Chat");
    }
  }
}
