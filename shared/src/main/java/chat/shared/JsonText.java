package chat.shared;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.jackson.JacksonCodec;

/**
 * JSON text of the hot paths (every bridge frame, every body sent between JVMs), by Vert.x's own
 * streaming encoder ({@link JacksonCodec}). With jackson-databind on the classpath (it is, for
 * the OpenAPI document), {@code JsonObject.toBuffer()} goes through databind's {@code ObjectMapper},
 * which looks up a serializer for every map and value; this one walks the JSON types directly.
 * Same generator, same factory, so the same bytes for JSON values (objects, arrays, strings,
 * numbers, booleans, null). Anything else (a POJO) fails with an {@code EncodeException}.
 */
public final class JsonText {

  private static final JacksonCodec CODEC = new JacksonCodec();

  private JsonText() {
  }

  /** The compact JSON text of a JsonObject, JsonArray, Map, List or single value. */
  public static Buffer buffer(Object json) {
    return CODEC.toBuffer(json, false);
  }
}
