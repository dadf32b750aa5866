package chat.attachments;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** What is left of a client's file name: no path, no control or format characters, a bounded length. */
class FileNamesTest {

  @Test
  void pathsControlsAndOverridesGo() {
    assertEquals("passwd", FileNames.sanitize("../../etc/passwd"));
    assertEquals("report.pdf", FileNames.sanitize("C:\\Users\\me\\report.pdf"));
    assertEquals("ab.txt", FileNames.sanitize("a\u0000b\r\n.txt"));
    assertEquals("evilfdp.exe", FileNames.sanitize("evil\u202Efdp.exe"));
    assertEquals("photo été.jpg", FileNames.sanitize("  photo été.jpg  "));
    assertEquals("😀.png", FileNames.sanitize("😀.png"));
    assertEquals("x", FileNames.sanitize("x\uD800"));
  }

  @Test
  void nothingLeftIsFile() {
    for (String raw : new String[] {null, "", "   ", "..", ".", "dir/", "\u0001\u0002"}) {
      assertEquals(FileNames.FALLBACK, FileNames.sanitize(raw), String.valueOf(raw));
    }
  }

  @Test
  void longNamesAreCut() {
    String name = FileNames.sanitize("é".repeat(500));
    assertEquals(FileNames.MAX_CODE_POINTS, name.codePointCount(0, name.length()));
  }
}
