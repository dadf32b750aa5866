package chat.gateway;

import io.vertx.core.Handler;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;

/**
 * The security headers of every response: pages, static files, API answers and errors alike,
 * including errors Vert.x raises before a route runs. The gateway applies them to each
 * response as the server hands the request over, before the router or the invalid-request
 * handler sees it, so no path can miss them; and again as the router's first handler, because
 * a reroute ({@code /admin}) clears the response headers.
 *
 * <p>The policy is the pages' own meta-tag policy (no inline script, nothing from another
 * origin) plus {@code frame-ancestors 'none'}, which only works as a header. vertx-web's
 * {@code CSPHandler}, {@code XFrameHandler} and {@code HSTSHandler} set the same headers, but
 * only on a request that reaches their route; the invalid-request handler of the HTTP server
 * never routes, so one {@link #apply} serves both.
 */
final class SecurityHeaders implements Handler<RoutingContext> {

  static final String CONTENT_SECURITY_POLICY = "default-src 'self'; script-src 'self'; style-src 'self'; "
    + "img-src 'self' data:; connect-src 'self'; frame-src 'self'; object-src 'none'; base-uri 'none'; "
    + "form-action 'self'; frame-ancestors 'none'";
  /** One year; only sent when cookies are {@code Secure}, i.e. the gateway is behind TLS. */
  static final String STRICT_TRANSPORT_SECURITY = "max-age=31536000";

  private final boolean hsts;

  SecurityHeaders(boolean hsts) {
    this.hsts = hsts;
  }

  @Override
  public void handle(RoutingContext ctx) {
    apply(ctx.response());
    ctx.next();
  }

  void apply(HttpServerResponse response) {
    response
      .putHeader("Content-Security-Policy", CONTENT_SECURITY_POLICY)
      .putHeader("X-Frame-Options", "DENY")
      .putHeader("X-Content-Type-Options", "nosniff")
      .putHeader("Referrer-Policy", "no-referrer");
    if (hsts) {
      response.putHeader("Strict-Transport-Security", STRICT_TRANSPORT_SECURITY);
    }
  }
}
