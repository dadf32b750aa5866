package chat.auth;

import chat.shared.ErrorCode;
import chat.shared.ServiceError;
import io.vertx.core.json.JsonObject;
import java.math.BigInteger;
import java.util.OptionalLong;

/**
 * Reads the fields of one request and collects every problem, so a caller learns about all
 * bad fields at once ({@code fields} of a VALIDATION error) rather than one per attempt.
 */
final class Inputs {

  private final JsonObject body;
  private final JsonObject problems = new JsonObject();

  Inputs(JsonObject body) {
    this.body = body;
  }

  /** The field as a string, or null after recording "is required" / "must be a string". */
  String requiredString(String field) {
    Object value = body.getValue(field);
    if (value == null) {
      reject(field, "is required");
      return null;
    }
    if (!(value instanceof String)) {
      reject(field, "must be a string");
      return null;
    }
    return (String) value;
  }

  /** The field as a string, null when absent, or null after recording "must be a string". */
  String optionalString(String field) {
    Object value = body.getValue(field);
    if (value == null || value instanceof String) {
      return (String) value;
    }
    reject(field, "must be a string");
    return null;
  }

  /** The field as a whole number, or empty after recording a problem. */
  OptionalLong requiredLong(String field) {
    Object value = body.getValue(field);
    if (value == null) {
      reject(field, "is required");
      return OptionalLong.empty();
    }
    OptionalLong id = wholeNumber(value);
    if (id.isEmpty()) {
      reject(field, "must be an integer");
    }
    return id;
  }

  /**
   * An optional whole number that may also come as a numeric string (query parameters do),
   * within [min, max]; the default when absent.
   */
  int boundedInt(String field, int defaultValue, int min, int max) {
    Object value = body.getValue(field);
    if (value == null) {
      return defaultValue;
    }
    OptionalLong number = value instanceof String ? parseLong((String) value) : wholeNumber(value);
    if (number.isEmpty() || number.getAsLong() < min || number.getAsLong() > max) {
      reject(field, "must be an integer from " + min + " to " + max);
      return defaultValue;
    }
    return (int) number.getAsLong();
  }

  void reject(String field, String problem) {
    if (!problems.containsKey(field)) {
      problems.put(field, problem);
    }
  }

  boolean isValid(String field) {
    return !problems.containsKey(field);
  }

  /** Fails with one VALIDATION error naming every bad field, if there is any. */
  void throwIfInvalid() {
    if (problems.isEmpty()) {
      return;
    }
    String message;
    if (problems.size() == 1) {
      String field = problems.fieldNames().iterator().next();
      message = "Invalid " + field + ": " + problems.getString(field);
    } else {
      message = "Invalid fields: " + String.join(", ", problems.fieldNames());
    }
    throw new ServiceError(ErrorCode.VALIDATION, message, problems.copy());
  }

  /** A JSON integer (any width that fits a long); fractions, booleans and strings are not. */
  static OptionalLong wholeNumber(Object value) {
    if (value instanceof Integer || value instanceof Long || value instanceof Short || value instanceof Byte) {
      return OptionalLong.of(((Number) value).longValue());
    }
    if (value instanceof BigInteger && ((BigInteger) value).bitLength() < 64) {
      return OptionalLong.of(((BigInteger) value).longValue());
    }
    return OptionalLong.empty();
  }

  private static OptionalLong parseLong(String text) {
    String trimmed = text.trim();
    if (trimmed.isEmpty() || trimmed.length() > 19) {
      return OptionalLong.empty();
    }
    try {
      return OptionalLong.of(Long.parseLong(trimmed));
    } catch (NumberFormatException e) {
      return OptionalLong.empty();
    }
  }
}
