package chat.gateway;

import chat.shared.Addresses;
import chat.shared.ServiceBus;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/** {@code GET /health}: 200 when auth and chat answer over the event bus, 503 otherwise. */
final class HealthApi {

  private static final long PING_TIMEOUT_MS = 2_000;

  private final ServiceBus services;
  private final BridgeProtocol bridge;

  HealthApi(ServiceBus services, BridgeProtocol bridge) {
    this.services = services;
    this.bridge = bridge;
  }

  void mount(Router router) {
    router.get("/health").handler(this::health);
  }

  private void health(RoutingContext ctx) {
    Future<Boolean> auth = ping(Addresses.AUTH_PING);
    Future<Boolean> chat = ping(Addresses.CHAT_PING);
    Future.join(auth, chat).onComplete(done -> {
      boolean up = auth.result() && chat.result();
      JsonObject body = new JsonObject()
        .put("status", up ? "UP" : "DOWN")
        .put("auth", auth.result() ? "UP" : "DOWN")
        .put("chat", chat.result() ? "UP" : "DOWN")
        .put("sockets", bridge.openSockets());
      if (!up) {
        body.put("error", new JsonObject().put("code", "unavailable").put("message", "A service does not answer"));
      }
      Json.send(ctx, up ? 200 : 503, body);
    });
  }

  private Future<Boolean> ping(String address) {
    return services.request(address, new JsonObject(), PING_TIMEOUT_MS)
      .map(reply -> "UP".equals(reply.getString("status")))
      .otherwise(false);
  }
}
