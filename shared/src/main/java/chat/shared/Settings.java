package chat.shared;

import io.vertx.core.json.JsonObject;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Configuration keys and their laptop defaults. A value is looked up in the verticle's
 * config first, then in the environment variable of the same name, then the default; so
 * tests inject config and containers set environment variables.
 */
public final class Settings {

  // gateway
  public static final String HTTP_HOST = "CHAT_HTTP_HOST";
  public static final String HTTP_PORT = "CHAT_HTTP_PORT";
  /** Comma-separated origins allowed to open the bridge besides the gateway's own. */
  public static final String ALLOWED_ORIGINS = "CHAT_ALLOWED_ORIGINS";
  /** Set the {@code Secure} flag on cookies (behind TLS). */
  public static final String COOKIE_SECURE = "CHAT_COOKIE_SECURE";
  public static final String SESSION_TIMEOUT_MINUTES = "CHAT_SESSION_TIMEOUT_MINUTES";
  /**
   * Largest accepted request body, bytes; larger gets 413. The default fits a message of the
   * default maximum length even when every character is sent as a JSON surrogate-pair escape.
   */
  public static final String MAX_BODY_BYTES = "CHAT_MAX_BODY_BYTES";
  /**
   * Failed logins per client address per minute, across usernames (a burst of this many, then
   * one more every 60/N seconds), before 429. Counted by the auth service, so cluster-wide.
   */
  public static final String LOGIN_ATTEMPTS_PER_MINUTE = "CHAT_LOGIN_ATTEMPTS_PER_MINUTE";
  /** Messages a user may send per second, sustained, counted by the chat service so cluster-wide (0 = unlimited). */
  public static final String MESSAGES_PER_SECOND = "CHAT_MESSAGES_PER_SECOND";
  /** Burst of messages a user may send at once (read by the chat service; 0 = unlimited). */
  public static final String MESSAGE_BURST = "CHAT_MESSAGE_BURST";
  /** Bytes a bridge socket may have written but not yet taken by its client; over it, the socket is closed. */
  public static final String SOCKET_WRITE_QUEUE_BYTES = "CHAT_SOCKET_WRITE_QUEUE_BYTES";
  /** Largest bridge frame a client may send (a WebSocket message, an xhr_send body), bytes; larger: err frame, close. */
  public static final String BRIDGE_MAX_FRAME_BYTES = "CHAT_BRIDGE_MAX_FRAME_BYTES";
  /** Bridge sockets one client address may hold open on a gateway at once. */
  public static final String BRIDGE_SOCKETS_PER_ADDRESS = "CHAT_BRIDGE_SOCKETS_PER_ADDRESS";
  /** How long, ms, a user's last bridge socket on a gateway may be gone before it is reported offline (a quick reconnect is no flap). */
  public static final String PRESENCE_GRACE_MS = "CHAT_PRESENCE_GRACE_MS";
  /**
   * Presence lease, ms, read by gateways and the chat service alike: gateways heartbeat every
   * third of it; a gateway unheard of for a lease (killed) has its users offline within 4/3 of it.
   */
  public static final String PRESENCE_LEASE_MS = "CHAT_PRESENCE_LEASE_MS";
  /** Secret (at least 32 characters) signing XSRF tokens; the same on every gateway. Unset: one random secret agreed in the cluster. */
  public static final String CSRF_SECRET = "CHAT_CSRF_SECRET";
  /** File whose content (trimmed) is the CSRF secret, when CHAT_CSRF_SECRET is unset (container secrets). */
  public static final String CSRF_SECRET_FILE = "CHAT_CSRF_SECRET_FILE";

  // logging: read by the logback configuration of the runnable jars (environment or -D only)
  /** {@code text} (default) or {@code json}: one JSON object per line (logback's JsonEncoder). */
  public static final String LOG_FORMAT = "CHAT_LOG_FORMAT";
  /** Level of the gateway's access log (logger {@code chat.access}): {@code INFO}, or {@code OFF} to turn it off. */
  public static final String ACCESS_LOG = "CHAT_ACCESS_LOG";

