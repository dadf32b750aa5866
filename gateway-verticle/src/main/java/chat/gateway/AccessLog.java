package chat.gateway;

import io.vertx.core.Handler;
import io.vertx.ext.web.Route;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One line per request on its own logger ({@value #LOGGER}, so operators can turn it off):
 * method, route template ({@code /api/chats/:chatId/messages}, never the raw path, so no ids,
 * query strings or tokens), status and time in ms; as key-value pairs too, which the JSON log
 * format writes as fields. Never cookies, headers or bodies.
 */
final class AccessLog implements Handler<RoutingContext> {

  /** The logger name operators configure (level {@code OFF} turns the access log off). */
  static final String LOGGER = "chat.access";
  private static final Logger LOG = LoggerFactory.getLogger(LOGGER);
  private static final String ROUTE_KEY = "chat.access.route";
  private static final String START_KEY = "chat.access.start";
  private static final String UNROUTED = "-";

  @Override
  public void handle(RoutingContext ctx) {
    if (ctx.get(START_KEY) != null) {
      ctx.next(); // rerouted (/admin): already timed
      return;
    }
    long start = System.nanoTime();
    ctx.put(START_KEY, start);
    ctx.addEndHandler(ar -> log(ctx.request().method().name(), routeOf(ctx), ctx.response().getStatusCode(), start));
    ctx.next();
  }

  /**
   * Lets failed requests name their route too. A failure restarts routing over the failure
   * handlers, so the route that handled the request is no longer current when the error is
   * written; this gives every templated route a failure handler that records it and passes on.
   * Call after every route is mounted.
   */
  static void recordRoutesOfFailures(Router router) {
    for (Route route : router.getRoutes()) {
      String template = template(route);
      if (template != null && !template.endsWith("*")) {
        route.failureHandler(ctx -> {
          if (ctx.get(ROUTE_KEY) == null) {
            ctx.put(ROUTE_KEY, template);
          }
          ctx.next();
        });
      }
    }
  }

  /** For a request Vert.x refused before routing (bad request line, oversized headers). */
  static void unrouted(String method, int status, long startNanos) {
    log(method, UNROUTED, status, startNanos);
  }

  private static String routeOf(RoutingContext ctx) {
    String recorded = ctx.get(ROUTE_KEY);
    if (recorded != null) {
      return recorded;
    }
    String template = ctx.currentRoute() == null ? null : template(ctx.currentRoute());
    return template == null ? UNROUTED : template;
  }

  private static String template(Route route) {
    // A template with :params is also a regex route; its path is still the template. A route
    // made from a bare regex has no path and no template.
    String path = route.getPath();
    if (path == null) {
      return null;
    }
    return route.isExactPath() ? path : path + "*";
  }

  private static void log(String method, String route, int status, long startNanos) {
    if (!LOG.isInfoEnabled()) {
      return;
    }
    long ms = (System.nanoTime() - startNanos) / 1_000_000;
    LOG.atInfo()
      .addKeyValue("method", method)
      .addKeyValue("route", route)
      .addKeyValue("status", status)
      .addKeyValue("duration_ms", ms)
      .log("{} {} {} {} ms", method, route, status, ms);
  }
}
