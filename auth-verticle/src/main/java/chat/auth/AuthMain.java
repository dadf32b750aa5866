package chat.auth;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;

/**
 * Main verticle of the auth fat jar: deploys {@link AuthVerticle} the only supported way (as a
 * worker) with this verticle's config, and is ready when it is.
 */
public class AuthMain extends VerticleBase {

  @Override
  public Future<?> start() {
    return vertx.deployVerticle(new AuthVerticle(), AuthVerticle.deploymentOptions(config()));
  }
}
