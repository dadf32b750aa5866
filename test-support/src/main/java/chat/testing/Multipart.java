package chat.testing;

import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** A multipart/form-data body with one file part, as a browser's FormData sends it (attachment uploads). */
public final class Multipart {

  public static final String BOUNDARY = "----chatbusTestBoundary7MA4YWxkTrZu0gW";
  public static final String CONTENT_TYPE = "multipart/form-data; boundary=" + BOUNDARY;

  private Multipart() {
  }

  /** The body: part {@code field} named {@code filename}, claiming {@code claimedType}, holding {@code bytes}. */
  public static Buffer body(String field, String filename, String claimedType, byte[] bytes) {
    return Buffer.buffer()
      .appendString(head(field, filename, claimedType))
      .appendBytes(bytes)
      .appendString(tail());
  }

  /** What comes before the file's bytes. */
  public static String head(String field, String filename, String claimedType) {
    return "--" + BOUNDARY + "\r\n"
      + "Content-Disposition: form-data; name=\"" + field + "\"; filename=\"" + filename + "\"\r\n"
      + "Content-Type: " + claimedType + "\r\n\r\n";
  }

  /** What comes after them. */
  public static String tail() {
    return "\r\n--" + BOUNDARY + "--\r\n";
  }

  public static String sha256(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  public static byte[] utf8(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }
}
