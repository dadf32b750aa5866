package chat.gateway;

import io.vertx.ext.web.handler.sockjs.SockJSSocket;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The open bridge sockets of this gateway ({@link BridgeConnection}s), indexed by socket, by
 * session (logout closes a session's sockets on every gateway), by user (deactivation closes a
 * user's sockets) and counted per client address (the per-address cap). Used from the gateway
 * verticle's event loop only.
 */
final class SocketRegistry {

  private final Map<SockJSSocket, BridgeConnection> sockets = new HashMap<>();
  private final Map<String, Set<BridgeConnection>> bySession = new HashMap<>();
  private final Map<Long, Set<BridgeConnection>> byUser = new HashMap<>();
  private final Map<String, Integer> byAddress = new HashMap<>();

  void opened(BridgeConnection connection) {
    sockets.put(connection.socket, connection);
    byAddress.merge(connection.clientAddress, 1, Integer::sum);
    if (connection.sessionRef != null) {
      bySession.computeIfAbsent(connection.sessionRef, k -> new HashSet<>()).add(connection);
    }
    if (connection.userId != null) {
      byUser.computeIfAbsent(connection.userId, k -> new HashSet<>()).add(connection);
    }
  }

  /** Forgets the socket; true when it was known (the first close of it). */
  boolean closed(BridgeConnection connection) {
    if (sockets.remove(connection.socket) == null) {
      return false;
    }
    byAddress.computeIfPresent(connection.clientAddress, (k, n) -> n > 1 ? n - 1 : null);
    if (connection.sessionRef != null) {
      unindex(bySession, connection.sessionRef, connection);
    }
    if (connection.userId != null) {
      unindex(byUser, connection.userId, connection);
    }
    return true;
  }

  /** The connections opened with a session (the caller closes them). */
  List<BridgeConnection> ofSession(String sessionRef) {
    return copy(bySession.get(sessionRef));
  }

  /** The connections of a user, whatever their session (the caller closes them). */
  List<BridgeConnection> ofUser(long userId) {
    return copy(byUser.get(userId));
  }

  /** Every open connection (a copy). */
  List<BridgeConnection> all() {
    return new ArrayList<>(sockets.values());
  }

  /** Sockets open from a client address. */
  int openFrom(String address) {
    return byAddress.getOrDefault(address, 0);
  }

  int size() {
    return sockets.size();
  }

  private static List<BridgeConnection> copy(Collection<BridgeConnection> set) {
    return set == null ? List.of() : new ArrayList<>(set);
  }

  private static <K> void unindex(Map<K, Set<BridgeConnection>> index, K key, BridgeConnection connection) {
    Set<BridgeConnection> set = index.get(key);
    if (set != null) {
      set.remove(connection);
      if (set.isEmpty()) {
        index.remove(key);
      }
    }
  }
}
