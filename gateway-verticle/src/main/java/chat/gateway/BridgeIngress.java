package chat.gateway;

import chat.shared.ErrorCode;
import chat.shared.ServiceError;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.json.JsonObject;

/**
 * A bridge {@code send} to {@code chat.{id}.send}, already permitted, on its way to the chat
 * service through {@link MessageSends} (the path REST takes too), with the socket's user as the
 * sender (nothing the client put in the frame names the sender). Its answer is the frame the
 * client reads at its reply address: {@code rec} with the stored message, or {@code err} whose
 * {@code failureCode} is the HTTP status of the error and {@code message} its code.
 */
final class BridgeIngress {

  /** What vertx-web's bridge reported for a failure the handler replied with. */
  private static final String FAILURE_TYPE = ReplyFailure.RECIPIENT_FAILURE.name();

  private final MessageSends messages;

  BridgeIngress(MessageSends messages) {
    this.messages = messages;
  }

  /** Sends the message; the future holds the reply frame (never fails). */
  Future<Buffer> send(long userId, long chatId, Object body, String replyAddress) {
    Future<JsonObject> sent = body instanceof JsonObject
      ? messages.send(userId, chatId, (JsonObject) body)
      : Future.failedFuture(new ServiceError(ErrorCode.VALIDATION, "Message body must be a JSON object"));
    return sent.transform(ar -> {
      if (ar.succeeded()) {
        return Future.succeededFuture(BridgeFrames.rec(replyAddress, ar.result(), null));
      }
      ServiceError error = ServiceError.from(ar.cause());
      return Future.succeededFuture(
        BridgeFrames.failure(replyAddress, error.code().httpStatus(), FAILURE_TYPE, error.code().wireName()));
    });
  }
}
