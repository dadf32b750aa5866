package chat.bench.gen;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;

/** What one scenario measured against one target: summary metrics and per-step details. */
public final class ScenarioResult {

  public final String scenario;
  public final String target;
  public final List<Metric> metrics = new ArrayList<>();
  public final JsonArray steps = new JsonArray();
  public final JsonObject info = new JsonObject();
  public String error;

  public ScenarioResult(String scenario, String target) {
    this.scenario = scenario;
    this.target = target;
  }

  /** A summary figure; {@code row} is the scenario column of the table (e.g. {@code S1 N=200}). */
  public void add(String key, String row, String label, String unit, double value, Metric.Better better, String note) {
    metrics.add(new Metric(key, row, label, unit, value, better, note));
  }

  public JsonObject toJson() {
    JsonArray ms = new JsonArray();
    for (Metric m : metrics) {
      ms.add(new JsonObject().put("key", m.key).put("label", m.label).put("unit", m.unit)
        .put("value", Double.isFinite(m.value) ? m.value : null).put("better", m.better.name().toLowerCase())
        .put("note", m.note));
    }
    return new JsonObject().put("scenario", scenario).put("target", target).put("error", error)
      .put("info", info).put("metrics", ms).put("steps", steps);
  }
}
