package chat.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The real PostgreSQL server the suites run against when they run on that store: the one
 * {@code .ci/run} started ({@code CHAT_TEST_PG_URL}, an admin URL), or else one this JVM starts
 * with {@code scripts/pg-test.sh} (a throw-away cluster on 127.0.0.1 and a free port) and stops
 * by its pid file when the JVM exits. Each test gets a database of its own from
 * {@link #freshDatabase}.
 *
 * <p>Which store a suite runs on is the system property {@value #STORE_PROPERTY}
 * ({@code sqlite} unless a Maven execution sets {@code postgresql}).
 */
public final class TestPostgres {

  public static final String STORE_PROPERTY = "chat.test.store";
  public static final String URL_VARIABLE = "CHAT_TEST_PG_URL";

  private static final AtomicInteger DATABASES = new AtomicInteger();
  private static String adminUrl;

  private TestPostgres() {
  }

  /** True when this suite runs on PostgreSQL. */
  public static boolean selected() {
    return "postgresql".equals(System.getProperty(STORE_PROPERTY, "sqlite"));
  }

  /** {@code postgresql://postgres:PASSWORD@127.0.0.1:PORT/postgres}, starting a server on first use if none is given. */
  public static synchronized String adminUrl() {
    if (adminUrl == null) {
      String given = System.getenv(URL_VARIABLE);
      adminUrl = given != null && !given.isBlank() ? given.trim() : startServer();
    }
    return adminUrl;
  }

  /** A new, empty database on the test server; its URL (same user and password as the admin URL). */
  public static String freshDatabase() {
    String admin = adminUrl();
    String name = "t" + ProcessHandle.current().pid() + "_" + DATABASES.incrementAndGet() + "_" + System.nanoTime() % 100_000;
    psql(admin, "CREATE DATABASE " + name);
    return admin.substring(0, admin.lastIndexOf('/') + 1) + name;
  }

  /** Runs one SQL statement with psql on the server of {@code adminUrl}; its output. */
  public static String psql(String adminUrl, String sql) {
    return run(List.of("psql", adminUrl, "-v", "ON_ERROR_STOP=1", "-q", "-c", sql), 60);
  }

  /**
   * Runs {@code scripts/pg-test.sh COMMAND DIR} (start, restart, stop), for the tests that need
   * a server of their own to stop and start; its output ({@code start}: the admin URL, last line).
   */
  public static String script(String command, Path dir) {
    String out = run(List.of("bash", repositoryRoot().resolve("scripts/pg-test.sh").toString(), command,
      dir.toString()), 120);
    return command.equals("start") ? out.strip().lines().reduce((first, second) -> second).orElseThrow() : out;
  }

  private static String startServer() {
    Path dir;
    try {
      dir = Files.createTempDirectory("chatbus-pg-");
    } catch (IOException e) {
      throw new IllegalStateException("Cannot create a directory for the test PostgreSQL server", e);
    }
    String url = script("start", dir);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      script("stop", dir);
      deleteTree(dir);
    }, "test-postgres-stop"));
    return url;
  }

  private static void deleteTree(Path dir) {
    try (var paths = Files.walk(dir)) {
      paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      // A leftover temporary directory is harmless.
    }
  }

  /** The repository root: the nearest directory above the working directory holding scripts/pg-test.sh. */
  private static Path repositoryRoot() {
    for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
      if (Files.isRegularFile(p.resolve("scripts/pg-test.sh"))) {
        return p;
      }
    }
    throw new IllegalStateException("scripts/pg-test.sh not found above " + Path.of("").toAbsolutePath());
  }

  /** Runs a command, bounded in time; its standard output, or an exception with what it printed. */
  private static String run(List<String> command, long timeoutSeconds) {
    List<String> cmd = new ArrayList<>(command);
    try {
      Process process = new ProcessBuilder(cmd).redirectErrorStream(true).start();
      byte[] out = process.getInputStream().readAllBytes();
      if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        throw new IllegalStateException("Timed out: " + cmd.get(0));
      }
      String text = new String(out, StandardCharsets.UTF_8);
      if (process.exitValue() != 0) {
        throw new IllegalStateException(cmd.get(0) + " failed (" + process.exitValue() + "): " + text);
      }
      return text;
    } catch (IOException e) {
      throw new IllegalStateException("Cannot run " + cmd.get(0), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("Interrupted while running " + cmd.get(0), e);
    }
  }
}
