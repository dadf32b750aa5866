package chat.app;

import chat.testing.TestStack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's walk-through ({@code scripts/walkthrough.sh}, shown in the README as it is) runs
 * as written with curl against a freshly started system on its default rules, and every status
 * is the one the script expects.
 */
@ExtendWith(VertxExtension.class)
class WalkthroughTest {

  private static final Path REPOSITORY = Path.of("..").toAbsolutePath().normalize();
  private static final Path SCRIPT = REPOSITORY.resolve("scripts/walkthrough.sh");

  @TempDir
  static Path dataDir;
  static TestStack stack;

  @BeforeAll
  static void deploy(Vertx vertx) throws Exception {
    // The defaults a newcomer gets, where the test stack loosens them for other suites.
    stack = TestStack.deploy(vertx, dataDir, new JsonObject().put("CHAT_OWNER_SIGNUP", "closed"));
  }

  @AfterAll
  static void undeploy() throws Exception {
    stack.undeploy();
  }

  @Test
  void walkthroughRunsAsWrittenOnAnEmptyDatabase() throws Exception {
    Path output = dataDir.resolve("walkthrough.out");
    Process process = new ProcessBuilder("bash", SCRIPT.toString(), "http://127.0.0.1:" + stack.port)
      .redirectErrorStream(true)
      .redirectOutput(output.toFile())
      .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
      .start();
    try {
      assertTrue(process.waitFor(120, TimeUnit.SECONDS), "walkthrough still running after 120 s");
    } finally {
      process.destroyForcibly();
    }
    String printed = Files.readString(output, StandardCharsets.UTF_8);
    assertEquals(0, process.exitValue(), printed);
    assertTrue(printed.contains("403 POST   /api/auth/register"), printed);
    assertTrue(printed.contains("404 GET    /api/chats/"), printed);
    assertTrue(printed.strip().endsWith("walk-through done: every status as expected"), printed);
  }

  @Test
  void readmeShowsTheScriptAsItIs() throws Exception {
    String readme = Files.readString(REPOSITORY.resolve("README.md"), StandardCharsets.UTF_8);
    String script = Files.readString(SCRIPT, StandardCharsets.UTF_8);
    assertTrue(readme.contains("```bash\n" + script + "```"),
      "README.md must show scripts/walkthrough.sh verbatim in a bash block");
  }
}
