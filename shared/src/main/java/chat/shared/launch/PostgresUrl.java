package chat.shared.launch;

import chat.shared.Settings;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Which store a service keeps its data in ({@code CHAT_STORE}), and where the PostgreSQL one is:
 * {@code CHAT_PG_URL} ({@code postgresql://user[:password]@host[:port]/database}, user and
 * password percent-encoded), the password from {@code CHAT_PG_PASSWORD_FILE} (its first line)
 * when the URL has none. Read once at a service's start; the services build their own client
 * options from it (the reactive pool) and use {@link #jdbcUrl} for their Flyway migrations.
 *
 * @param password never logged: {@link #toString} leaves it out
 */
public record PostgresUrl(String host, int port, String database, String user, String password) {

  public static final String SQLITE = "sqlite";
  public static final String POSTGRESQL = "postgresql";
  public static final int DEFAULT_PORT = 5432;

  /**
   * True for {@code CHAT_STORE=postgresql}, false for {@code sqlite}.
   *
   * @throws IllegalArgumentException for any other value
   */
  public static boolean selected(Settings settings) {
    String store = settings.string(Settings.STORE).trim();
    if (SQLITE.equals(store)) {
      return false;
    }
    if (POSTGRESQL.equals(store)) {
      return true;
    }
    throw new IllegalArgumentException(Settings.STORE + " must be " + SQLITE + " or " + POSTGRESQL + ", got '" + store + "'");
  }

  /**
   * {@code CHAT_PG_URL} with the password file applied.
   *
   * @throws IllegalArgumentException when the URL is missing or malformed, names no database or
   *     user, or has no password while the password file is unset or unreadable
   */
  public static PostgresUrl from(Settings settings) {
    PostgresUrl url = parse(settings.string(Settings.PG_URL).trim());
    if (!url.password().isEmpty()) {
      return url;
    }
    String file = settings.string(Settings.PG_PASSWORD_FILE).trim();
    if (file.isEmpty()) {
      throw new IllegalArgumentException(Settings.PG_URL + " has no password and " + Settings.PG_PASSWORD_FILE + " is unset");
    }
    try {
      String password = Files.readAllLines(Path.of(file), StandardCharsets.UTF_8).stream()
        .findFirst().orElse("").trim();
      if (password.isEmpty()) {
        throw new IllegalArgumentException(Settings.PG_PASSWORD_FILE + " '" + file + "' is empty");
      }
      return new PostgresUrl(url.host(), url.port(), url.database(), url.user(), password);
    } catch (IOException e) {
      throw new UncheckedIOException(Settings.PG_PASSWORD_FILE + " '" + file + "' cannot be read", e);
    }
  }

  /** Parses {@code postgresql://user[:password]@host[:port]/database} (also {@code postgres://}). */
  public static PostgresUrl parse(String url) {
    if (url.isEmpty()) {
      throw new IllegalArgumentException(Settings.PG_URL + " is required with " + Settings.STORE + "=" + POSTGRESQL);
    }
    URI uri;
    try {
      uri = new URI(url);
    } catch (URISyntaxException e) {
      // The message would echo the URL, password included.
      throw new IllegalArgumentException(Settings.PG_URL + " is not a URL of the form postgresql://user:password@host:port/database");
    }
    String scheme = uri.getScheme();
    String info = uri.getRawUserInfo();
    String path = uri.getRawPath();
    if (!("postgresql".equals(scheme) || "postgres".equals(scheme)) || uri.getHost() == null || info == null
      || path == null || path.length() < 2 || path.indexOf('/', 1) >= 0) {
      throw new IllegalArgumentException(Settings.PG_URL + " must be postgresql://user[:password]@host[:port]/database");
    }
    int colon = info.indexOf(':');
    String user = decode(colon < 0 ? info : info.substring(0, colon));
    String password = colon < 0 ? "" : decode(info.substring(colon + 1));
    if (user.isEmpty()) {
      throw new IllegalArgumentException(Settings.PG_URL + " names no user");
    }
    String host = uri.getHost().startsWith("[") ? uri.getHost().substring(1, uri.getHost().length() - 1) : uri.getHost();
    return new PostgresUrl(host, uri.getPort() < 0 ? DEFAULT_PORT : uri.getPort(),
      decode(path.substring(1)), user, password);
  }

  /** The JDBC URL of the database (user and password are passed apart). */
  public String jdbcUrl() {
    return "jdbc:postgresql://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + port + "/"
      + URLEncoder.encode(database, StandardCharsets.UTF_8);
  }

  @Override
  public String toString() {
    return "postgresql://" + user + "@" + host + ":" + port + "/" + database;
  }

  private static String decode(String raw) {
    return URLDecoder.decode(raw.replace("+", "%2B"), StandardCharsets.UTF_8);
  }
}
