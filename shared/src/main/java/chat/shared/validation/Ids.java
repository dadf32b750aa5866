package chat.shared.validation;

import java.util.OptionalLong;

/**
 * The one id rule of the code base: an id is a positive integer of at most {@value #MAX_DIGITS}
 * digits, a JSON integer or, where text is allowed (paths, query parameters, addresses), the
 * decimal string {@link #PATTERN} ({@link Integers}' grammar, so no leading zero). 18 digits
 * keep every id below 2^63 with room to spare and make the regex exact.
 */
public final class Ids {

  public static final int MAX_DIGITS = 18;
  /** The largest id: eighteen nines. */
  public static final long MAX = 999_999_999_999_999_999L;
  /** An id as text, for regexes (the bridge's address permissions): exactly what {@link #parse} accepts. */
  public static final String PATTERN = "[1-9][0-9]{0," + (MAX_DIGITS - 1) + "}";

  private Ids() {
  }

  public static boolean valid(long id) {
    return id >= 1 && id <= MAX;
  }

  /** The value as an id, or empty (text only when {@code textAllowed}). */
  public static OptionalLong of(Object value, boolean textAllowed) {
    return checked(Integers.of(value, textAllowed));
  }

  /** The id spelled by the whole text, or empty. */
  public static OptionalLong parse(CharSequence text) {
    return text == null ? OptionalLong.empty() : parse(text, 0, text.length());
  }

  /** The id spelled exactly by {@code text[from, to)}, or empty; no regex, no allocation. */
  public static OptionalLong parse(CharSequence text, int from, int to) {
    return checked(Integers.parse(text, from, to));
  }

  private static OptionalLong checked(OptionalLong number) {
    return number.isPresent() && valid(number.getAsLong()) ? number : OptionalLong.empty();
  }
}
