package chat.bench.gen;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** A bench user: credentials, the id the server gave it and its own cookie jar. */
public final class BenchUser {

  public final int index;
  public final String username;
  public final String password;
  public volatile long id;
  private final Map<String, String> cookies = new ConcurrentHashMap<>();

  public BenchUser(int index, String username, String password) {
    this.index = index;
    this.username = username;
    this.password = password;
  }

  public String cookie(String name) {
    return cookies.get(name);
  }

  /** The {@code Cookie} request header, or null with an empty jar. */
  public String cookieHeader() {
    if (cookies.isEmpty()) {
      return null;
    }
    StringBuilder sb = new StringBuilder();
    cookies.forEach((k, v) -> {
      if (sb.length() > 0) {
        sb.append("; ");
      }
      sb.append(k).append('=').append(v);
    });
    return sb.toString();
  }

  /** Takes in {@code Set-Cookie} headers; a cookie expired or emptied is dropped. */
  public void absorb(List<String> setCookies) {
    for (String header : setCookies) {
      String[] parts = header.split(";");
      int eq = parts[0].indexOf('=');
      if (eq <= 0) {
        continue;
      }
      String name = parts[0].substring(0, eq).trim();
      String value = parts[0].substring(eq + 1).trim();
      boolean expired = value.isEmpty();
      for (int i = 1; i < parts.length; i++) {
        String attr = parts[i].trim().toLowerCase();
        if (attr.equals("max-age=0") || attr.startsWith("max-age=-")) {
          expired = true;
        }
      }
      if (expired) {
        cookies.remove(name);
      } else {
        cookies.put(name, value);
      }
    }
  }
}
