package chat.attachments;

/**
 * The name an attachment keeps: the client's file name without any path (only what follows the
 * last {@code /} or {@code \}), without control, format (bidi overrides) or unpaired surrogate
 * characters, stripped, at most {@value #MAX_CODE_POINTS} code points; {@value #FALLBACK} when
 * nothing is left (or only dots).
 */
public final class FileNames {

  public static final int MAX_CODE_POINTS = 200;
  public static final String FALLBACK = "file";

  private FileNames() {
  }

  public static String sanitize(String raw) {
    if (raw == null) {
      return FALLBACK;
    }
    int cut = Math.max(raw.lastIndexOf('/'), raw.lastIndexOf('\\'));
    String name = cut >= 0 ? raw.substring(cut + 1) : raw;
    StringBuilder kept = new StringBuilder(Math.min(name.length(), MAX_CODE_POINTS * 2));
    int count = 0;
    for (int i = 0; i < name.length() && count < MAX_CODE_POINTS; ) {
      int cp = name.codePointAt(i);
      i += Character.charCount(cp);
      int type = Character.getType(cp);
      if (Character.isISOControl(cp) || type == Character.FORMAT || type == Character.SURROGATE
        || type == Character.LINE_SEPARATOR || type == Character.PARAGRAPH_SEPARATOR
        || type == Character.UNASSIGNED || type == Character.PRIVATE_USE) {
        continue;
      }
      kept.appendCodePoint(cp);
      count++;
    }
    String result = kept.toString().strip();
    if (result.isEmpty() || result.chars().allMatch(c -> c == '.')) {
      return FALLBACK;
    }
    return result;
  }
}
