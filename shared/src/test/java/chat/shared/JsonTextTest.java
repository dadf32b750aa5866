package chat.shared;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.math.BigInteger;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@link JsonText} writes exactly the bytes {@code toBuffer()} writes, for every kind of JSON value. */
class JsonTextTest {

  @Test
  void sameBytesAsToBuffer() {
    JsonObject message = new JsonObject()
      .put("id", 123456789012345L)
      .put("chat_id", 7)
      .put("sender", new JsonObject().put("id", 1).put("username", "ålice").put("user_type", "student"))
      .put("content", "quotes \" backslash \\ slash / tab \t newline \n control \u0001 emoji \uD83D\uDE00 <script>")
      .put("created_at", "2026-12-01T17:45:32.123Z")
      .put("seq", 42L)
      .put("edited_at", null)
      .put("reactions", new JsonArray())
      .put("attachments", new JsonArray().add(new JsonObject().put("size", 10_485_760).put("ok", true)));
    List<Object> values = List.of(
      new JsonObject().put("type", "rec").put("address", "chat.1").put("body", message),
      new JsonObject().put("type", "err").put("body", "access_denied"),
      new JsonObject().put("type", "rec").put("address", "a").put("body", null),
      new JsonObject().put("d", 1.5).put("e", -0.0).put("f", 1e300).put("g", 3.0f).put("h", false)
        .put("big", new BigInteger("123456789012345678901234567890")).put("neg", Long.MIN_VALUE),
      new JsonObject().put("nested", new JsonArray().add(new JsonArray().add(1).addNull().add("x")))
        .put("map", Map.of("k", "v")).put("list", List.of(1, 2)),
      new JsonObject(),
      new JsonArray().add("a").add(new JsonObject()));
    for (Object value : values) {
      String expected = value instanceof JsonObject ? ((JsonObject) value).toBuffer().toString()
        : ((JsonArray) value).toBuffer().toString();
      assertEquals(expected, JsonText.buffer(value).toString());
    }
  }
}