  // storage
  public static final String DATA_DIR = "CHAT_DATA_DIR";
  /** {@code sqlite} (default: files in the data directory) or {@code postgresql} (CHAT_PG_URL). */
  public static final String STORE = "CHAT_STORE";
  /**
   * With {@code CHAT_STORE=postgresql}: {@code postgresql://user[:password]@host:port/database}.
   * Each service keeps its tables in its own schema ({@code auth}, {@code chat}) of that database.
   */
  public static final String PG_URL = "CHAT_PG_URL";
  /** File whose first line is the PostgreSQL password, when CHAT_PG_URL carries none (container secrets). */
  public static final String PG_PASSWORD_FILE = "CHAT_PG_PASSWORD_FILE";
  /** Maximum message length in characters. */
  public static final String MAX_MESSAGE_LENGTH = "CHAT_MAX_MESSAGE_LENGTH";
  /** PBKDF2 iterations for new password hashes. */
  public static final String PASSWORD_ITERATIONS = "CHAT_PASSWORD_ITERATIONS";

  // auth service: sign-up and login protection
  /** {@code closed}: owners register only while none exists; {@code open}: anyone may (demos, tests). */
  public static final String OWNER_SIGNUP = "CHAT_OWNER_SIGNUP";
  /** Failed logins of one account (any address) before each further one waits 1 s, 2 s, 4 s... */
  public static final String LOGIN_ACCOUNT_FREE_FAILURES = "CHAT_LOGIN_ACCOUNT_FREE_FAILURES";
  /** Longest wait, seconds, the per-account back-off imposes (so the real user is never locked out long). */
  public static final String LOGIN_BACKOFF_MAX_SECONDS = "CHAT_LOGIN_BACKOFF_MAX_SECONDS";
  /** Registrations per client address per hour (a burst of this many, then refilled evenly). */
  public static final String REGISTRATIONS_PER_HOUR = "CHAT_REGISTRATIONS_PER_HOUR";
  /** Threads that hash and verify passwords (0 = one per core). */
  public static final String PASSWORD_WORKERS = "CHAT_PASSWORD_WORKERS";
  /** Password checks running or queued at once, overall, before 429 (0 = 4 per worker). */
  public static final String PASSWORD_QUEUE = "CHAT_PASSWORD_QUEUE";
  /** Password checks running or queued at once for one client address before 429. */
  public static final String PASSWORD_CHECKS_PER_ADDRESS = "CHAT_PASSWORD_CHECKS_PER_ADDRESS";
  /**
   * Longest time, ms, a message send to an idle writer waits to be committed with others (group
   * commit); none while the writer is under load (its last batch held several sends).
   */
  public static final String COMMIT_WINDOW_MS = "CHAT_COMMIT_WINDOW_MS";
  /** Cap on the size of chat.db, bytes (whole 4 KiB pages); at the cap writes answer 503 (0 = no cap). */
  public static final String CHAT_DB_MAX_BYTES = "CHAT_DB_MAX_BYTES";

  // cluster
  public static final String CLUSTER_NAME = "CHAT_CLUSTER_NAME";
  /** Comma- or newline-separated Hazelcast members (host or host:port). */
  public static final String CLUSTER_MEMBERS = "CHAT_CLUSTER_MEMBERS";
  /** Interface Hazelcast and the clustered event bus bind to and advertise. */
  public static final String CLUSTER_HOST = "CHAT_CLUSTER_HOST";
  /** Hazelcast member port (0 = Hazelcast's default 5701 with auto-increment). */
  public static final String CLUSTER_PORT = "CHAT_CLUSTER_PORT";
  /** Hosts the cluster may see this node as, when it differs from CLUSTER_HOST (containers). */
  public static final String CLUSTER_PUBLIC_HOST = "CHAT_CLUSTER_PUBLIC_HOST";
  /** PKCS12 key store (node key + certificate signed by the cluster CA); set = clustered event bus TLS with client certificates. */
  public static final String CLUSTER_TLS_KEYSTORE = "CHAT_CLUSTER_TLS_KEYSTORE";
  /** Password of the key store (or {@link #CLUSTER_TLS_KEYSTORE_PASSWORD_FILE}, a file holding it). */
  public static final String CLUSTER_TLS_KEYSTORE_PASSWORD = "CHAT_CLUSTER_TLS_KEYSTORE_PASSWORD";
  /** File whose first line is the key store password (a container secret). */
  public static final String CLUSTER_TLS_KEYSTORE_PASSWORD_FILE = "CHAT_CLUSTER_TLS_KEYSTORE_PASSWORD_FILE";
  /** PKCS12 trust store holding the cluster CA: only nodes with a certificate it signed are let in. */
  public static final String CLUSTER_TLS_TRUSTSTORE = "CHAT_CLUSTER_TLS_TRUSTSTORE";
  /** Password of the trust store (empty: the key store's). */
  public static final String CLUSTER_TLS_TRUSTSTORE_PASSWORD = "CHAT_CLUSTER_TLS_TRUSTSTORE_PASSWORD";
  /** File whose first line is the trust store password. */
  public static final String CLUSTER_TLS_TRUSTSTORE_PASSWORD_FILE = "CHAT_CLUSTER_TLS_TRUSTSTORE_PASSWORD_FILE";

