package chat.bench.gen;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The table: one row per summary figure with the system's value, the floor's and the socket.io
 * peer's from the same run, and the ratios system / floor and system / socket.io. Printed, and
 * written as JSON and CSV.
 */
public final class Report {

  /** A merged row: one figure for each of the three peers. */
  static final class Row {
    String scenario;
    String label;
    String unit;
    Metric.Better better;
    Double system;
    Double floor;
    Double socketIo;
    String systemNote = "";
    String floorNote = "";
    String socketIoNote = "";

    /** system / floor. */
    Double ratio() {
      return ratio(system, floor);
    }

    /** system / socket.io. */
    Double ratioSocketIo() {
      return ratio(system, socketIo);
    }

    private static Double ratio(Double a, Double b) {
      if (a == null || b == null || !Double.isFinite(a) || !Double.isFinite(b) || b == 0) {
        return null;
      }
      return a / b;
    }
  }

  private final List<ScenarioResult> results;
  private final JsonObject meta;

  public Report(List<ScenarioResult> results, JsonObject meta) {
    this.results = results;
    this.meta = meta;
  }

  List<Row> rows() {
    Map<String, Row> rows = new LinkedHashMap<>();
    for (ScenarioResult r : results) {
      for (Metric m : r.metrics) {
        Row row = rows.computeIfAbsent(m.key, k -> {
          Row n = new Row();
          n.scenario = m.scenario;
          n.label = m.label;
          n.unit = m.unit;
          n.better = m.better;
          return n;
        });
        if ("floor".equals(r.target)) {
          row.floor = m.value;
          row.floorNote = m.note;
        } else if ("socketio".equals(r.target)) {
          row.socketIo = m.value;
          row.socketIoNote = m.note;
        } else {
          row.system = m.value;
          row.systemNote = m.note;
        }
      }
    }
    return new ArrayList<>(rows.values());
  }

  public void print(PrintStream out) {
    List<Row> rows = rows();
    String[] head = {"scenario", "metric", "unit", "system", "floor", "socket.io", "sys/floor", "sys/sio", "better",
      "notes"};
    List<String[]> lines = new ArrayList<>();
    for (Row r : rows) {
      String notes = join(join(r.systemNote.isEmpty() ? "" : "system: " + r.systemNote,
        r.floorNote.isEmpty() ? "" : "floor: " + r.floorNote), r.socketIoNote.isEmpty() ? "" : "socket.io: "
        + r.socketIoNote);
      lines.add(new String[] {r.scenario, r.label, r.unit, fmt(r.system), fmt(r.floor), fmt(r.socketIo),
        ratio(r.ratio()), ratio(r.ratioSocketIo()), r.better == Metric.Better.NONE ? "" : r.better.name().toLowerCase(),
        notes});
    }
    int[] w = new int[head.length];
    for (int i = 0; i < head.length; i++) {
      w[i] = head[i].length();
      for (String[] l : lines) {
        w[i] = Math.max(w[i], l[i].length());
      }
    }
    w[NOTES] = Math.min(w[NOTES], 200);
    out.println(line(head, w));
    StringBuilder rule = new StringBuilder();
    for (int i = 0; i < w.length; i++) {
      rule.append("-".repeat(w[i])).append(i < w.length - 1 ? "-+-" : "");
    }
    out.println(rule);
    for (String[] l : lines) {
      out.println(line(l, w));
    }
    for (ScenarioResult r : results) {
      if (r.error != null) {
        out.println("! " + r.scenario + " against " + r.target + ": " + r.error);
      }
    }
    out.println("sys/floor = system / floor, sys/sio = system / socket.io; 'better' tells which direction is good"
      + " for that figure. S1 figures are medians of each step's runs.");
  }

  private static final int NOTES = 9;

