package chat.bench.gen;

import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;

/** The bench only ever talks to this machine: anything that does not resolve to 127.0.0.0/8 or ::1 is refused. */
public final class Loopback {

  private Loopback() {
  }

  public static void require(String host) {
    try {
      for (InetAddress a : InetAddress.getAllByName(host)) {
        if (!a.isLoopbackAddress()) {
          throw new IllegalArgumentException("refusing non-loopback address " + host + " (" + a + ")");
        }
      }
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException("unknown host " + host, e);
    }
  }

  /** A target given as {@code http://127.0.0.1:8080}. */
  public static URI target(String url) {
    URI uri = URI.create(url);
    if (!"http".equals(uri.getScheme()) || uri.getHost() == null || uri.getPort() <= 0) {
      throw new IllegalArgumentException("target must look like http://127.0.0.1:8080, got " + url);
    }
    require(uri.getHost());
    return uri;
  }
}