  // attachments (issue 14)
  /** Largest attachment, bytes (default 10 MiB); a larger upload is refused with 413. */
  public static final String MAX_ATTACHMENT_BYTES = "CHAT_MAX_ATTACHMENT_BYTES";
  /** Hours an upload never attached to a message is kept before it is removed (0 = kept for ever). */
  public static final String ATTACHMENT_UNUSED_HOURS = "CHAT_ATTACHMENT_UNUSED_HOURS";

  // operations
  /** Port of the liveness and metrics server of a service without HTTP (auth, chat); 0 = none. */
  public static final String LIVENESS_PORT = "CHAT_LIVENESS_PORT";
  /** Interface of that server ({@code 0.0.0.0} in a container, so Prometheus can scrape it). */
  public static final String LIVENESS_HOST = "CHAT_LIVENESS_HOST";

  // scale-out (issue 12): several chat instances on PostgreSQL
  /** Chat instances beat every third of it on the bus; one unheard of for this long, ms, is dead (its presence duties move). */
  public static final String INSTANCE_LIVENESS_MS = "CHAT_INSTANCE_LIVENESS_MS";

  // all-in-one jar (issue 12)
  /** All-in-one only: the gateway and the chat service share one event loop (a send and its reply never cross threads); false: each has its own. */
  public static final String SHARED_EVENT_LOOP = "CHAT_SHARED_EVENT_LOOP";

  /** Linux's native epoll transport for sockets when it loads (true); false: the JDK's NIO. */
  public static final String NATIVE_TRANSPORT = "CHAT_NATIVE_TRANSPORT";

