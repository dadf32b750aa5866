package chat.cluster;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * One service as its own JVM: {@code java -jar <module>-fat.jar -cluster} with the given
 * environment. Its output goes to a log file, which a test reads to wait for a line.
 * Only this object's {@link Process} handle ever stops it.
 */
final class ServiceProcess {

  private static final List<String> JVM_FLAGS = List.of(
    // Small and quick to start on a two-core machine; plenty for a test's traffic.
    "-Xms64m", "-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1");

  final String name;
  private final Path jar;
  private final Map<String, String> env;
  private final Path logFile;
  private long logOffset;
  private Process process;
  private long startedAt;

  ServiceProcess(String name, Path jar, Map<String, String> env, Path logDir) {
    this.name = name;
    this.jar = jar;
    this.env = env;
    this.logFile = logDir.resolve(name + ".log");
  }

  /** Sets an environment variable for the next start, or removes it when {@code value} is null. */
  void env(String key, String value) {
    if (value == null) {
      env.remove(key);
    } else {
      env.put(key, value);
    }
  }

  /** Starts (or starts again, appending to the same log). */
  ServiceProcess start() throws IOException {
    if (!Files.isRegularFile(jar)) {
      throw new IllegalStateException(jar + " is missing: build the reactor first (mvn -B install -DskipTests)");
    }
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(JVM_FLAGS);
    command.add("-jar");
    command.add(jar.toString());
    command.add("-cluster");
    // Straight to the file, not through a pipe: Process.destroy() closes the parent's end of
    // the pipes, and the service's shutdown lines would be lost.
    Files.writeString(logFile, "==== " + name + " ====\n", StandardCharsets.UTF_8,
      StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    logOffset = Files.size(logFile);
    ProcessBuilder builder = new ProcessBuilder(command)
      .redirectErrorStream(true)
      .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()))
      .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
    builder.environment().putAll(env);
    startedAt = System.nanoTime();
    process = builder.start();
    return this;
  }

  /** This run's log lines so far. */
  private List<String> lines() {
    try {
      byte[] all = Files.readAllBytes(logFile);
      int from = (int) Math.min(logOffset, all.length);
      return new String(all, from, all.length - from, StandardCharsets.UTF_8).lines().collect(Collectors.toList());
    } catch (IOException e) {
      return List.of();
    }
  }

  /** Waits for a log line of this run matching; returns ms since this start. Fails early if the process dies. */
  long awaitLine(Pattern pattern, long timeoutMs) throws InterruptedException {
    long deadline = System.currentTimeMillis() + timeoutMs;
    while (true) {
      if (logged(pattern)) {
        return sinceStartMs();
      }
      if (System.currentTimeMillis() > deadline) {
        throw new AssertionError(name + ": no line /" + pattern + "/ within " + timeoutMs + " ms; see " + logFile);
      }
      if (!process.isAlive()) {
        throw new AssertionError(name + " exited with " + process.exitValue() + " before /" + pattern + "/; see " + logFile);
      }
      Thread.sleep(100);
    }
  }

  /** Whether any line of this run so far matches. */
  boolean logged(Pattern pattern) {
    return lines().stream().anyMatch(l -> pattern.matcher(l).find());
  }

  long sinceStartMs() {
    return (System.nanoTime() - startedAt) / 1_000_000;
  }

  boolean isAlive() {
    return process != null && process.isAlive();
  }

  /** SIGTERM and wait for a clean exit; returns the exit code. Forcibly killed after the timeout. */
  int stop(long timeoutMs) throws InterruptedException {
    if (process == null) {
      return -1;
    }
    process.destroy();
    if (!process.waitFor(timeoutMs, TimeUnit.MILLISECONDS)) {
      process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      throw new AssertionError(name + " did not stop within " + timeoutMs + " ms of SIGTERM; see " + logFile);
    }
    return process.exitValue();
  }

  /** SIGKILL, as a crash. */
  void kill() throws InterruptedException {
    if (process != null) {
      process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }
  }

  /** Last resort for @AfterAll: never leaves the process behind, whatever state it is in. */
  void ensureStopped() {
    if (process == null || !process.isAlive()) {
      return;
    }
    process.destroy();
    try {
      if (!process.waitFor(30, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }

  Path logFile() {
    return logFile;
  }
}
