package chat.gateway;

import chat.shared.Addresses;
import chat.shared.ServiceBus;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/** {@code /api/chats/*}: chats, participants and messages of the logged-in user. */
final class ChatApi {

  private final ServiceBus services;
  private final MessageSends messages;

  ChatApi(ServiceBus services, MessageSends messages) {
    this.services = services;
    this.messages = messages;
  }

  void mount(Router router) {
    router.get("/api/chats").handler(Handlers.json(200, this::list));
    router.post("/api/chats").handler(Handlers.json(201, this::create));
    router.get("/api/chats/:chatId").handler(Handlers.json(200, this::get));
    router.post("/api/chats/:chatId/participants").handler(Handlers.json(200, this::addParticipant));
    router.delete("/api/chats/:chatId/participants/:userId").handler(Handlers.json(200, this::removeParticipant));
    router.get("/api/chats/:chatId/messages").handler(Handlers.json(200, this::history));
    router.post("/api/chats/:chatId/messages").handler(Handlers.json(201, this::send));
    router.get("/api/chats/:chatId/events").handler(Handlers.json(200, this::events));
    router.put("/api/chats/:chatId/read").handler(Handlers.json(200, this::markRead));
    router.get("/api/chats/:chatId/reads").handler(Handlers.json(200, this::reads));
    router.get("/api/chats/:chatId/presence").handler(Handlers.json(200, this::presence));
    router.patch("/api/chats/:chatId").handler(Handlers.json(200, this::rename));
    router.patch("/api/chats/:chatId/messages/:messageId").handler(Handlers.json(200, this::edit));
    router.delete("/api/chats/:chatId/messages/:messageId").handler(Handlers.noContent(this::delete));
    router.put("/api/chats/:chatId/messages/:messageId/reactions/:emoji")
      .handler(Handlers.json(200, ctx -> react(ctx, Addresses.CHAT_REACTION_ADD)));
    router.delete("/api/chats/:chatId/messages/:messageId/reactions/:emoji")
      .handler(Handlers.json(200, ctx -> react(ctx, Addresses.CHAT_REACTION_REMOVE)));
  }

  private Future<JsonObject> list(RoutingContext ctx) {
    JsonObject user = SessionUsers.require(ctx);
    return services.request(Addresses.CHAT_LIST, new JsonObject().put("user_id", user.getLong("id")));
  }

  private Future<JsonObject> create(RoutingContext ctx) {
    JsonObject user = SessionUsers.require(ctx);
    JsonObject body = Json.body(ctx);
    JsonObject command = new JsonObject()
      .put("user_id", user.getLong("id"))
      .put("name", body.getValue("name"));
    if (body.containsKey("participant_ids")) {
      command.put("participant_ids", body.getValue("participant_ids"));
    }
    return services.request(Addresses.CHAT_CREATE, command);
  }

  private Future<JsonObject> get(RoutingContext ctx) {
    JsonObject user = SessionUsers.require(ctx);
    return services.request(Addresses.CHAT_GET, chatCommand(ctx, user));
  }

  private Future<JsonObject> addParticipant(RoutingContext ctx) {
    JsonObject user = SessionUsers.require(ctx);
    JsonObject command = chatCommand(ctx, user);
    JsonObject body = Json.body(ctx);
    command.put("participant_id", body.getValue("user_id"));
    return services.request(Addresses.CHAT_ADD_PARTICIPANT, command);
  }

  private Future<JsonObject> removeParticipant(RoutingContext ctx) {
    JsonObject user = SessionUsers.require(ctx);
    JsonObject command = chatCommand(ctx, user)
      .put("user_type", user.getString("user_type"))
      .put("participant_id", Handlers.pathId(ctx, "userId"));
    return services.request(Addresses.CHAT_REMOVE_PARTICIPANT, command);
  }

  private Future<JsonObject> history(RoutingContext ctx) {
    JsonObject user = SessionUsers.require(ctx);
    return services.request(Addresses.CHAT_MESSAGE_HISTORY, withQuery(ctx, chatCommand(ctx, user), "limit", "before", "after"));
  }

  private Future<JsonObject> events(RoutingContext ctx) {
    JsonObject user = SessionUsers.require(ctx);
    return services.request(Addresses.CHAT_EVENTS_FEED, withQuery(ctx, chatCommand(ctx, user), "after_seq", "limit"));
  }

  private Future<JsonObject> markRead(RoutingContext ctx) {
    JsonObject user = SessionUsers.require(ctx);
    JsonObject command = chatCommand(ctx, user);
    command.put("message_id", Json.body(ctx).getValue("message_id"));
    return services.request(Addresses.CHAT_READ_MARK, command);
  }

  private Future<JsonObject> reads(RoutingContext ctx) {
    JsonObject user = SessionUsers.require(ctx);
    return services.request(Addresses.CHAT_READS, chatCommand(ctx, user));
  }

  /** Participants online now, cluster-wide (the chat service holds every gateway's reports). */
  private Future<JsonObject> presence(RoutingContext ctx) {
    JsonObject user = SessionUsers.require(ctx);
    return services.request(Addresses.CHAT_PRESENCE, chatCommand(ctx, user));
  }

  /** The caller's type goes along: owners may rename any chat they are in. */
  private Future<JsonObject> rename(RoutingContext ctx) {
    JsonObject user = SessionUsers.require(ctx);
    JsonObject command = chatCommand(ctx, user)
      .put("user_type", user.getString("user_type"))
      .put("name", Json.body(ctx).getValue("name"));
    return services.request(Addresses.CHAT_RENAME, command);
  }

  private Future<JsonObject> edit(RoutingContext ctx) {
    JsonObject user = SessionUsers.require(ctx);
    JsonObject command = messageCommand(ctx, user).put("content", Json.body(ctx).getValue("content"));
    return services.request(Addresses.CHAT_MESSAGE_EDIT, command);
  }

  /** The caller's type goes along: owners may delete any message of a chat they are in. */
  private Future<JsonObject> delete(RoutingContext ctx) {
    JsonObject user = SessionUsers.require(ctx);
    JsonObject command = messageCommand(ctx, user).put("user_type", user.getString("user_type"));
    return services.request(Addresses.CHAT_MESSAGE_DELETE, command);
  }

  /** The emoji is the path's last segment, decoded strictly (bad UTF-8 is 400, not U+FFFD). */
  private Future<JsonObject> react(RoutingContext ctx, String address) {
    JsonObject user = SessionUsers.require(ctx);
    JsonObject command = messageCommand(ctx, user).put("emoji", Handlers.lastPathSegmentText(ctx, "emoji"));
    return services.request(address, command);
  }

  private static JsonObject messageCommand(RoutingContext ctx, JsonObject user) {
    return chatCommand(ctx, user).put("message_id", Handlers.pathId(ctx, "messageId", "Message"));
  }

  /** Copies the named query parameters that are present (as strings: the service parses them). */
  private static JsonObject withQuery(RoutingContext ctx, JsonObject command, String... params) {
    for (String param : params) {
      String value = ctx.request().getParam(param);
      if (value != null) {
        command.put(param, value);
      }
    }
    return command;
  }

  private Future<JsonObject> send(RoutingContext ctx) {
    JsonObject user = SessionUsers.require(ctx);
    long chatId = Handlers.pathId(ctx, "chatId");
    return messages.send(user.getLong("id"), chatId, Json.body(ctx));
  }

  private static JsonObject chatCommand(RoutingContext ctx, JsonObject user) {
    return new JsonObject()
      .put("user_id", user.getLong("id"))
      .put("chat_id", Handlers.pathId(ctx, "chatId"));
  }
}
