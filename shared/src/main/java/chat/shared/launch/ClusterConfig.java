package chat.shared.launch;

import chat.shared.Settings;
import com.hazelcast.config.Config;
import com.hazelcast.config.JoinConfig;
import com.hazelcast.config.NetworkConfig;
import io.vertx.core.eventbus.EventBusOptions;
import io.vertx.core.http.ClientAuth;
import io.vertx.core.net.PfxOptions;
import io.vertx.spi.cluster.hazelcast.ConfigUtil;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The Hazelcast configuration of every service, in one place. Discovery is TCP/IP only with an
 * explicit member list: multicast and auto-detection are off, so a node never looks beyond the
 * members it is given, and the cluster name keeps two deployments from merging.
 *
 * <p>{@code CHAT_CLUSTER_HOST} is the one interface a node binds Hazelcast and the clustered event
 * bus to: an address ({@code 127.0.0.1} locally), or a name resolved once at start (the compose
 * service name, which resolves to the container's address on the compose network).
 *
 * <p>The clustered event bus (the TCP connections between Vert.x nodes that carry every service
 * request, reply and event) can run TLS with client certificates ({@link #eventBusTls}): a node
 * whose certificate the cluster CA did not sign can join Hazelcast but cannot open or accept an
 * event-bus connection. Hazelcast's own member protocol (membership, the cluster-wide maps, among
 * them the sessions) stays plaintext and unauthenticated (its TLS is an enterprise feature): its
 * network must be private to the cluster.
 */
public final class ClusterConfig {

  /** Hazelcast reads this before it reads its config: without it, its first lines go to JUL. */
  private static final String LOGGING_TYPE = "hazelcast.logging.type";

  private ClusterConfig() {
  }

  public static HazelcastClusterManager clusterManager(Settings settings) {
    return new HazelcastClusterManager(hazelcast(settings));
  }

  /** Vert.x's default cluster config (the maps it needs) with our network and join settings. */
  public static Config hazelcast(Settings settings) {
    if (System.getProperty(LOGGING_TYPE) == null) {
      System.setProperty(LOGGING_TYPE, "slf4j");
    }
    Config config = ConfigUtil.loadConfig();
    config.setClusterName(settings.string(Settings.CLUSTER_NAME));
    config.setProperty(LOGGING_TYPE, "slf4j");
    config.setProperty("hazelcast.phone.home.enabled", "false");
    // Bind only the configured interface, never every interface of the machine.
    config.setProperty("hazelcast.socket.bind.any", "false");
    // Leave the cluster promptly on SIGTERM; Vert.x's own hook shuts Hazelcast down in order.
    config.setProperty("hazelcast.graceful.shutdown.max.wait", "20");
    // The master waits this long for more joiners before it admits the first (default 5 s);
    // our member lists are short and explicit, one second is plenty.
    config.setProperty("hazelcast.wait.seconds.before.join", "1");
    // A member that stops answering (hung, cut off) is dropped after this, not after 60 s.
    config.setProperty("hazelcast.max.no.heartbeat.seconds", "20");
    // If members ever started apart (both alone at the same moment), merge them soon.
    config.setProperty("hazelcast.merge.first.run.delay.seconds", "30");
    config.setProperty("hazelcast.merge.next.run.delay.seconds", "30");

    NetworkConfig network = config.getNetworkConfig();
    int port = settings.integer(Settings.CLUSTER_PORT);
    if (port > 0) {
      // An explicit port is the member list's promise: take it or fail, never another one.
      network.setPort(port).setPortAutoIncrement(false);
    } else {
      network.setPort(5701).setPortAutoIncrement(true);
    }
    network.getInterfaces().setEnabled(true).clear().addInterface(bindAddress(settings));
    String publicHost = settings.string(Settings.CLUSTER_PUBLIC_HOST).trim();
    if (!publicHost.isEmpty()) {
      network.setPublicAddress(publicHost);
    }
    JoinConfig join = network.getJoin();
    join.getMulticastConfig().setEnabled(false);
    join.getAutoDetectionConfig().setEnabled(false);
    join.getAwsConfig().setEnabled(false);
    join.getGcpConfig().setEnabled(false);
    join.getAzureConfig().setEnabled(false);
    join.getKubernetesConfig().setEnabled(false);
    join.getEurekaConfig().setEnabled(false);
    List<String> members = settings.list(Settings.CLUSTER_MEMBERS);
    if (members.isEmpty()) {
      throw new IllegalArgumentException(Settings.CLUSTER_MEMBERS + " is empty: list at least this node");
    }
    join.getTcpIpConfig().setEnabled(true).setMembers(members);
    return config;
  }

  /**
   * TLS with required client certificates on the clustered event bus, when
   * {@link Settings#CLUSTER_TLS_KEYSTORE} is set: the node presents its key store's certificate
   * both as server and as client, and trusts only certificates signed by the CA of
   * {@link Settings#CLUSTER_TLS_TRUSTSTORE}. Vert.x's event-bus client does not verify host names
   * (nodes dial each other by advertised address); the trust is the CA's signature. Both stores
   * are PKCS12.
   *
   * @return whether TLS is on
   * @throws IllegalArgumentException when the key store is set but the trust store is not, or a
   *     store or password file cannot be read
   */
  public static boolean eventBusTls(Settings settings, EventBusOptions eventBus) {
    String keyStore = settings.string(Settings.CLUSTER_TLS_KEYSTORE).trim();
    if (keyStore.isEmpty()) {
      return false;
    }
    String trustStore = settings.string(Settings.CLUSTER_TLS_TRUSTSTORE).trim();
    if (trustStore.isEmpty()) {
      throw new IllegalArgumentException(Settings.CLUSTER_TLS_KEYSTORE + " is set but "
        + Settings.CLUSTER_TLS_TRUSTSTORE + " is not: name the store with the cluster CA");
    }
    String keyPassword = password(settings, Settings.CLUSTER_TLS_KEYSTORE_PASSWORD,
      Settings.CLUSTER_TLS_KEYSTORE_PASSWORD_FILE);
    String trustPassword = password(settings, Settings.CLUSTER_TLS_TRUSTSTORE_PASSWORD,
      Settings.CLUSTER_TLS_TRUSTSTORE_PASSWORD_FILE);
    if (trustPassword.isEmpty()) {
      trustPassword = keyPassword;
    }
    eventBus.setSsl(true)
      .setKeyCertOptions(new PfxOptions().setPath(readable(Settings.CLUSTER_TLS_KEYSTORE, keyStore))
        .setPassword(keyPassword))
      .setTrustOptions(new PfxOptions().setPath(readable(Settings.CLUSTER_TLS_TRUSTSTORE, trustStore))
        .setPassword(trustPassword))
      .setTrustAll(false)
      .setClientAuth(ClientAuth.REQUIRED);
    return true;
  }

  /** The password given directly, or the first line of the password file; empty when neither. */
  private static String password(Settings settings, String key, String fileKey) {
    String direct = settings.string(key);
    String file = settings.string(fileKey).trim();
    if (!direct.isEmpty() || file.isEmpty()) {
      return direct;
    }
    try {
      return Files.readAllLines(Path.of(readable(fileKey, file)), StandardCharsets.UTF_8).stream()
        .findFirst().orElse("").trim();
    } catch (IOException e) {
      throw new UncheckedIOException(fileKey + " '" + file + "' cannot be read", e);
    }
  }

  private static String readable(String key, String path) {
    if (!Files.isReadable(Path.of(path))) {
      throw new IllegalArgumentException(key + " '" + path + "' is not a readable file");
    }
    return path;
  }

  /**
   * The address this node binds Hazelcast and the event bus to: {@code CHAT_CLUSTER_HOST} as
   * given when it is an address, resolved when it is a name. Never a wildcard address: the
   * event bus advertises it to the other nodes, who must be able to connect to it.
   */
  public static String bindAddress(Settings settings) {
    String host = settings.string(Settings.CLUSTER_HOST).trim();
    if (host.isEmpty()) {
      throw new IllegalArgumentException(Settings.CLUSTER_HOST + " is empty");
    }
    InetAddress address;
    try {
      address = InetAddress.getByName(host);
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException(Settings.CLUSTER_HOST + " '" + host + "' does not resolve", e);
    }
    if (address.isAnyLocalAddress()) {
      throw new IllegalArgumentException(Settings.CLUSTER_HOST + " must name one interface, not " + host);
    }
    return address.getHostAddress();
  }
}
