package chat.shared;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The send path's codec: within one JVM a handed-over body and its reply arrive as the very
 * objects sent (no copy); on the wire (between JVMs) a body round-trips as its JSON; registering
 * it again (every service does) is harmless; and a plain request still arrives as a copy.
 */
class ReadOnlyJsonCodecTest {

  @Test
  void handedOverRequestAndReplyArriveUncopiedAndPlainRequestsStillCopy() throws Exception {
    Vertx vertx = Vertx.vertx();
    try {
      ServiceBus services = new ServiceBus(vertx.eventBus());
      new ServiceBus(vertx.eventBus()); // a second service registering the codec again
      JsonObject request = new JsonObject().put("content", "hi");
      JsonObject reply = new JsonObject().put("id", 1L);
      JsonObject[] received = new JsonObject[2];
      MessageConsumer<Object> consumer = ServiceBus.serve(vertx.eventBus(), "svc.test.handover", body -> {
        received[0] = body;
        return io.vertx.core.Future.succeededFuture(reply);
      }, true);
      MessageConsumer<Object> plain = ServiceBus.serve(vertx.eventBus(), "svc.test.plain", body -> {
        received[1] = body;
        return io.vertx.core.Future.succeededFuture(new JsonObject().put("ok", true));
      });
      consumer.completion().await(10, TimeUnit.SECONDS);
      plain.completion().await(10, TimeUnit.SECONDS);

      JsonObject answered = services.handOver("svc.test.handover", request).await(10, TimeUnit.SECONDS);
      assertSame(request, received[0]);
      assertSame(reply, answered);

      JsonObject copied = new JsonObject().put("content", "copied");
      services.request("svc.test.plain", copied).await(10, TimeUnit.SECONDS);
      assertEquals(copied, received[1]);
      assertNotSame(copied, received[1]);
    } finally {
      vertx.close().await(10, TimeUnit.SECONDS);
    }
  }

  @Test
  void wireFormatRoundTripsTheJson() {
    ReadOnlyJsonCodec codec = new ReadOnlyJsonCodec();
    JsonObject body = new JsonObject().put("id", 7L).put("content", "x\u00e9\u2603").put("tags", new JsonArray().add(1))
      .putNull("edited_at");
    Buffer wire = Buffer.buffer().appendString("prefix");
    codec.encodeToWire(wire, body);
    wire.appendString("suffix");
    JsonObject decoded = codec.decodeFromWire("prefix".length(), wire);
    assertEquals(body, decoded);
    assertNotSame(body, decoded);
    assertEquals(ReadOnlyJsonCodec.NAME, codec.name());
  }
}
