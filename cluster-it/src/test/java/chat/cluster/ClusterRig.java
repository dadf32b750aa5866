package chat.cluster;

import chat.shared.Settings;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What a cluster test starts, and how: each service as its own JVM from its module's fat jar, with
 * its own data folder under the test's work folder, every one stopped through its own
 * {@link Process} handle (also at JVM exit); free loopback ports; the gateways' {@code /health}.
 */
final class ClusterRig {

  /** The repository's root (the module runs one level below it). */
  static final Path ROOT = Path.of(System.getProperty("chatbus.root", "..")).toAbsolutePath().normalize();
  private static final HttpClient HEALTH_CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  private final Path work;
  /** In start order; stopped in reverse. */
  final List<ServiceProcess> processes = new ArrayList<>();

  ClusterRig(Path work) {
    this.work = work;
    Runtime.getRuntime().addShutdownHook(new Thread(() -> processes.forEach(ServiceProcess::ensureStopped)));
  }

  /** A service of {@code module} (not started yet) with the common variables, its cluster port and, for a gateway, its HTTP port. */
  ServiceProcess service(String name, String module, Map<String, String> common, int clusterPort, int httpPort)
      throws IOException {
    Map<String, String> env = new HashMap<>(common);
    env.put(Settings.CLUSTER_PORT, Integer.toString(clusterPort));
    Path data = work.resolve("data").resolve(name);
    Files.createDirectories(data);
    env.put(Settings.DATA_DIR, data.toString());
    if (httpPort > 0) {
      env.put(Settings.HTTP_PORT, Integer.toString(httpPort));
    }
    ServiceProcess process = new ServiceProcess(name,
      ROOT.resolve(module).resolve("target").resolve(module + "-fat.jar"), env, work);
    processes.add(process);
    return process;
  }

  /** Stops every process, the last started first. */
  void stopAll() {
    for (int i = processes.size() - 1; i >= 0; i--) {
      processes.get(i).ensureStopped();
    }
  }

  /** Polls a gateway's /health until it answers this status. */
  static void awaitHealth(int port, int status, long timeoutMs) throws InterruptedException {
    long deadline = System.currentTimeMillis() + timeoutMs;
    int last = -1;
    while (System.currentTimeMillis() < deadline) {
      last = healthStatus(port);
      if (last == status) {
        return;
      }
      Thread.sleep(250);
    }
    throw new AssertionError("gateway :" + port + " /health answered " + last + ", not " + status + ", for " + timeoutMs + " ms");
  }

  /** The JDK's client: works before the test's Vert.x exists and whatever state it is in. */
  static int healthStatus(int port) {
    try {
      return HEALTH_CLIENT.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/health"))
          .timeout(Duration.ofSeconds(5)).build(), java.net.http.HttpResponse.BodyHandlers.discarding())
        .statusCode();
    } catch (IOException e) {
      return -1;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return -1;
    }
  }

  /** {@code n} distinct free ports on the loopback address. */
  static int[] freePorts(int n) throws IOException {
    int[] ports = new int[n];
    List<ServerSocket> open = new ArrayList<>();
    try {
      for (int i = 0; i < n; i++) {
        ServerSocket socket = new ServerSocket(0, 0, InetAddress.getLoopbackAddress());
        open.add(socket);
        ports[i] = socket.getLocalPort();
      }
    } finally {
      for (ServerSocket s : open) {
        s.close();
      }
    }
    return ports;
  }
}
