package chat.shared;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.MessageCodec;
import io.vertx.core.json.JsonObject;

/**
 * Event-bus codec for a JSON body that is handed over: the sender built it for this one message
 * and never touches it again, and the receiver only reads it. Within one JVM it passes the object
 * itself (Vert.x's own JsonObject codec copies it on every local delivery); between JVMs it is
 * the JSON text, as with the default codec. Used on the message send path (request and reply).
 */
public final class ReadOnlyJsonCodec implements MessageCodec<JsonObject, JsonObject> {

  /** The codec's name on the bus (the same on every node: it names the wire format). */
  public static final String NAME = "chat-json-read-only";

  /** Delivery options that name this codec. */
  public static DeliveryOptions options() {
    return new DeliveryOptions().setCodecName(NAME);
  }

  /** Registers the codec on this bus, once (every service that sends or serves with it calls this). */
  public static void register(EventBus eventBus) {
    synchronized (ReadOnlyJsonCodec.class) {
      try {
        eventBus.registerCodec(new ReadOnlyJsonCodec());
      } catch (IllegalStateException alreadyRegistered) {
        // Another verticle of this Vert.x instance registered it.
      }
    }
  }

  @Override
  public void encodeToWire(Buffer buffer, JsonObject body) {
    Buffer json = JsonText.buffer(body);
    buffer.appendInt(json.length());
    buffer.appendBuffer(json);
  }

  @Override
  public JsonObject decodeFromWire(int pos, Buffer buffer) {
    int length = buffer.getInt(pos);
    int start = pos + 4;
    return new JsonObject(buffer.getBuffer(start, start + length));
  }

  @Override
  public JsonObject transform(JsonObject body) {
    return body;
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public byte systemCodecID() {
    return -1;
  }
}
