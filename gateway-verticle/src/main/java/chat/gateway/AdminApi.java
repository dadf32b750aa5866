package chat.gateway;

import chat.shared.Actor;
import chat.shared.Addresses;
import chat.shared.Audit;
import chat.shared.ErrorCode;
import chat.shared.Paging;
import chat.shared.ServiceBus;
import chat.shared.ServiceError;
import chat.shared.UserType;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code /api/admin/*}: the administration, for users of type {@code owner} only (401 without a
 * login, 403 for anyone else, judged on the user as {@link UserFreshness} just refreshed it).
 * Users are administered by the auth service, chats and messages by the chat service; each
 * write names the acting owner, which the service records in its audit log. The audit listing
 * merges both services' logs.
 */
final class AdminApi {

  private static final String ADMIN_ONLY = "Only owners may use the administration";

  private final ServiceBus services;
  private final UserCache users;

  AdminApi(ServiceBus services, UserCache users) {
    this.services = services;
    this.users = users;
  }

  void mount(Router router) {
    router.route("/api/admin/*").handler(AdminApi::requireOwner);
    router.get("/api/admin/users").handler(Handlers.json(200, this::listUsers));
    router.get("/api/admin/users/:userId").handler(Handlers.json(200, this::getUser));
    router.patch("/api/admin/users/:userId").handler(Handlers.json(200, this::updateUser));
    router.get("/api/admin/chats").handler(Handlers.json(200, this::listChats));
    router.get("/api/admin/chats/:chatId").handler(Handlers.json(200, this::getChat));
    router.delete("/api/admin/chats/:chatId").handler(Handlers.noContent(this::deleteChat));
    router.post("/api/admin/chats/:chatId/participants").handler(Handlers.json(200, this::addParticipant));
    router.delete("/api/admin/chats/:chatId/participants/:userId").handler(Handlers.json(200, this::removeParticipant));
    router.get("/api/admin/messages").handler(Handlers.json(200, this::listMessages));
    router.post("/api/admin/messages/bulk-delete").handler(Handlers.json(200, this::deleteMessages));
    router.get("/api/admin/audit").handler(Handlers.json(200, this::audit));
  }

  private static void requireOwner(RoutingContext ctx) {
    JsonObject user = SessionUsers.current(SessionUsers.ofRequest(ctx));
    if (user == null) {
      ctx.fail(new ServiceError(ErrorCode.UNAUTHENTICATED, "Log in first"));
    } else if (!UserType.OWNER.wireName().equals(user.getString("user_type"))) {
      ctx.fail(new ServiceError(ErrorCode.FORBIDDEN, ADMIN_ONLY));
    } else {
      ctx.next();
    }
  }

  // ---- users (auth service) ------------------------------------------------------------

  private Future<JsonObject> listUsers(RoutingContext ctx) {
    JsonObject command = params(ctx, Paging.PAGE, Paging.PAGE_SIZE, "user_type", "search");
    return services.request(Addresses.AUTH_ADMIN_USERS_LIST, command).map(reply -> {
      JsonArray users = new JsonArray();
      reply.getJsonArray("users", new JsonArray()).forEach(u -> users.add(adminUser((JsonObject) u)));
      return reply.put("users", users);
    });
  }

  private Future<JsonObject> getUser(RoutingContext ctx) {
    long id = Handlers.pathId(ctx, "userId", "User");
    return services.request(Addresses.AUTH_ADMIN_USER_GET, new JsonObject().put("id", id)).map(AdminApi::adminUser);
  }

  private Future<JsonObject> updateUser(RoutingContext ctx) {
    long id = Handlers.pathId(ctx, "userId", "User");
    JsonObject body = Json.body(ctx);
    JsonObject changes = new JsonObject();
    for (String field : new String[] {"user_type", "is_active"}) {
      if (body.containsKey(field)) {
        changes.put(field, body.getValue(field));
      }
    }
    JsonObject command = withActor(ctx).put("id", id).put("changes", changes);
    return services.request(Addresses.AUTH_ADMIN_USER_UPDATE, command).map(user -> {
      // This gateway's sessions see the change on their next request, whatever the event's timing.
      users.remember(user);
      return adminUser(user);
    });
  }

  // ---- chats and messages (chat service) -----------------------------------------------

  private Future<JsonObject> listChats(RoutingContext ctx) {
    return services.request(Addresses.CHAT_ADMIN_CHATS_LIST, params(ctx, Paging.PAGE, Paging.PAGE_SIZE, "search"));
  }

