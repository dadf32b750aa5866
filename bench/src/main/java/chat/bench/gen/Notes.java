package chat.bench.gen;

import io.vertx.core.json.JsonObject;

/** Warnings a reader needs next to a figure. */
final class Notes {

  private Notes() {
  }

  /**
   * Flags a step whose generator core was saturated (the figure may be the generator's limit,
   * not the server's) or where other processes used a noticeable share of the machine.
   */
  static String contention(JsonObject step) {
    if (step == null) {
      return "";
    }
    StringBuilder sb = new StringBuilder();
    Double gen = step.getDouble("gen_cpu_pct");
    Double other = step.getDouble("other_cpu_pct");
    if (gen != null && gen >= 90) {
      sb.append("; generator core ").append(Math.round(gen)).append("% busy (may be generator-bound)");
    }
    if (other != null && other >= 15) {
      sb.append("; other load ").append(Math.round(other)).append("% of a core (noisy machine)");
    }
    return sb.toString();
  }
}
