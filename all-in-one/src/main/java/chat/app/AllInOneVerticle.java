package chat.app;

import chat.auth.AuthVerticle;
import chat.chats.ChatVerticle;
import chat.gateway.GatewayVerticle;
import chat.shared.Settings;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import java.util.List;

/**
 * The whole system in one JVM on the local event bus: auth, then chat, then the gateway (so
 * the gateway never serves a request its services cannot yet answer). Each service gets the
 * same configuration; they talk over the event bus, as they do when clustered. With
 * {@code CHAT_SHARED_EVENT_LOOP} (the default) chat and the gateway run on one event loop
 * ({@link OneLoop}): every send and its reply stay on one thread, and message sends are handed to
 * the chat service directly ({@code ServiceBus.handOver}), not over the bus.
 */
public class AllInOneVerticle extends VerticleBase {

  @Override
  public Future<?> start() {
    DeploymentOptions plain = new DeploymentOptions().setConfig(config());
    Future<String> auth = vertx.deployVerticle(AuthVerticle.class.getName(), AuthVerticle.deploymentOptions(config()));
    if (new Settings(config()).bool(Settings.SHARED_EVENT_LOOP)) {
      return auth.compose(id -> vertx.deployVerticle(
        () -> new OneLoop(List.of(new ChatVerticle(), new GatewayVerticle())), plain));
    }
    return auth
      .compose(id -> vertx.deployVerticle(ChatVerticle.class.getName(), plain))
      .compose(id -> vertx.deployVerticle(GatewayVerticle.class.getName(), plain));
  }
}
