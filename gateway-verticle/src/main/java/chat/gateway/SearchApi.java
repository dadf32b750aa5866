package chat.gateway;

import chat.shared.Addresses;
import chat.shared.ServiceBus;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/** {@code GET /api/search}: full-text search over the logged-in user's chats (the chat service reads and checks every parameter). */
final class SearchApi {

  private static final String[] PARAMS = {"q", "chat_id", "limit", "before"};

  private final ServiceBus services;

  SearchApi(ServiceBus services) {
    this.services = services;
  }

  void mount(Router router) {
    router.get("/api/search").handler(Handlers.json(200, this::search));
  }

  /** The query parameters that are present, as strings; the searcher is the session's user. */
  private Future<JsonObject> search(RoutingContext ctx) {
    JsonObject user = SessionUsers.require(ctx);
    JsonObject command = new JsonObject().put("user_id", user.getLong("id"));
    for (String param : PARAMS) {
      String value = ctx.request().getParam(param);
      if (value != null) {
        command.put(param, value);
      }
    }
    return services.request(Addresses.CHAT_SEARCH, command);
  }
}
