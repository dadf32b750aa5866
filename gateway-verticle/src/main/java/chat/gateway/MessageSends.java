package chat.gateway;

import chat.shared.Addresses;
import chat.shared.ErrorCode;
import chat.shared.ServiceBus;
import chat.shared.ServiceError;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;

/**
 * The gateway's single path for a user's message, whether it came over REST or the bridge:
 * the per-user rate limit, then the chat service's send operation with the sender taken from
 * the session (any sender field of the request is ignored).
 */
final class MessageSends {

  private final ServiceBus services;
  private final TokenBuckets perUser;

  MessageSends(ServiceBus services, TokenBuckets perUser) {
    this.services = services;
    this.perUser = perUser;
  }

  Future<JsonObject> send(long userId, long chatId, JsonObject request) {
    if (!perUser.tryTake(Long.toString(userId))) {
      return Future.failedFuture(new ServiceError(ErrorCode.RATE_LIMITED, "Too many messages, slow down"));
    }
    JsonObject command = new JsonObject()
      .put("user_id", userId)
      .put("chat_id", chatId)
      .put("content", request.getValue("content"));
    if (request.containsKey("client_id")) {
      command.put("client_id", request.getValue("client_id"));
    }
    return services.request(Addresses.CHAT_MESSAGE_SEND, command);
  }
}
