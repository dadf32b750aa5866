package chat.shared.launch;

import chat.shared.Settings;
import com.hazelcast.config.Config;
import com.hazelcast.config.JoinConfig;
import com.hazelcast.config.NetworkConfig;
import io.vertx.spi.cluster.hazelcast.ConfigUtil;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;

/**
 * The Hazelcast configuration of every service, in one place. Discovery is TCP/IP only with an
 * explicit member list: multicast and auto-detection are off, so a node never looks beyond the
 * members it is given, and the cluster name keeps two deployments from merging.
 */
public final class ClusterConfig {

  private ClusterConfig() {
  }

  public static HazelcastClusterManager clusterManager(Settings settings) {
    return new HazelcastClusterManager(hazelcast(settings));
  }

  /** Vert.x's default cluster config (the maps it needs) with our network and join settings. */
  public static Config hazelcast(Settings settings) {
    Config config = ConfigUtil.loadConfig();
    config.setClusterName(settings.string(Settings.CLUSTER_NAME));
    config.setProperty("hazelcast.logging.type", "slf4j");
    config.setProperty("hazelcast.phone.home.enabled", "false");
    // Bind only the configured interface, never every interface of the machine.
    config.setProperty("hazelcast.socket.bind.any", "false");
    // Leave the cluster promptly on SIGTERM; Vert.x's own hook shuts Hazelcast down in order.
    config.setProperty("hazelcast.graceful.shutdown.max.wait", "20");

    String host = settings.string(Settings.CLUSTER_HOST);
    NetworkConfig network = config.getNetworkConfig();
    int port = settings.integer(Settings.CLUSTER_PORT);
    if (port > 0) {
      network.setPort(port);
    }
    network.setPortAutoIncrement(true);
    network.getInterfaces().setEnabled(true).clear().addInterface(host);
    String publicHost = settings.string(Settings.CLUSTER_PUBLIC_HOST);
    if (!publicHost.isBlank()) {
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
    join.getTcpIpConfig().setEnabled(true).setMembers(settings.list(Settings.CLUSTER_MEMBERS));
    return config;
  }
}
