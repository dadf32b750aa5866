package chat.bench.gen;

import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;

/** What the run happened on, for the results file. */
final class Machine {

  private Machine() {
  }

  static JsonObject describe() {
    JsonObject m = new JsonObject()
      .put("generator_cpus_visible", Runtime.getRuntime().availableProcessors())
      .put("java", System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version"))
      .put("os", System.getProperty("os.name") + " " + System.getProperty("os.version"));
    try {
      int cores = 0;
      String model = null;
      for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
        if (line.startsWith("processor")) {
          cores++;
        } else if (model == null && line.startsWith("model name")) {
          model = line.substring(line.indexOf(':') + 1).trim();
        }
      }
      m.put("cpu_model", model).put("machine_cpus", cores);
      for (String line : Files.readAllLines(Path.of("/proc/meminfo"))) {
        if (line.startsWith("MemTotal:")) {
          long kb = Long.parseLong(line.replaceAll("[^0-9]", ""));
          m.put("memory_gb", Math.round(kb / 1024.0 / 1024.0 * 10) / 10.0);
        }
      }
    } catch (Exception e) {
      m.put("machine_error", e.toString());
    }
    return m;
  }
}
