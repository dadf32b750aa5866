package chat.gateway;

import chat.shared.Events;
import chat.shared.JsonText;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import java.util.List;

/**
 * The server frames of the event-bus bridge protocol, encoded exactly as vertx-web's bridge
 * encodes them (the official JavaScript client reads them): {@code rec}, {@code err},
 * {@code pong}. Encoded by {@link JsonText} (the same bytes as {@code toBuffer()}, cheaper).
 */
final class BridgeFrames {

  static final Buffer PONG = JsonText.buffer(new JsonObject().put(Events.TYPE, Events.FRAME_PONG));
  static final Buffer ACCESS_DENIED = err(Events.ACCESS_DENIED);
  static final Buffer REJECTED = err(Events.REJECTED);
  static final Buffer FRAME_TOO_LARGE = err(Events.FRAME_TOO_LARGE);
  static final Buffer TOO_MANY_SOCKETS = err(Events.TOO_MANY_SOCKETS);

  private BridgeFrames() {
  }

  /** {@code {"type":"rec","address","body","headers"?}}: a message on an address. */
  static Buffer rec(String address, Object body, MultiMap headers) {
    JsonObject envelope = new JsonObject().put(Events.TYPE, Events.FRAME_REC).put("address", address).put("body", body);
    if (headers != null && !headers.isEmpty()) {
      JsonObject copy = new JsonObject();
      for (String name : headers.names()) {
        List<String> values = headers.getAll(name);
        copy.put(name, values.size() == 1 ? values.get(0) : values);
      }
      envelope.put("headers", copy);
    }
    return JsonText.buffer(envelope);
  }

  /** {@code {"type":"err","body"}}: a refusal, without an address. */
  static Buffer err(String body) {
    return JsonText.buffer(errFrame(body));
  }

  static JsonObject errFrame(String body) {
    return new JsonObject().put(Events.TYPE, Events.FRAME_ERR).put("body", body);
  }

  /** {@code {"type":"err","address","failureCode","failureType","message"}}: a send that failed. */
  static Buffer failure(String replyAddress, int failureCode, String failureType, String message) {
    return JsonText.buffer(new JsonObject().put(Events.TYPE, Events.FRAME_ERR).put("address", replyAddress)
      .put("failureCode", failureCode).put("failureType", failureType).put("message", message));
  }
}
