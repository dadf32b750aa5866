package chat.auth;

import io.vertx.ext.auth.hashing.HashingStrategy;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Map;

/**
 * PBKDF2 password hashes in vertx-auth's format ({@code $pbkdf2$it=N$salt$hash}), hashed and
 * verified with vertx-auth's {@link HashingStrategy}. Every method is blocking (deliberately
 * slow): call it through {@link PasswordWork}.
 */
final class Passwords {

  private static final String ALGORITHM = "pbkdf2";
  private static final int SALT_BYTES = 32;

  private final HashingStrategy strategy = HashingStrategy.load();
  private final SecureRandom random = new SecureRandom();
  private final Map<String, String> params;
  /** A hash of a random password nobody knows: unknown users are checked against it. */
  private final String dummyHash;

  Passwords(int iterations) {
    if (iterations < 1) {
      throw new IllegalArgumentException("PBKDF2 iterations must be at least 1, got " + iterations);
    }
    this.params = Map.of("it", Integer.toString(iterations));
    this.dummyHash = hash(randomSalt());
  }

  /** A new hash with a fresh salt. */
  String hash(String password) {
    return strategy.hash(ALGORITHM, params, randomSalt(), password);
  }

  /**
   * Whether {@code password} matches {@code storedHash}. A null hash (unknown or deactivated
   * username) is checked against the dummy hash, so it costs the same time, and is false.
   */
  boolean verify(String storedHash, String password) {
    if (storedHash == null) {
      strategy.verify(dummyHash, password);
      return false;
    }
    return strategy.verify(storedHash, password);
  }

  /** Base64 without padding, the salt encoding vertx-auth's PBKDF2 decodes. */
  private String randomSalt() {
    byte[] salt = new byte[SALT_BYTES];
    random.nextBytes(salt);
    return Base64.getEncoder().withoutPadding().encodeToString(salt);
  }
}
