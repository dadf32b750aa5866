package chat.app;

import chat.auth.AuthVerticle;
import chat.chats.ChatVerticle;
import chat.gateway.GatewayVerticle;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;

/**
 * The whole system in one JVM on the local event bus: auth, then chat, then the gateway (so
 * the gateway never serves a request its services cannot yet answer). Each service gets the
 * same configuration; they still talk only over the event bus, as they do when clustered.
 */
public class AllInOneVerticle extends VerticleBase {

  @Override
  public Future<?> start() {
    DeploymentOptions plain = new DeploymentOptions().setConfig(config());
    return vertx.deployVerticle(AuthVerticle.class.getName(), AuthVerticle.deploymentOptions(config()))
      .compose(id -> vertx.deployVerticle(ChatVerticle.class.getName(), plain))
      .compose(id -> vertx.deployVerticle(GatewayVerticle.class.getName(), plain));
  }
}
