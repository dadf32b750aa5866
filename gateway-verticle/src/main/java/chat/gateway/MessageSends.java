package chat.gateway;

import chat.shared.Addresses;
import chat.shared.ServiceBus;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;

/**
 * The gateway's single path for a user's message, whether it came over REST or the bridge: the
 * chat service's send operation with the sender taken from the session (any sender field of the
 * request is ignored). The per-user rate limit is the chat service's, so it holds across gateways.
 */
final class MessageSends {

  private final ServiceBus services;

  MessageSends(ServiceBus services) {
    this.services = services;
  }

  Future<JsonObject> send(long userId, long chatId, JsonObject request) {
    JsonObject command = new JsonObject()
      .put("user_id", userId)
      .put("chat_id", chatId)
      .put("content", request.getValue("content"));
    if (request.containsKey("client_id")) {
      command.put("client_id", request.getValue("client_id"));
    }
    if (request.containsKey("attachment_ids")) {
      command.put("attachment_ids", request.getValue("attachment_ids"));
    }
    // A fresh command the chat service only reads: handed over without a copy.
    return services.handOver(Addresses.CHAT_MESSAGE_SEND, command);
  }

  /**
   * Whether sends made one after another reach the chat service in that order without waiting
   * for each answer: when it runs on this event loop (the all-in-one jar), the one instance takes
   * them in order. Over the bus, several chat instances take turns, and each commits on its own.
   */
  boolean arriveInOrder() {
    return services.handsOverDirectly(Addresses.CHAT_MESSAGE_SEND);
  }
}
