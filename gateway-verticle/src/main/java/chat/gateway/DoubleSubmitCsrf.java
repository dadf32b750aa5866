package chat.gateway;

import chat.shared.ErrorCode;
import chat.shared.ServiceError;
import io.vertx.core.Handler;
import io.vertx.core.http.Cookie;
import io.vertx.core.http.CookieSameSite;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.RoutingContext;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.regex.Pattern;

/**
 * CSRF protection by the double-submit cookie convention Angular and axios follow: a readable
 * {@code XSRF-TOKEN} cookie, echoed in the {@code X-XSRF-TOKEN} header of every unsafe request.
 *
 * <p>Why not vertx-web's {@code CSRFHandler}: it binds its token to the session id and rotates
 * it on every POST. Login changes the session id (no fixation), so the token a client just
 * used stops being valid, and two requests in flight with the same token fail; clients of
 * the convention read the cookie and never re-fetch it. A random token the attacker cannot read
 * (other origins cannot read our cookies) and must echo in a header (other origins cannot set
 * custom headers without CORS, which we do not grant) gives the protection the convention is for.
 */
final class DoubleSubmitCsrf implements Handler<RoutingContext> {

  static final String COOKIE = "XSRF-TOKEN";
  static final String HEADER = "X-XSRF-TOKEN";
  private static final String TOKEN_KEY = "csrf.token";
  private static final Pattern WELL_FORMED = Pattern.compile("[A-Za-z0-9_-]{43}");

  private final SecureRandom random = new SecureRandom();
  private final boolean secureCookie;

  DoubleSubmitCsrf(boolean secureCookie) {
    this.secureCookie = secureCookie;
  }

  @Override
  public void handle(RoutingContext ctx) {
    Cookie cookie = ctx.request().getCookie(COOKIE);
    String token = cookie == null ? null : cookie.getValue();
    boolean known = token != null && WELL_FORMED.matcher(token).matches();
    if (!known) {
      token = newToken();
      setCookie(ctx, token);
    }
    ctx.put(TOKEN_KEY, token);
    if (isUnsafe(ctx.request().method())) {
      String header = ctx.request().getHeader(HEADER);
      if (!known || header == null || !MessageDigest.isEqual(
        header.getBytes(StandardCharsets.UTF_8), token.getBytes(StandardCharsets.UTF_8))) {
        ctx.fail(new ServiceError(ErrorCode.CSRF, "Missing or invalid CSRF token: echo the XSRF-TOKEN cookie in the X-XSRF-TOKEN header"));
        return;
      }
    }
    ctx.next();
  }

  /** Sets the cookie on this response even when the client already has one (GET /api/auth/csrf). */
  void issue(RoutingContext ctx) {
    String token = ctx.get(TOKEN_KEY);
    setCookie(ctx, token == null ? newToken() : token);
  }

  private void setCookie(RoutingContext ctx, String token) {
    ctx.response().removeCookie(COOKIE, false);
    ctx.response().addCookie(Cookie.cookie(COOKIE, token)
      .setPath("/")
      .setHttpOnly(false)
      .setSecure(secureCookie)
      .setSameSite(CookieSameSite.LAX));
  }

  private String newToken() {
    byte[] bytes = new byte[32];
    random.nextBytes(bytes);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }

  private static boolean isUnsafe(HttpMethod method) {
    return !(HttpMethod.GET.equals(method) || HttpMethod.HEAD.equals(method) || HttpMethod.OPTIONS.equals(method));
  }
}
