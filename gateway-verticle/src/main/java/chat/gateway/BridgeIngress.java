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
 * {@code failureCode} is the HTTP status of the error and {@code message} its code; except when
 * the chat service found the sender no participant (its {@code not_found}, the chat as any
 * non-participant sees it): that send is refused as the bridge refuses every non-participant's,
 * with {@code access_denied} ({@link Answer#notParticipant}).
 */
final class BridgeIngress {

  /** What vertx-web's bridge reported for a failure the handler replied with. */
  private static final String FAILURE_TYPE = ReplyFailure.RECIPIENT_FAILURE.name();

  private final MessageSends messages;

  BridgeIngress(MessageSends messages) {
    this.messages = messages;
  }

  /**
   * The answer to one send: the frame to write, and whether the chat service refused the sender
   * as no participant (then {@code frame} is the {@code access_denied} refusal).
   */
  record Answer(Buffer frame, boolean notParticipant) {
  }

  private static final Answer NOT_PARTICIPANT = new Answer(BridgeFrames.ACCESS_DENIED, true);

  /**
   * Sends the message; the future holds the answer (never fails). Without a reply address the
   * answer's frame is null, unless the sender was refused as no participant.
   */
  Future<Answer> send(long userId, long chatId, Object body, String replyAddress) {
    Future<JsonObject> sent = body instanceof JsonObject
      ? messages.send(userId, chatId, (JsonObject) body)
      : Future.failedFuture(new ServiceError(ErrorCode.VALIDATION, "Message body must be a JSON object"));
    return sent.transform(ar -> {
      if (ar.succeeded()) {
        return Future.succeededFuture(new Answer(
          replyAddress == null ? null : BridgeFrames.rec(replyAddress, ar.result(), null), false));
      }
      ServiceError error = ServiceError.from(ar.cause());
      if (error.code() == ErrorCode.NOT_FOUND) {
        // A send's only not_found: the chat, for a sender that is not (or no longer) in it.
        return Future.succeededFuture(NOT_PARTICIPANT);
      }
      return Future.succeededFuture(new Answer(replyAddress == null ? null
        : BridgeFrames.failure(replyAddress, error.code().httpStatus(), FAILURE_TYPE, error.code().wireName()), false));
    });
  }
}
