package chat.bench.gen;

/**
 * The text a bench message carries: {@code bench:<phase>:<seq>:<nanoTime>:<padding>}. Sender and
 * receivers live in the generator's JVM, so {@link System#nanoTime()} is a shared clock.
 * Plain ASCII without quotes or backslashes, so it needs no JSON escaping either way.
 */
public final class Content {

  static final String PREFIX = "bench:";

  private Content() {
  }

  public static String encode(int phase, int seq, long nanos, int size) {
    StringBuilder sb = new StringBuilder(Math.max(size, 48));
    sb.append(PREFIX).append(phase).append(':').append(seq).append(':').append(nanos).append(':');
    while (sb.length() < size) {
      sb.append('x');
    }
    return sb.toString();
  }

  /** Decoded fields, or null when the text is not a bench message. */
  public static final class Decoded {
    public int phase;
    public int seq;
    public long nanos;
  }

  public static boolean decode(String text, Decoded out) {
    if (text == null || !text.startsWith(PREFIX)) {
      return false;
    }
    int i = PREFIX.length();
    int a = text.indexOf(':', i);
    int b = a < 0 ? -1 : text.indexOf(':', a + 1);
    int c = b < 0 ? -1 : text.indexOf(':', b + 1);
    if (c < 0) {
      return false;
    }
    try {
      out.phase = Integer.parseInt(text, i, a, 10);
      out.seq = Integer.parseInt(text, a + 1, b, 10);
      out.nanos = Long.parseLong(text, b + 1, c, 10);
      return true;
    } catch (NumberFormatException e) {
      return false;
    }
  }

  private static final char[] HEX = "0123456789abcdef".toCharArray();

  /**
   * A reply address shaped like the UUID the JavaScript bridge client uses (the bridge refuses
   * longer than 36 characters), carrying the phase and sequence number so no map is needed.
   */
  public static String replyAddress(int phase, int seq) {
    char[] c = "00000000-0000-4000-8000-000000000000".toCharArray();
    for (int k = 7, v = phase; k >= 0; k--, v >>>= 4) {
      c[k] = HEX[v & 0xf];
    }
    long s = seq & 0xffffffffL;
    for (int k = 35; k >= 24; k--, s >>>= 4) {
      c[k] = HEX[(int) (s & 0xf)];
    }
    return new String(c);
  }

  /** Phase and seq from a reply address made by {@link #replyAddress}, or false. */
  public static boolean parseReplyAddress(String address, Decoded out) {
    if (address == null || address.length() != 36 || address.charAt(8) != '-' || !address.startsWith("-0000-4000-8000-", 8)) {
      return false;
    }
    try {
      out.phase = (int) Long.parseLong(address, 0, 8, 16);
      out.seq = (int) Long.parseLong(address, 24, 36, 16);
      return true;
    } catch (NumberFormatException e) {
      return false;
    }
  }
}
