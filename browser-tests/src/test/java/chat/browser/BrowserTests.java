package chat.browser;

import static org.junit.jupiter.api.Assertions.fail;

import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;

/** What the browser test classes share: whether they can run, where screenshots go. */
final class BrowserTests {

  private BrowserTests() {
  }

  /**
   * Skips the class when Chromium or chromedriver is missing on a developer's machine; fails
   * under CI (CI=true), whose .ci/run installs them, so a broken install is never a green run.
   */
  static void requireChromium() {
    if (Browser.available()) {
      return;
    }
    String why = Browser.CHROMIUM + " or " + Browser.CHROMEDRIVER
      + " is missing: apt-get install chromium chromium-driver";
    if ("true".equalsIgnoreCase(System.getenv("CI"))) {
      fail(why);
    }
    Assumptions.abort(why);
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
