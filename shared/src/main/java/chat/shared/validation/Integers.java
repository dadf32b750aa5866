package chat.shared.validation;

import java.math.BigInteger;
import java.util.OptionalLong;

/**
 * The one integer parser of the code base. A value is an integer when it is a JSON integer that
 * fits a long, or (where text is allowed: path and query parameters) a decimal string spelled as
 * JSON spells an integer: {@code -?(0|[1-9][0-9]*)}, no sign {@code +}, no leading zero, no white
 * space, no fraction or exponent, within the range of a long. JSON fractions ({@code 1.0},
 * {@code 1e3}), booleans and anything else are not integers. Negative zero ({@code -0}) is 0.
 */
public final class Integers {

  private Integers() {
  }

  /** The value as a long, or empty when it is not an integer (text only when {@code textAllowed}). */
  public static OptionalLong of(Object value, boolean textAllowed) {
    if (value instanceof Integer || value instanceof Long || value instanceof Short || value instanceof Byte) {
      return OptionalLong.of(((Number) value).longValue());
    }
    if (value instanceof BigInteger) {
      BigInteger big = (BigInteger) value;
      return big.bitLength() < 64 ? OptionalLong.of(big.longValue()) : OptionalLong.empty();
    }
    if (value instanceof String && textAllowed) {
      String text = (String) value;
      return parse(text, 0, text.length());
    }
    return OptionalLong.empty();
  }

  /** The integer spelled by the whole text, or empty. */
  public static OptionalLong parse(CharSequence text) {
    return text == null ? OptionalLong.empty() : parse(text, 0, text.length());
  }

  /**
   * The integer spelled exactly by {@code text[from, to)}, or empty. Hand-written, without a
   * regex or an allocation: the gateway runs it (through {@link Ids}) for every event it delivers.
   */
  public static OptionalLong parse(CharSequence text, int from, int to) {
    int i = from;
    boolean negative = i < to && text.charAt(i) == '-';
    if (negative) {
      i++;
    }
    int digits = to - i;
    if (digits < 1 || digits > 19 || (digits > 1 && text.charAt(i) == '0')) {
      return OptionalLong.empty();
    }
    // Accumulated as a negative number, whose range includes Long.MIN_VALUE.
    long value = 0;
    for (; i < to; i++) {
      char c = text.charAt(i);
      if (c < '0' || c > '9') {
        return OptionalLong.empty();
      }
      int digit = c - '0';
      if (value < (Long.MIN_VALUE + digit) / 10) {
        return OptionalLong.empty();
      }
      value = value * 10 - digit;
    }
    if (negative) {
      return OptionalLong.of(value);
    }
    return value == Long.MIN_VALUE ? OptionalLong.empty() : OptionalLong.of(-value);
  }
}
