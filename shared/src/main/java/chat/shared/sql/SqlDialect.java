package chat.shared.sql;

import java.util.Collections;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The two SQL dialects of the services' stores, for statements written once in the {@code ?}
 * form: {@link #sql} turns such a text into the dialect's own, {@link #in} writes a list
 * parameter. SQLite (sqlite-jdbc) takes the text as written; PostgreSQL (vertx-pg-client) numbers
 * the placeholders {@code $1..$n} ({@link #numbered}) and takes a list as one array parameter.
 * How a list's values are bound (each one, or one array) is the service's dialect class's.
 */
public enum SqlDialect {

  /** {@code ?} placeholders; a list is {@code IN (?, ?, ...)} with one value each. */
  SQLITE {
    @Override
    public String sql(String text) {
      return text;
    }

    @Override
    public String in(int count) {
      if (count < 1) {
        throw new IllegalArgumentException("a list of " + count + " values");
      }
      return "IN (" + String.join(", ", Collections.nCopies(count, "?")) + ")";
    }
  },

  /** {@code $1..$n} placeholders; a list is {@code = ANY(?)}, one array parameter whatever its length. */
  POSTGRESQL {
    /** Derived once per text; the texts are the services' statements, a bounded set (never values). */
    private final Map<String, String> cache = new ConcurrentHashMap<>();

    @Override
    public String sql(String text) {
      String derived = cache.get(text);
      return derived != null ? derived : cache.computeIfAbsent(text, SqlDialect::numbered);
    }

    @Override
    public String in(int count) {
      return "= ANY(?)";
    }
  };

  /**
   * The statement in this dialect, from its text in the {@code ?} form. Pass statement texts
   * only (values are always parameters): PostgreSQL keeps what it derived.
   */
  public abstract String sql(String text);

  /**
   * The list parameter of {@code count} values ({@code count >= 1}) after a column:
   * {@code "WHERE id " + in(n)}, in the {@code ?} form ({@link #sql} numbers it as any other).
   */
  public abstract String in(int count);

  /**
   * The text with its {@code ?} placeholders numbered {@code $1, $2, ...} in order of appearance.
   * A {@code ?} inside a string literal ({@code 'it''s ?'}), a quoted identifier
   * ({@code "col?"}) or a comment ({@code --} to the line's end, or a block comment) is text, not a
   * placeholder.
   * Not for texts that use PostgreSQL's {@code ?} operators (jsonb), {@code E'...'} escapes or
   * dollar quoting: the services' statements use none of them.
   */
  public static String numbered(String text) {
    StringBuilder out = new StringBuilder(text.length() + 16);
    int n = 0;
    int i = 0;
    while (i < text.length()) {
      char c = text.charAt(i);
      int end;
      if (c == '\'' || c == '"') {
        end = quoted(text, i, c);
      } else if (c == '-' && text.startsWith("--", i)) {
        int eol = text.indexOf('\n', i);
        end = eol < 0 ? text.length() : eol;
      } else if (c == '/' && text.startsWith("/*", i)) {
        int close = text.indexOf("*/", i + 2);
        end = close < 0 ? text.length() : close + 2;
      } else if (c == '?') {
        out.append('$').append(++n);
        i++;
        continue;
      } else {
        end = i + 1;
      }
      out.append(text, i, end);
      i = end;
    }
    return out.toString();
  }

  /** Where the literal or identifier opened by {@code quote} at {@code start} ends (a doubled quote is one inside it). */
  private static int quoted(String text, int start, char quote) {
    int i = start + 1;
    while (i < text.length()) {
      if (text.charAt(i) == quote) {
        if (i + 1 < text.length() && text.charAt(i + 1) == quote) {
          i += 2;
          continue;
        }
        return i + 1;
      }
      i++;
    }
    return text.length();
  }
}
