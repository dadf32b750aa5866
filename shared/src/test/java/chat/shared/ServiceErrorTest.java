package chat.shared;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

/** A ServiceError survives the trip as a ReplyException: code, message, fields and retry_after. */
class ServiceErrorTest {

  private static ServiceError roundTrip(ServiceError error) {
    return ServiceError.from(new ReplyException(ReplyFailure.RECIPIENT_FAILURE, error.code().code(), error.encodeForReply()));
  }

  @Test
  void retryAfterTravelsWithARateLimit() {
    ServiceError back = roundTrip(ServiceError.rateLimited("Too many", 42));
    assertEquals(ErrorCode.RATE_LIMITED, back.code());
    assertEquals("Too many", back.getMessage());
    assertEquals(42, back.retryAfterSeconds());
    assertFalse(back.toErrorBody().getJsonObject("error").containsKey("retry_after"), "a header, not a body field");
  }

  @Test
  void errorsWithoutRetryAfterKeepTheirFields() {
    ServiceError back = roundTrip(new ServiceError(ErrorCode.FORBIDDEN, "No", new JsonObject().put("user_type", "taken")));
    assertEquals(ErrorCode.FORBIDDEN, back.code());
    assertEquals(new JsonObject().put("user_type", "taken"), back.fields());
    assertEquals(0, back.retryAfterSeconds());
    assertEquals(1, ServiceError.rateLimited("x", 0).retryAfterSeconds(), "never less than a second");
  }
}
