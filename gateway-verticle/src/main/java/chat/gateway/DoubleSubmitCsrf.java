package chat.gateway;

import chat.shared.ErrorCode;
import chat.shared.ServiceError;
import io.vertx.core.Handler;
import io.vertx.core.http.Cookie;
import io.vertx.core.http.CookieSameSite;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.RoutingContext;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
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
 *
 * <p>The token is unforgeable: a random nonce and its HMAC-SHA256 under the server's secret
 * ({@link CsrfSecret}, the same on every gateway). A made-up value, even echoed in cookie and
 * header alike (a cookie planted from a sibling subdomain, say), fails verification: the
 * request gets 403 {@code csrf} and the response a fresh valid cookie. The token is not bound
 * to the session, so the one a client holds keeps working across login and on every gateway.
 */
final class DoubleSubmitCsrf implements Handler<RoutingContext> {

  static final String COOKIE = "XSRF-TOKEN";
  static final String HEADER = "X-XSRF-TOKEN";
  private static final String TOKEN_KEY = "csrf.token";
  /** Nonce (16 bytes) and MAC (32 bytes), base64url without padding, joined by a dot. */
  private static final Pattern WELL_FORMED = Pattern.compile("[A-Za-z0-9_-]{22}\\.[A-Za-z0-9_-]{43}");
  private static final String MAC_ALGORITHM = "HmacSHA256";
  private static final Base64.Encoder BASE64 = Base64.getUrlEncoder().withoutPadding();

  private final SecureRandom random = new SecureRandom();
  private final SecretKeySpec key;
  private final boolean secureCookie;

  DoubleSubmitCsrf(byte[] secret, boolean secureCookie) {
    this.key = new SecretKeySpec(secret, MAC_ALGORITHM);
    this.secureCookie = secureCookie;
  }

  @Override
  public void handle(RoutingContext ctx) {
    Cookie cookie = ctx.request().getCookie(COOKIE);
    String token = cookie == null ? null : cookie.getValue();
    boolean known = token != null && isValid(token);
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
    byte[] nonce = new byte[16];
    random.nextBytes(nonce);
    String encoded = BASE64.encodeToString(nonce);
    return encoded + "." + mac(encoded);
  }

  /** Whether the token is one this deployment issued (its MAC verifies). */
  boolean isValid(String token) {
    if (!WELL_FORMED.matcher(token).matches()) {
      return false;
    }
    int dot = token.indexOf('.');
    return MessageDigest.isEqual(mac(token.substring(0, dot)).getBytes(StandardCharsets.US_ASCII),
      token.substring(dot + 1).getBytes(StandardCharsets.US_ASCII));
  }

  private String mac(String nonce) {
    try {
      // A Mac is not thread-safe and cheap to make; one per call keeps this handler shareable.
      Mac mac = Mac.getInstance(MAC_ALGORITHM);
      mac.init(key);
      return BASE64.encodeToString(mac.doFinal(("xsrf:" + nonce).getBytes(StandardCharsets.US_ASCII)));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(MAC_ALGORITHM + " unavailable", e);
    }
  }

  private static boolean isUnsafe(HttpMethod method) {
    return !(HttpMethod.GET.equals(method) || HttpMethod.HEAD.equals(method) || HttpMethod.OPTIONS.equals(method));
  }
}