  private static final Map<String, String> DEFAULTS = Map.ofEntries(
    Map.entry(HTTP_HOST, "127.0.0.1"),
    Map.entry(HTTP_PORT, "8080"),
    Map.entry(ALLOWED_ORIGINS, ""),
    Map.entry(COOKIE_SECURE, "false"),
    Map.entry(SESSION_TIMEOUT_MINUTES, "1440"),
    Map.entry(MAX_BODY_BYTES, "131072"),
    Map.entry(LOGIN_ATTEMPTS_PER_MINUTE, "10"),
    Map.entry(MESSAGES_PER_SECOND, "50"),
    Map.entry(MESSAGE_BURST, "300"),
    Map.entry(SOCKET_WRITE_QUEUE_BYTES, "1048576"),
    Map.entry(BRIDGE_MAX_FRAME_BYTES, "65536"),
    Map.entry(BRIDGE_SOCKETS_PER_ADDRESS, "100"),
    Map.entry(PRESENCE_GRACE_MS, "5000"),
    Map.entry(PRESENCE_LEASE_MS, "15000"),
    Map.entry(CSRF_SECRET, ""),
    Map.entry(CSRF_SECRET_FILE, ""),
    Map.entry(LOG_FORMAT, "text"),
    Map.entry(ACCESS_LOG, "INFO"),
    Map.entry(DATA_DIR, "data"),
    Map.entry(STORE, "sqlite"),
    Map.entry(PG_URL, ""),
    Map.entry(PG_PASSWORD_FILE, ""),
    Map.entry(MAX_MESSAGE_LENGTH, "8000"),
    Map.entry(PASSWORD_ITERATIONS, "100000"),
    Map.entry(OWNER_SIGNUP, "closed"),
    Map.entry(LOGIN_ACCOUNT_FREE_FAILURES, "5"),
    Map.entry(LOGIN_BACKOFF_MAX_SECONDS, "300"),
    Map.entry(REGISTRATIONS_PER_HOUR, "20"),
    Map.entry(PASSWORD_WORKERS, "0"),
    Map.entry(PASSWORD_QUEUE, "0"),
    Map.entry(PASSWORD_CHECKS_PER_ADDRESS, "2"),
    Map.entry(COMMIT_WINDOW_MS, "2"),
    Map.entry(CHAT_DB_MAX_BYTES, "0"),
    Map.entry(CLUSTER_NAME, "chatbus-local"),
    Map.entry(CLUSTER_MEMBERS, "127.0.0.1"),
    Map.entry(CLUSTER_HOST, "127.0.0.1"),
    Map.entry(CLUSTER_PORT, "0"),
    Map.entry(CLUSTER_PUBLIC_HOST, ""),
    Map.entry(CLUSTER_TLS_KEYSTORE, ""),
    Map.entry(CLUSTER_TLS_KEYSTORE_PASSWORD, ""),
    Map.entry(CLUSTER_TLS_KEYSTORE_PASSWORD_FILE, ""),
    Map.entry(CLUSTER_TLS_TRUSTSTORE, ""),
    Map.entry(CLUSTER_TLS_TRUSTSTORE_PASSWORD, ""),
    Map.entry(CLUSTER_TLS_TRUSTSTORE_PASSWORD_FILE, ""),
    Map.entry(LIVENESS_PORT, "0"),
    Map.entry(LIVENESS_HOST, "127.0.0.1"),
    Map.entry(MAX_ATTACHMENT_BYTES, "10485760"),
    Map.entry(ATTACHMENT_UNUSED_HOURS, "24"),
    Map.entry(INSTANCE_LIVENESS_MS, "3000"),
    Map.entry(SHARED_EVENT_LOOP, "true"),
    Map.entry(NATIVE_TRANSPORT, "true")
  );

  /** The whole numbers a numeric setting may take; a value outside refuses the service's start. */
  private record Range(long min, long max) {
  }

  private static final long MAX_INT = Integer.MAX_VALUE;

  private static final Map<String, Range> RANGES = Map.ofEntries(
    Map.entry(HTTP_PORT, new Range(0, 65535)),
    Map.entry(SESSION_TIMEOUT_MINUTES, new Range(1, 525_600)),
    Map.entry(MAX_BODY_BYTES, new Range(1024, MAX_INT)),
    Map.entry(LOGIN_ATTEMPTS_PER_MINUTE, new Range(1, MAX_INT)),
    Map.entry(MESSAGES_PER_SECOND, new Range(0, MAX_INT)),
    Map.entry(MESSAGE_BURST, new Range(0, MAX_INT)),
    Map.entry(SOCKET_WRITE_QUEUE_BYTES, new Range(1024, MAX_INT)),
    Map.entry(BRIDGE_MAX_FRAME_BYTES, new Range(1024, MAX_INT)),
    Map.entry(BRIDGE_SOCKETS_PER_ADDRESS, new Range(1, MAX_INT)),
    Map.entry(PRESENCE_GRACE_MS, new Range(0, MAX_INT)),
    Map.entry(PRESENCE_LEASE_MS, new Range(3, MAX_INT)),
    Map.entry(MAX_MESSAGE_LENGTH, new Range(1, MAX_INT)),
    Map.entry(PASSWORD_ITERATIONS, new Range(1, MAX_INT)),
    Map.entry(LOGIN_ACCOUNT_FREE_FAILURES, new Range(0, MAX_INT)),
    Map.entry(LOGIN_BACKOFF_MAX_SECONDS, new Range(0, MAX_INT)),
    Map.entry(REGISTRATIONS_PER_HOUR, new Range(1, MAX_INT)),
    Map.entry(PASSWORD_WORKERS, new Range(0, 1024)),
    Map.entry(PASSWORD_QUEUE, new Range(0, MAX_INT)),
    Map.entry(PASSWORD_CHECKS_PER_ADDRESS, new Range(1, MAX_INT)),
    Map.entry(COMMIT_WINDOW_MS, new Range(0, 60_000)),
    Map.entry(CHAT_DB_MAX_BYTES, new Range(0, Long.MAX_VALUE)),
    Map.entry(CLUSTER_PORT, new Range(0, 65535)),
    Map.entry(LIVENESS_PORT, new Range(0, 65535)),
    Map.entry(MAX_ATTACHMENT_BYTES, new Range(1, MAX_INT)),
    Map.entry(ATTACHMENT_UNUSED_HOURS, new Range(0, MAX_INT)),
    Map.entry(INSTANCE_LIVENESS_MS, new Range(3, MAX_INT))
  );

