package chat.auth;

import chat.shared.UserType;
import chat.shared.validation.Fields;
import java.text.Normalizer;
import java.util.Arrays;
import java.util.Locale;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/** The rules a new user's fields must follow; problems are recorded on the request's {@link Fields}. */
final class UserRules {

  static final int USERNAME_MIN = 3;
  static final int USERNAME_MAX = 150;
  static final int EMAIL_MAX = 254;
  static final int PASSWORD_MIN = 8;
  /** PBKDF2 cost grows with the password's length: a cap keeps one request from pinning a thread. */
  static final int PASSWORD_MAX = 1024;

  private static final Pattern USERNAME = Pattern.compile("[\\p{L}\\p{Nd}@.+_-]+");
  /** local@domain.tld: no white space, control characters or second '@', no empty domain label. */
  private static final String EMAIL_CHAR = "[^\\s\\p{Z}\\p{Cc}@]";
  private static final String LABEL = "[^\\s\\p{Z}\\p{Cc}@.]+";
  private static final Pattern EMAIL = Pattern.compile(EMAIL_CHAR + "+@" + LABEL + "(\\." + LABEL + ")+");

  private static final String USER_TYPES = Arrays.stream(UserType.values())
    .map(UserType::wireName).collect(Collectors.joining(", "));

  private UserRules() {
  }

  /**
   * Usernames are stored, and shown, in Unicode NFC as registered; uniqueness and login go by
   * {@link #usernameKey}.
   */
  static String normalizeUsername(String username) {
    return Normalizer.normalize(username, Normalizer.Form.NFC);
  }

  /**
   * The key that makes usernames unique and finds them at login: NFKC (fullwidth letters and
   * ligatures become plain letters), then case folded, then NFKC again (case mapping may leave
   * a string unnormalised). The JDK has no case-fold call, so it is the full upper-case mapping
   * (which expands {@code ß} to {@code SS}) followed by the per-character lower-case mapping
   * (which, unlike {@link String#toLowerCase}, has no context rule, so final sigma folds like
   * sigma). For the letters usernames allow this equals Unicode's NFKC_Casefold, except that it
   * is a little stricter: dotless {@code ı} and dotted {@code İ} both fold to {@code i}, which
   * for look-alike names is the point.
   */
  static String usernameKey(String username) {
    String compatible = Normalizer.normalize(username, Normalizer.Form.NFKC);
    String upper = compatible.toUpperCase(Locale.ROOT);
    StringBuilder folded = new StringBuilder(upper.length());
    upper.codePoints().forEach(cp -> folded.appendCodePoint(Character.toLowerCase(cp)));
    return Normalizer.normalize(folded, Normalizer.Form.NFKC);
  }

  static void checkUsername(Fields inputs, String field, String username) {
    if (username == null) {
      return;
    }
    int length = username.codePointCount(0, username.length());
    if (length < USERNAME_MIN || length > USERNAME_MAX) {
      inputs.reject(field, "must be " + USERNAME_MIN + " to " + USERNAME_MAX + " characters");
    } else if (!USERNAME.matcher(username).matches()) {
      inputs.reject(field, "may contain only letters, digits and @ . + - _");
    }
  }

  static void checkEmail(Fields inputs, String field, String email) {
    if (email == null) {
      return;
    }
    if (email.length() > EMAIL_MAX) {
      inputs.reject(field, "must be at most " + EMAIL_MAX + " characters");
    } else if (!EMAIL.matcher(email).matches()) {
      inputs.reject(field, "must be a valid email address");
    }
  }

  /** Also used at login, where only the upper bound applies. */
  static void checkPasswordLength(Fields inputs, String field, String password) {
    if (password != null && password.length() > PASSWORD_MAX) {
      inputs.reject(field, "must be at most " + PASSWORD_MAX + " characters");
    }
  }

  static void checkNewPassword(Fields inputs, String field, String password) {
    if (password == null) {
      return;
    }
    checkPasswordLength(inputs, field, password);
    if (password.codePointCount(0, password.length()) < PASSWORD_MIN) {
      inputs.reject(field, "must be at least " + PASSWORD_MIN + " characters");
    }
  }

  /** The user type, or null after recording the problem. */
  static UserType checkUserType(Fields inputs, String field, String wireName) {
    if (wireName == null) {
      return null;
    }
    UserType type = UserType.fromWire(wireName).orElse(null);
    if (type == null) {
      inputs.reject(field, "must be one of " + USER_TYPES);
    }
    return type;
  }
}