  private Future<JsonObject> getChat(RoutingContext ctx) {
    return services.request(Addresses.CHAT_ADMIN_CHAT_GET, new JsonObject().put("chat_id", Handlers.pathId(ctx, "chatId")));
  }

  private Future<JsonObject> addParticipant(RoutingContext ctx) {
    long chatId = Handlers.pathId(ctx, "chatId");
    JsonObject body = Json.body(ctx);
    JsonObject command = withActor(ctx).put("chat_id", chatId).put("participant_id", body.getValue("user_id"));
    return services.request(Addresses.CHAT_ADMIN_ADD_PARTICIPANT, command);
  }

  private Future<JsonObject> removeParticipant(RoutingContext ctx) {
    long chatId = Handlers.pathId(ctx, "chatId");
    long userId = Handlers.pathId(ctx, "userId", "Participant");
    JsonObject command = withActor(ctx).put("chat_id", chatId).put("participant_id", userId);
    return services.request(Addresses.CHAT_ADMIN_REMOVE_PARTICIPANT, command);
  }

  private Future<JsonObject> deleteChat(RoutingContext ctx) {
    long chatId = Handlers.pathId(ctx, "chatId");
    return services.request(Addresses.CHAT_ADMIN_CHAT_DELETE, withActor(ctx).put("chat_id", chatId));
  }

  private Future<JsonObject> listMessages(RoutingContext ctx) {
    JsonObject command = params(ctx, "chat_id", "sender_id", "from", "to", Paging.PAGE, Paging.PAGE_SIZE);
    return services.request(Addresses.CHAT_ADMIN_MESSAGES_LIST, command);
  }

  private Future<JsonObject> deleteMessages(RoutingContext ctx) {
    JsonObject body = Json.body(ctx);
    return services.request(Addresses.CHAT_ADMIN_MESSAGES_DELETE, withActor(ctx).put("ids", body.getValue("ids")));
  }

  // ---- audit (both services) -----------------------------------------------------------

  /**
   * Both services' newest {@code page * page_size} entries, merged newest first, then cut to the
   * page; total is the sum of both logs. Pages deeper than {@link Audit#MAX_LIMIT} entries are refused.
   */
  private Future<JsonObject> audit(RoutingContext ctx) {
    Paging paging = Paging.from(params(ctx, Paging.PAGE, Paging.PAGE_SIZE));
    long depth = (long) paging.page() * paging.pageSize();
    if (depth > Audit.MAX_LIMIT) {
      throw ServiceError.validation(Paging.PAGE, "page * page_size must be at most " + Audit.MAX_LIMIT);
    }
    JsonObject query = new JsonObject().put("limit", (int) depth);
    Future<JsonObject> auth = services.request(Addresses.AUTH_ADMIN_AUDIT, query);
    Future<JsonObject> chat = services.request(Addresses.CHAT_ADMIN_AUDIT, query);
    return Future.all(auth, chat).map(both -> {
      List<JsonObject> entries = new ArrayList<>();
      long total = 0;
      for (JsonObject reply : List.of(auth.result(), chat.result())) {
        reply.getJsonArray("entries", new JsonArray()).forEach(e -> entries.add((JsonObject) e));
        total += reply.getLong("total", 0L);
      }
      entries.sort(Audit.NEWEST_FIRST);
      int from = (int) Math.min(paging.offset(), entries.size());
      int to = Math.min(from + paging.pageSize(), entries.size());
      return paging.reply("entries", entries.subList(from, to), total);
    });
  }

  // ---------------------------------------------------------------------------------------

  /** The contract's user object plus is_active; nothing else auth may hold leaves here. */
  private static JsonObject adminUser(JsonObject user) {
    return SessionUsers.publicUser(user).put("is_active", user.getBoolean("is_active"));
  }

  /** A command carrying the acting owner, as the session (just refreshed) knows it. */
  private static JsonObject withActor(RoutingContext ctx) {
    JsonObject user = SessionUsers.require(ctx);
    return new JsonObject().put(Actor.FIELD, new Actor(user.getLong("id"), user.getString("username")).toJson());
  }

  /** The query parameters present among these, as strings. */
  private static JsonObject params(RoutingContext ctx, String... names) {
    JsonObject params = new JsonObject();
    for (String name : names) {
      String value = ctx.request().getParam(name);
      if (value != null) {
        params.put(name, value);
      }
    }
    return params;
  }
}
