package chat.browser;

import static org.junit.jupiter.api.Assertions.fail;

import java.nio.file.Path;

/** What the browser test classes share: whether they can run, where screenshots go. */
final class BrowserTests {

  private BrowserTests() {
  }

  /**
   * Fails, never skips, when Chromium or chromedriver is missing: a skipped browser test would
   * read as a pass. {@code bash .ci/run} installs them; {@code -pl '!browser-tests'} leaves the
   * module out of a local run on purpose.
   */
  static void requireChromium() {
    if (!Browser.available()) {
      fail(Browser.CHROMIUM + " or " + Browser.CHROMEDRIVER
        + " is missing: run `bash .ci/run` (installs them) or `apt-get install chromium chromium-driver`");
    }
  }

  /** docs/screenshots of the repository (set by the pom; the default suits a run from the module). */
  static Path screenshots() {
    return Path.of(System.getProperty("chatbus.screenshots", "../docs/screenshots")).toAbsolutePath().normalize();
  }

  /** target/screenshots: looks at other states and sizes, for people debugging, never committed. */
  static Path scratchShots() {
    return Path.of("target", "screenshots").toAbsolutePath();
  }

  static void closeQuietly(AutoCloseable... things) {
    for (AutoCloseable thing : things) {
      if (thing != null) {
        try {
          thing.close();
        } catch (Exception e) {
          // keep closing the others
        }
      }
    }
  }
}
