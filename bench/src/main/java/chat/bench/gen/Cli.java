package chat.bench.gen;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** {@code --key value} and {@code --flag} options; every option read is checked off so typos fail. */
public final class Cli {

  private final Map<String, String> values = new LinkedHashMap<>();
  private final List<String> used = new ArrayList<>();

  public Cli(String[] args, int from) {
    for (int i = from; i < args.length; i++) {
      String a = args[i];
      if (!a.startsWith("--")) {
        throw new IllegalArgumentException("unexpected argument '" + a + "'");
      }
      String key = a.substring(2);
      int eq = key.indexOf('=');
      if (eq >= 0) {
        values.put(key.substring(0, eq), key.substring(eq + 1));
      } else if (i + 1 < args.length && !args[i + 1].startsWith("--")) {
        values.put(key, args[++i]);
      } else {
        values.put(key, "true");
      }
    }
  }

  public String string(String key, String def) {
    used.add(key);
    return values.getOrDefault(key, def);
  }

  public int integer(String key, int def) {
    String v = string(key, null);
    return v == null ? def : Integer.parseInt(v.replace("_", "").replace(",", ""));
  }

  public long longValue(String key, long def) {
    String v = string(key, null);
    return v == null ? def : Long.parseLong(v.replace("_", "").replace(",", ""));
  }

  public double decimal(String key, double def) {
    String v = string(key, null);
    return v == null ? def : Double.parseDouble(v);
  }

  public boolean flag(String key) {
    return Boolean.parseBoolean(string(key, "false"));
  }

  public List<Integer> ints(String key, String def) {
    List<Integer> out = new ArrayList<>();
    for (String s : string(key, def).split(",")) {
      if (!s.isBlank()) {
        out.add(Integer.parseInt(s.trim().replace("_", "").toLowerCase().replace("k", "000")));
      }
    }
    return out;
  }

  /** Fails on options nobody asked for (call after reading every option). */
  public void rejectUnknown() {
    for (String key : values.keySet()) {
      if (!used.contains(key)) {
        throw new IllegalArgumentException("unknown option --" + key);
      }
    }
  }

  public Map<String, String> given() {
    return values;
  }
}
