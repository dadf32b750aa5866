package chat.app;

import io.vertx.core.Context;
import io.vertx.core.Deployable;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Several verticles deployed as one deployment, on its one context, so on one event-loop thread:
 * a request from one to another over the event bus and its reply never cross threads (no wake-up,
 * no hand-over between cores). Requests travel the event bus as between JVMs, but for the hand-overs
 * ({@code ServiceBus.handOver}: message sends), which a service on the caller's own loop takes directly.
 *
 * <p>Vert.x 5 gives each verticle of a deployment a context of its own on the event-loop group's
 * next loop ({@code DefaultDeployment.deploy} builds it with no event loop, so
 * {@code ContextBuilderImpl} takes {@code nettyEventLoopGroup().next()}), and
 * {@link io.vertx.core.DeploymentOptions} cannot name a loop; a {@link Deployable} however is
 * started on the context it is given. Each verticle keeps its single-threaded guarantee (one
 * thread runs them, one task at a time); what they share is that context: its configuration (the
 * same for all, as {@link AllInOneVerticle} gives them), its close hooks (run once all are
 * stopped) and its ordered {@code executeBlocking} queue.
 *
 * <p>Started in the given order, each once the one before is up; stopped in the reverse order,
 * every one even when another fails to stop. When one fails to start, those already started are
 * stopped before the deployment fails (Vert.x stops nothing of a deployable that did not start).
 */
final class OneLoop implements Deployable {

  private static final Logger LOG = LoggerFactory.getLogger(OneLoop.class);

  private final List<VerticleBase> verticles;
  private final List<VerticleBase> started = new ArrayList<>();

  OneLoop(List<VerticleBase> verticles) {
    this.verticles = List.copyOf(verticles);
  }

  @Override
  public Future<?> deploy(Context context) {
    return startFrom(0, context);
  }

  private Future<?> startFrom(int index, Context context) {
    if (index == verticles.size()) {
      return Future.succeededFuture();
    }
    VerticleBase verticle = verticles.get(index);
    return deployOne(verticle, context).transform(ar -> {
      if (ar.failed()) {
        return stopAll(context).transform(stopped -> Future.failedFuture(ar.cause()));
      }
      started.add(verticle);
      return startFrom(index + 1, context);
    });
  }

  @Override
  public Future<?> undeploy(Context context) {
    return stopAll(context);
  }

  /** Stops the started verticles, last first, each after the one before finished (failed or not). */
  private Future<?> stopAll(Context context) {
    if (started.isEmpty()) {
      return Future.succeededFuture();
    }
    VerticleBase verticle = started.remove(started.size() - 1);
    return undeployOne(verticle, context)
      .onFailure(err -> LOG.error("{} failed to stop", verticle.getClass().getSimpleName(), err))
      .transform(ar -> stopAll(context));
  }

  private static Future<?> deployOne(VerticleBase verticle, Context context) {
    try {
      return verticle.deploy(context);
    } catch (Exception e) {
      return Future.failedFuture(e);
    }
  }

  private static Future<?> undeployOne(VerticleBase verticle, Context context) {
    try {
      return verticle.undeploy(context);
    } catch (Exception e) {
      return Future.failedFuture(e);
    }
  }
}
