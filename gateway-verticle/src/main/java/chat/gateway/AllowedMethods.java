package chat.gateway;

import io.vertx.core.Future;
import io.vertx.core.file.FileProps;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Route;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The methods a path is served with, for the answer to a request no route served: 405
 * {@code method_not_allowed} with an {@code Allow} header naming them, or 404 when there are none.
 * Read off the router's own routes (each route's methods and path template), so it follows
 * whatever is mounted; plus GET and HEAD for a file of the static web root.
 *
 * <p>Why not only the router's own 405: Vert.x raises it only when no later route matches the
 * request, and the gateway's catch-alls (the 404 of {@code /api/*}, the static files on
 * {@code /*}) always match; and an error handler for 405 is not told which methods were found
 * (only Vert.x's default answer, an empty body, writes {@code Allow}), while every error here is
 * the contract's JSON.
 *
 * <p>Templates are matched as the router matches them: {@code :name} is one non-empty path
 * segment, a trailing slash is optional unless the template ends with one, against the
 * normalized path. Routes without methods (filters, catch-alls, the bridge's sub-router) serve
 * no particular method and are not counted; a route with methods is always an exact path
 * (OpenApiDocumentTest holds that). HEAD is not added for GET routes: Vert.x does not serve it there.
 */
final class AllowedMethods {

  /** What the static handler serves a file with. */
  private static final Set<HttpMethod> FILE_METHODS = Set.of(HttpMethod.GET, HttpMethod.HEAD);
  private static final Pattern PARAM = Pattern.compile(":[A-Za-z0-9_]+");

  /** One route with methods: its template as a pattern, and its methods. */
  private record Endpoint(Pattern path, Set<HttpMethod> methods) {
  }

  private final Router router;
  private final String webroot;
  /** Read from the router at the first use, when every route is mounted. */
  private List<Endpoint> endpoints;

  /** {@code webroot} is the static handler's root (its {@code /} serves {@code index.html}). */
  AllowedMethods(Router router, String webroot) {
    this.router = router;
    this.webroot = webroot;
  }

  /**
   * The methods other than the request's own that a route serves its path with, sorted by name;
   * empty when none does.
   */
  Set<HttpMethod> ofRoutes(RoutingContext ctx) {
    String path = ctx.normalizedPath();
    Set<HttpMethod> allowed = new TreeSet<>((a, b) -> a.name().compareTo(b.name()));
    for (Endpoint endpoint : endpoints()) {
      if (endpoint.path().matcher(path).matches()) {
        allowed.addAll(endpoint.methods());
      }
    }
    if (allowed.contains(ctx.request().method())) {
      // A route of this method would have served it: nothing to offer instead.
      allowed.clear();
    }
    return allowed;
  }

  /**
   * As {@link #ofRoutes}, and GET and HEAD when the path names a file the static handler serves
   * (asked only for other methods: a GET or HEAD that got here found no file).
   */
  Future<Set<HttpMethod>> ofRoutesAndFiles(RoutingContext ctx) {
    Set<HttpMethod> allowed = ofRoutes(ctx);
    HttpMethod method = ctx.request().method();
    String file = staticFile(ctx.normalizedPath());
    if (FILE_METHODS.contains(method) || file == null) {
      return Future.succeededFuture(allowed);
    }
    return ctx.vertx().fileSystem().props(file)
      .map(FileProps::isRegularFile)
      .otherwise(false)
      .map(isFile -> {
        if (isFile) {
          allowed.addAll(FILE_METHODS);
        }
        return allowed;
      });
  }

  /**
   * The file of the web root the static handler would serve for the path, or null when it serves
   * none: {@code /} is the index page, other directories have none (no listings), and a path
   * still holding escapes or backslashes names no file here (the web root has no such names).
   */
  private String staticFile(String path) {
    if ("/".equals(path)) {
      return webroot + "/index.html";
    }
    if (path.isEmpty() || path.endsWith("/") || path.indexOf('%') >= 0 || path.indexOf('\\') >= 0
      || path.contains("/../") || path.endsWith("/..")) {
      return null;
    }
    return webroot + path;
  }

  private List<Endpoint> endpoints() {
    if (endpoints == null) {
      List<Endpoint> found = new ArrayList<>();
      for (Route route : router.getRoutes()) {
        if (route.methods() != null && !route.methods().isEmpty() && route.getPath() != null && route.isExactPath()) {
          found.add(new Endpoint(pattern(route.getPath()), Set.copyOf(route.methods())));
        }
      }
      endpoints = found;
    }
    return endpoints;
  }

  /** The router's reading of an exact path template. */
  static Pattern pattern(String template) {
    StringBuilder regex = new StringBuilder();
    Matcher param = PARAM.matcher(template);
    int at = 0;
    while (param.find()) {
      regex.append(Pattern.quote(template.substring(at, param.start()))).append("[^/]+");
      at = param.end();
    }
    if (at < template.length()) {
      regex.append(Pattern.quote(template.substring(at)));
    }
    if (!template.endsWith("/")) {
      regex.append("/?");
    }
    return Pattern.compile(regex.toString());
  }
}