  /** Settings that may not be empty (an empty data folder would be the working directory). */
  private static final Set<String> NON_EMPTY = Set.of(HTTP_HOST, DATA_DIR, LIVENESS_HOST, CLUSTER_NAME, CLUSTER_HOST);

  private final JsonObject config;
  private final Map<String, String> env;

  public Settings(JsonObject config) {
    this(config, System.getenv());
  }

  /** Settings from this config, then this environment (tests, and the launcher's checks). */
  public Settings(JsonObject config, Map<String, String> env) {
    this.config = config == null ? new JsonObject() : config;
    this.env = env;
  }

  public String string(String key) {
    String value = given(key);
    if (value.isBlank() && NON_EMPTY.contains(key)) {
      throw new IllegalArgumentException("Setting " + key + " must not be empty");
    }
    return value;
  }

  private String given(String key) {
    Object value = config.getValue(key);
    if (value != null) {
      return String.valueOf(value);
    }
    String fromEnv = env.get(key);
    if (fromEnv != null) {
      return fromEnv;
    }
    String def = DEFAULTS.get(key);
    if (def == null) {
      throw new IllegalArgumentException("Unknown setting " + key);
    }
    return def;
  }

  /**
   * A whole-number setting, within its range ({@link #number}); fails for a setting whose range
   * goes beyond an int.
   */
  public int integer(String key) {
    long value = number(key);
    if (value > Integer.MAX_VALUE) {
      throw new IllegalArgumentException("Setting " + key + " is not an int setting");
    }
    return (int) value;
  }

  /**
   * A whole-number setting. Outside the range the setting allows (no negative sizes, no zero
   * timeouts, ports up to 65535) it fails, naming the setting and its range, so that the service
   * refuses to start instead of running half-working.
   */
  public long number(String key) {
    String value = string(key).trim();
    Range range = RANGES.getOrDefault(key, new Range(Integer.MIN_VALUE, MAX_INT));
    long parsed;
    try {
      parsed = Long.parseLong(value);
    } catch (NumberFormatException e) {
      parsed = Long.MIN_VALUE;
    }
    if (parsed < range.min() || parsed > range.max() || parsed == Long.MIN_VALUE) {
      throw new IllegalArgumentException("Setting " + key + " must be a whole number from " + range.min()
        + (range.max() == Long.MAX_VALUE ? " up" : " to " + range.max()) + ", got '" + value + "'");
    }
    return parsed;
  }

  /** The settings read as booleans. */
  private static final Set<String> BOOLEANS = Set.of(COOKIE_SECURE, SHARED_EVENT_LOOP, NATIVE_TRANSPORT);

  /**
   * Checks every setting that has a range, is a boolean or may not be empty, as the services will
   * read them: the launcher runs it before anything starts, so a wrong value is one line naming it.
   */
  public void checkAll() {
    RANGES.keySet().forEach(this::number);
    BOOLEANS.forEach(this::bool);
    NON_EMPTY.forEach(this::string);
  }

  /** A boolean setting: {@code true} or {@code false} (any case); anything else fails, naming the setting. */
  public boolean bool(String key) {
    String value = string(key).trim();
    if ("true".equalsIgnoreCase(value)) {
      return true;
    }
    if ("false".equalsIgnoreCase(value)) {
      return false;
    }
    throw new IllegalArgumentException("Setting " + key + " must be true or false, got '" + value + "'");
  }

  /** A list setting, split on commas, new lines and spaces; empty items dropped. */
  public List<String> list(String key) {
    return Arrays.stream(string(key).split("[,\\s]+"))
      .map(String::trim)
      .filter(s -> !s.isEmpty())
      .collect(Collectors.toList());
  }
}
