package chat.bench.gen;

/** One summary figure of one scenario against one target. */
public final class Metric {

  /** Which way is better, so a reader knows how to read the ratio. */
  public enum Better { HIGHER, LOWER, NONE }

  public final String key;
  public final String scenario;
  public final String label;
  public final String unit;
  public final double value;
  public final Better better;
  public final String note;

  public Metric(String key, String scenario, String label, String unit, double value, Better better, String note) {
    this.key = key;
    this.scenario = scenario;
    this.label = label;
    this.unit = unit;
    this.value = value;
    this.better = better;
    this.note = note == null ? "" : note;
  }
}
