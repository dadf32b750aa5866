package chat.gateway;

import chat.shared.Settings;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Base64;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The key XSRF tokens are signed with. Every gateway of a deployment must hold the same one, or
 * a token issued by one is refused by the next: {@code CHAT_CSRF_SECRET}, else the content of
 * {@code CHAT_CSRF_SECRET_FILE}, else one random secret agreed through Vert.x shared data (the
 * first gateway's {@code putIfAbsent} wins; cluster-wide when clustered, this process otherwise).
 * An agreed secret lives as long as one cluster member does: when all restart, tokens are
 * re-issued (a client's next unsafe request gets 403 {@code csrf} and a fresh cookie).
 */
final class CsrfSecret {

  private static final Logger LOG = LoggerFactory.getLogger(CsrfSecret.class);
  /** Shared-data map holding the agreed secret (gateway-internal, so not in the contract jar). */
  static final String SECRETS_MAP = "chat.gateway.secrets";
  private static final String CSRF_KEY = "csrf";
  private static final int MIN_LENGTH = 32;

  private CsrfSecret() {
  }

  static Future<byte[]> resolve(Vertx vertx, Settings settings) {
    String configured = settings.string(Settings.CSRF_SECRET).trim();
    if (!configured.isEmpty()) {
      return Future.succeededFuture(checked(configured, Settings.CSRF_SECRET));
    }
    String file = settings.string(Settings.CSRF_SECRET_FILE).trim();
    if (!file.isEmpty()) {
      return vertx.fileSystem().readFile(file)
        .map(content -> checked(content.toString(StandardCharsets.UTF_8).trim(), Settings.CSRF_SECRET_FILE));
    }
    byte[] random = new byte[32];
    new SecureRandom().nextBytes(random);
    String mine = Base64.getUrlEncoder().withoutPadding().encodeToString(random);
    return vertx.sharedData().<String, String>getAsyncMap(SECRETS_MAP)
      .compose(map -> map.putIfAbsent(CSRF_KEY, mine))
      .map(existing -> {
        LOG.info("CSRF secret {} ({} is unset)", existing == null ? "generated and shared" : "taken from the cluster",
          Settings.CSRF_SECRET);
        return (existing == null ? mine : existing).getBytes(StandardCharsets.UTF_8);
      });
  }

  private static byte[] checked(String secret, String source) {
    if (secret.length() < MIN_LENGTH) {
      throw new IllegalArgumentException(source + " must hold at least " + MIN_LENGTH + " characters");
    }
    return secret.getBytes(StandardCharsets.UTF_8);
  }
}
