package chat.gateway;

import chat.shared.ErrorCode;
import chat.shared.ServiceError;
import chat.shared.metrics.DomainMetrics;
import io.vertx.core.Handler;
import io.vertx.core.net.HostAndPort;
import io.vertx.ext.web.RoutingContext;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Refuses bridge requests from foreign pages: a request whose {@code Origin} header is present
 * must name the gateway's own origin or one of the configured allowed origins, so another site
 * cannot open the bridge with a user's cookie. A request without Origin that a browser marks
 * {@code Sec-Fetch-Site: cross-site} is refused too: a top-level navigation from another site
 * carries no Origin but does carry the {@code SameSite=Lax} session cookie. Other requests
 * without Origin (non-browser clients, the user's own navigation) pass.
 */
final class OriginCheck implements Handler<RoutingContext> {

  private static final String SEC_FETCH_SITE = "Sec-Fetch-Site";
  private static final String CROSS_SITE = "cross-site";

  private final Set<String> allowed;

  OriginCheck(List<String> allowedOrigins) {
    this.allowed = allowedOrigins.stream().map(OriginCheck::normalise).collect(Collectors.toSet());
  }

  @Override
  public void handle(RoutingContext ctx) {
    String origin = ctx.request().getHeader("Origin");
    if (origin != null) {
      if (isAllowed(normalise(origin), ctx)) {
        ctx.next();
      } else {
        DomainMetrics.bridgeRejected("origin");
        ctx.fail(new ServiceError(ErrorCode.FORBIDDEN, "Origin not allowed to open the event bus"));
      }
    } else if (CROSS_SITE.equalsIgnoreCase(ctx.request().getHeader(SEC_FETCH_SITE))) {
      DomainMetrics.bridgeRejected("cross_site");
      ctx.fail(new ServiceError(ErrorCode.FORBIDDEN, "Cross-site request to the event bus"));
    } else {
      ctx.next();
    }
  }

  private boolean isAllowed(String origin, RoutingContext ctx) {
    if (allowed.contains(origin)) {
      return true;
    }
    HostAndPort authority = ctx.request().authority();
    if (authority == null) {
      return false;
    }
    String scheme = ctx.request().isSSL() ? "https" : "http";
    String host = authority.host().toLowerCase(Locale.ROOT);
    int port = authority.port();
    boolean defaultPort = port < 0 || ("http".equals(scheme) && port == 80) || ("https".equals(scheme) && port == 443);
    String own = scheme + "://" + host + (defaultPort ? "" : ":" + port);
    return own.equals(origin);
  }

  private static String normalise(String origin) {
    String o = origin.trim().toLowerCase(Locale.ROOT);
    if (o.endsWith("/")) {
      o = o.substring(0, o.length() - 1);
    }
    if (o.startsWith("http://") && o.endsWith(":80")) {
      o = o.substring(0, o.length() - 3);
    } else if (o.startsWith("https://") && o.endsWith(":443")) {
      o = o.substring(0, o.length() - 4);
    }
    return o;
  }
}
