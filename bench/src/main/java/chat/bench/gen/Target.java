package chat.bench.gen;

import java.net.URI;

/** A server under test: its name in the report, its base URI and its process id (for CPU and RSS). */
public final class Target {

  public final String name;
  public final URI uri;
  public final long pid;

  public Target(String name, URI uri, long pid) {
    this.name = name;
    this.uri = uri;
    this.pid = pid;
  }

  /** The socket.io 4.8 peer (bench/peers/socketio): Socket.IO frames, no REST, no auth. */
  public boolean isSocketIo() {
    return "socketio".equals(name);
  }

  public boolean isFloor() {
    return "floor".equals(name);
  }
}
