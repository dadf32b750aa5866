package chat.chats;

import chat.shared.ServiceError;
import chat.shared.validation.Fields;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;

/**
 * {@code GET /api/search}: the caller's messages matching a query, in the chats it is a
 * participant of now ({@link Membership}, so a chat it left no longer answers), newest first,
 * each with a plain-text snippet. {@code q} is read by {@link SearchQuery}, never handed to a
 * store's query syntax; whatever it holds, the answer is a result or a VALIDATION error.
 */
final class Search {

  static final int DEFAULT_LIMIT = 20;
  static final int MAX_LIMIT = 100;

  private final SearchStore searches;
  private final ChatStore store;
  private final Membership membership;
  private final UserDirectory users;

  Search(SearchStore searches, ChatStore store, Membership membership, UserDirectory users) {
    this.searches = searches;
    this.store = store;
    this.membership = membership;
    this.users = users;
  }

  /**
   * {@code {user_id, q, chat_id?, limit?, before?}} -> {@code {results:[{message, snippet}..],
   * has_more}}. Bad fields are all named at once; {@code chat_id} of a chat the caller is not in
   * is NOT_FOUND, as everywhere.
   */
  Future<JsonObject> search(JsonObject body) {
    long caller = Validation.caller(body);
    Fields in = new Fields(body);
    SearchQuery query = query(in);
    long chatId = in.optionalIdOrText("chat_id");
    int limit = in.boundedInt("limit", DEFAULT_LIMIT, 1, MAX_LIMIT);
    long before = in.optionalIdOrText("before");
    in.throwIfInvalid();
    List<Long> scope;
    if (chatId > 0) {
      if (!membership.isMember(chatId, caller)) {
        throw ServiceError.notFound("Chat");
      }
      scope = List.of(chatId);
    } else {
      scope = membership.chatsOf(caller);
    }
    return searches.search(query, scope, before, limit).compose(found -> {
      List<Long> ids = found.messages().stream().map(StoredMessage::id).toList();
      return store.reactions(ids).compose(reactions -> store.attachments().ofMessages(ids).map(attached -> {
        JsonArray results = new JsonArray();
        for (StoredMessage m : found.messages()) {
          results.add(new JsonObject()
            .put("message", Views.message(m, users.get(m.senderId()), reactions.get(m.id()), attached.get(m.id())))
            .put("snippet", query.snippet(m.content())));
        }
        return new JsonObject().put("results", results).put("has_more", found.hasMore());
      }));
    });
  }

  /** {@code q}: a string of at most {@value SearchQuery#MAX_LENGTH} characters with something to search for; null after a problem. */
  private static SearchQuery query(Fields in) {
    String q = in.optionalString("q");
    if (q == null) {
      if (in.isValid("q")) {
        in.reject("q", "is required");
      }
      return null;
    }
    if (q.codePointCount(0, q.length()) > SearchQuery.MAX_LENGTH) {
      in.reject("q", "must be at most " + SearchQuery.MAX_LENGTH + " characters");
      return null;
    }
    try {
      return SearchQuery.parse(q);
    } catch (SearchQuery.Invalid e) {
      in.reject("q", e.getMessage());
      return null;
    }
  }
}