  private static String line(String[] cells, int[] w) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < cells.length; i++) {
      boolean numeric = i >= 3 && i <= 7;
      String c = cells[i];
      sb.append(numeric ? pad(c, w[i], true) : pad(c, w[i], false));
      if (i < cells.length - 1) {
        sb.append(" | ");
      }
    }
    return sb.toString().stripTrailing();
  }

  private static String pad(String s, int w, boolean right) {
    if (s.length() >= w) {
      return s;
    }
    String fill = " ".repeat(w - s.length());
    return right ? fill + s : s + fill;
  }

  private static String join(String a, String b) {
    if (a.isEmpty()) {
      return b;
    }
    return b.isEmpty() ? a : a + "; " + b;
  }

  static String fmt(Double v) {
    if (v == null) {
      return "-";
    }
    if (!Double.isFinite(v)) {
      return "n/a";
    }
    double a = Math.abs(v);
    if (a >= 1000) {
      return String.format(Locale.ROOT, "%,.0f", v);
    }
    if (a >= 100) {
      return String.format(Locale.ROOT, "%.0f", v);
    }
    if (a >= 10) {
      return String.format(Locale.ROOT, "%.1f", v);
    }
    return String.format(Locale.ROOT, "%.2f", v);
  }

  private static String ratio(Double r) {
    return r == null ? "-" : String.format(Locale.ROOT, "%.2f", r);
  }

  /** Writes {@code <dir>/<timestamp>.json} and {@code .csv}; returns the JSON path. */
  public Path write(Path dir) throws IOException {
    Files.createDirectories(dir);
    String stamp = LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"));
    Path json = dir.resolve(stamp + ".json");
    Path csv = dir.resolve(stamp + ".csv");
    JsonArray rows = new JsonArray();
    StringBuilder c = new StringBuilder("scenario,metric,unit,system,floor,socketio,system_floor,system_socketio,better,"
      + "system_note,floor_note,socketio_note\n");
    for (Row r : rows()) {
      Double ratio = r.ratio();
      Double ratioIo = r.ratioSocketIo();
      rows.add(new JsonObject().put("scenario", r.scenario).put("metric", r.label).put("unit", r.unit)
        .put("system", finite(r.system)).put("floor", finite(r.floor)).put("socketio", finite(r.socketIo))
        .put("ratio", ratio).put("ratio_socketio", ratioIo)
        .put("better", r.better.name().toLowerCase()).put("system_note", r.systemNote).put("floor_note", r.floorNote)
        .put("socketio_note", r.socketIoNote));
      c.append(csv(r.scenario)).append(',').append(csv(r.label)).append(',').append(csv(r.unit)).append(',')
        .append(num(r.system)).append(',').append(num(r.floor)).append(',').append(num(r.socketIo)).append(',')
        .append(ratio == null ? "" : ratio).append(',').append(ratioIo == null ? "" : ratioIo)
        .append(',').append(r.better.name().toLowerCase()).append(',').append(csv(r.systemNote)).append(',')
        .append(csv(r.floorNote)).append(',').append(csv(r.socketIoNote)).append('\n');
    }
    JsonArray details = new JsonArray();
    for (ScenarioResult r : results) {
      details.add(r.toJson());
    }
    JsonObject doc = new JsonObject().put("meta", meta).put("rows", rows).put("scenarios", details);
    Files.writeString(json, doc.encodePrettily() + "\n", StandardCharsets.UTF_8);
    Files.writeString(csv, c.toString(), StandardCharsets.UTF_8);
    return json;
  }

  private static Double finite(Double v) {
    return v == null || !Double.isFinite(v) ? null : v;
  }

  private static String num(Double v) {
    return v == null || !Double.isFinite(v) ? "" : String.valueOf(v);
  }

  private static String csv(String s) {
    if (s == null) {
      return "";
    }
    if (s.contains(",") || s.contains("\"") || s.contains("\n")) {
      return "\"" + s.replace("\"", "\"\"") + "\"";
    }
    return s;
  }
}
