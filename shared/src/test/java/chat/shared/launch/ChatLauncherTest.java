package chat.shared.launch;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class ChatLauncherTest {

  /** The services' sockets run on Linux's epoll by default: the native library ships in the jar and loads. */
  @Test
  void servicesRunOnEpoll() throws Exception {
    Vertx vertx = new ChatLauncher(new String[0]).createVertxBuilder(new VertxOptions()).build();
    try {
      assertTrue(vertx.isNativeTransportEnabled(), "native transport unavailable: " + vertx.unavailableNativeTransportCause());
    } finally {
      vertx.close().await(10, TimeUnit.SECONDS);
    }
  }
}
