package chat.attachments;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Decides an attachment's content type from its bytes, fed chunk by chunk as they arrive (the
 * client's claimed type is never asked): PNG, JPEG, GIF, WebP and PDF by their magic numbers;
 * {@value #TEXT} when the whole file is well-formed UTF-8 without NUL or other binary control
 * bytes and does not start like markup (HTML, SVG, XML: a browser could be talked into rendering
 * it); anything else {@value #OCTET_STREAM}. Not thread-safe; one per upload.
 */
public final class ContentSniffer {

  public static final String PNG = "image/png";
  public static final String JPEG = "image/jpeg";
  public static final String GIF = "image/gif";
  public static final String WEBP = "image/webp";
  public static final String PDF = "application/pdf";
  public static final String TEXT = "text/plain; charset=utf-8";
  public static final String OCTET_STREAM = "application/octet-stream";

  /** The types a browser may show inline (everything else is downloaded). */
  public static final List<String> IMAGES = List.of(PNG, JPEG, GIF, WEBP);

  /** Bytes kept from the start: the magic numbers, and enough to see past a BOM and white space. */
  private static final int HEAD_BYTES = 1024;

  private final byte[] head = new byte[HEAD_BYTES];
  private int headLength;
  private boolean text = true;
  /** UTF-8 state: continuation bytes still expected, and the range allowed for the next one. */
  private int pending;
  private int nextLow = 0x80;
  private int nextHigh = 0xBF;

  /** Looks at the next bytes of the file. */
  public void update(byte[] bytes, int offset, int length) {
    int copy = Math.min(length, HEAD_BYTES - headLength);
    if (copy > 0) {
      System.arraycopy(bytes, offset, head, headLength, copy);
      headLength += copy;
    }
    if (text) {
      for (int i = offset, end = offset + length; i < end && text; i++) {
        utf8(bytes[i] & 0xff);
      }
    }
  }

  /** The type of the bytes seen, once all were seen. */
  public String contentType() {
    if (startsWith(0, 0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A)) {
      return PNG;
    }
    if (startsWith(0, 0xFF, 0xD8, 0xFF)) {
      return JPEG;
    }
    if (startsWith(0, 'G', 'I', 'F', '8', '7', 'a') || startsWith(0, 'G', 'I', 'F', '8', '9', 'a')) {
      return GIF;
    }
    if (startsWith(0, 'R', 'I', 'F', 'F') && startsWith(8, 'W', 'E', 'B', 'P')) {
      return WEBP;
    }
    if (startsWith(0, '%', 'P', 'D', 'F', '-')) {
      return PDF;
    }
    if (text && pending == 0 && !looksLikeMarkup()) {
      return TEXT;
    }
    return OCTET_STREAM;
  }

  private boolean startsWith(int at, int... magic) {
    if (headLength < at + magic.length) {
      return false;
    }
    for (int i = 0; i < magic.length; i++) {
      if ((head[at + i] & 0xff) != magic[i]) {
        return false;
      }
    }
    return true;
  }

  /**
   * After a BOM and white space, {@code <} then a letter, {@code !}, {@code ?} or {@code /}: the
   * start of an element, a doctype, a comment or an XML declaration ({@code <!doctype}, {@code <html},
   * {@code <svg}, {@code <?xml}...). "<3" or "< 5" stay text.
   */
  private boolean looksLikeMarkup() {
    int i = startsWith(0, 0xEF, 0xBB, 0xBF) ? 3 : 0;
    while (i < headLength && isSpace(head[i])) {
      i++;
    }
    if (i >= headLength || head[i] != '<') {
      return false;
    }
    if (i + 1 >= headLength) {
      return true;
    }
    int c = head[i + 1] & 0xff;
    return Character.isLetter(c) || c == '!' || c == '?' || c == '/' || c >= 0x80;
  }

  private static boolean isSpace(byte b) {
    return b == ' ' || b == '\t' || b == '\n' || b == '\r' || b == '\f';
  }

  /** One byte through the UTF-8 check (overlong forms, surrogates and > U+10FFFF are invalid). */
  private void utf8(int b) {
    if (pending > 0) {
      if (b < nextLow || b > nextHigh) {
        text = false;
        return;
      }
      pending--;
      nextLow = 0x80;
      nextHigh = 0xBF;
      return;
    }
    if (b < 0x80) {
      // Binary control bytes: everything below 0x20 but tab, new line, form feed, carriage return; and DEL.
      if ((b < 0x20 && b != '\t' && b != '\n' && b != '\r' && b != '\f') || b == 0x7F) {
        text = false;
      }
    } else if (b >= 0xC2 && b <= 0xDF) {
      pending = 1;
    } else if (b == 0xE0) {
      pending = 2;
      nextLow = 0xA0;
    } else if (b == 0xED) {
      pending = 2;
      nextHigh = 0x9F;
    } else if (b >= 0xE1 && b <= 0xEF) {
      pending = 2;
    } else if (b == 0xF0) {
      pending = 3;
      nextLow = 0x90;
    } else if (b >= 0xF1 && b <= 0xF3) {
      pending = 3;
    } else if (b == 0xF4) {
      pending = 3;
      nextHigh = 0x8F;
    } else {
      text = false;
    }
  }

  /** The type of a whole byte array (tests, small files). */
  public static String of(byte[] bytes) {
    ContentSniffer sniffer = new ContentSniffer();
    sniffer.update(bytes, 0, bytes.length);
    return sniffer.contentType();
  }

  /** The type of a text, as UTF-8. */
  public static String ofText(String text) {
    return of(text.getBytes(StandardCharsets.UTF_8));
  }

  /** Whether a browser may show the type inline. */
  public static boolean isImage(String contentType) {
    return IMAGES.contains(contentType == null ? "" : contentType.toLowerCase(Locale.ROOT));
  }

  @Override
  public String toString() {
    return "ContentSniffer" + Arrays.toString(Arrays.copyOf(head, Math.min(headLength, 8)));
  }
}
