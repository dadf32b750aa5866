package chat.auth;

import io.vertx.ext.auth.hashing.HashingStrategy;
import io.vertx.ext.auth.sqlclient.SqlAuthentication;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Map;

/**
 * PBKDF2 password hashes in vertx-auth's format ({@code $pbkdf2$it=N$salt$hash}), so that
 * {@link SqlAuthentication#authenticate} can verify them. Every method is blocking: call it on
 * a worker thread.
 */
final class Passwords {

  private static final String ALGORITHM = "pbkdf2";
  private static final int SALT_BYTES = 32;

  private final SqlAuthentication sqlAuth;
  private final HashingStrategy strategy = HashingStrategy.load();
  private final SecureRandom random = new SecureRandom();
  private final Map<String, String> params;
  /** A hash of a random password nobody knows: unknown users are checked against it. */
  private final String dummyHash;

  Passwords(SqlAuthentication sqlAuth, int iterations) {
    if (iterations < 1) {
      throw new IllegalArgumentException("PBKDF2 iterations must be at least 1, got " + iterations);
    }
    this.sqlAuth = sqlAuth;
    this.params = Map.of("it", Integer.toString(iterations));
    this.dummyHash = hash(randomSalt());
  }

  /** A new hash with a fresh salt. */
  String hash(String password) {
    return sqlAuth.hash(ALGORITHM, params, randomSalt(), password);
  }

  /**
   * Spends the time a real verification takes, so an unknown or deactivated username answers
   * no faster than a wrong password. Always false.
   */
  boolean verifyUnknownUser(String password) {
    strategy.verify(dummyHash, password);
    return false;
  }

  /** Base64 without padding, the salt encoding vertx-auth's PBKDF2 decodes. */
  private String randomSalt() {
    byte[] salt = new byte[SALT_BYTES];
    random.nextBytes(salt);
    return Base64.getEncoder().withoutPadding().encodeToString(salt);
  }
}
