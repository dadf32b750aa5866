package chat.gateway;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.handler.sockjs.SockJSSocket;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What the gateway knows of each open bridge socket: its user (from the session at the
 * handshake), its session reference, the chats it registered on and the ones it may still
 * receive; indexed by session and by user, so either can have its sockets closed. Used from
 * the gateway verticle's event loop only.
 */
final class BridgeSockets {

  static final class SocketState {
    final JsonObject user;
    final String sessionRef;
    /** The client address the socket came from (for the per-address cap). */
    final String address;
    /** Registrations asked for and not decided yet: they count against the handler cap too. */
    int pendingRegistrations;
    /** Chats whose address the bridge holds a registration for on this socket. */
    final Set<Long> registered = new HashSet<>();
    /** Of those, the chats whose events must no longer be delivered (removed, deleted); mostly empty. */
    final Set<Long> stopped = new HashSet<>();
    /**
     * Chats a send from this socket was last found allowed in, and when (ms). Saves asking the
     * chat service on every send; the chat service still checks each send, so a removal within
     * the validity window is refused there (404 reply) instead of here.
     */
    final Map<Long, Long> sendAllowedAt = new HashMap<>();
    /** Whether the user was still active when the socket opened (asked of auth once, then kept). */
    Future<Boolean> active = Future.succeededFuture(true);

    SocketState(JsonObject user, String sessionRef, String address) {
      this.user = user;
      this.sessionRef = sessionRef;
      this.address = address;
    }

    long userId() {
      return user.getLong("id");
    }
  }

  private final Map<SockJSSocket, SocketState> sockets = new HashMap<>();
  private final Map<String, Set<SockJSSocket>> bySession = new HashMap<>();
  private final Map<Long, Set<SockJSSocket>> byUser = new HashMap<>();
  /**
   * The same stops indexed by chat, so the check made for every delivery to every socket is,
   * in the usual case of no stops at all, one look at an empty map.
   */
  private final Map<Long, Set<SockJSSocket>> stoppedByChat = new HashMap<>();
  /** Open sockets per client address. */
  private final Map<String, Integer> byAddress = new HashMap<>();

  void opened(SockJSSocket socket, JsonObject user, String sessionRef, String address) {
    sockets.put(socket, new SocketState(user, sessionRef, address));
    byAddress.merge(address, 1, Integer::sum);
    if (sessionRef != null) {
      bySession.computeIfAbsent(sessionRef, k -> new HashSet<>()).add(socket);
    }
    if (user != null) {
      byUser.computeIfAbsent(user.getLong("id"), k -> new HashSet<>()).add(socket);
    }
  }

  void closed(SockJSSocket socket) {
    SocketState state = sockets.remove(socket);
    if (state == null) {
      return;
    }
    byAddress.computeIfPresent(state.address, (k, n) -> n > 1 ? n - 1 : null);
    if (state.sessionRef != null) {
      unindex(bySession, state.sessionRef, socket);
    }
    if (state.user != null) {
      unindex(byUser, state.userId(), socket);
    }
    for (Long chatId : state.stopped) {
      unindex(stoppedByChat, chatId, socket);
    }
  }

  /** The socket registered on a chat it may receive. */
  void registered(SockJSSocket socket, SocketState state, long chatId) {
    state.registered.add(chatId);
    resume(socket, state, chatId);
  }

  /** The socket no longer holds a registration on the chat. */
  void unregistered(SockJSSocket socket, SocketState state, long chatId) {
    state.registered.remove(chatId);
    resume(socket, state, chatId);
  }

  /** Deliveries of this chat to this socket stop (its user was removed, or the chat deleted). */
  void stop(SockJSSocket socket, SocketState state, long chatId) {
    if (state.stopped.add(chatId)) {
      stoppedByChat.computeIfAbsent(chatId, k -> new HashSet<>()).add(socket);
    }
  }

  /** Deliveries of this chat to this socket resume (its user was added back). */
  void resume(SockJSSocket socket, SocketState state, long chatId) {
    if (state.stopped.remove(chatId)) {
      unindex(stoppedByChat, chatId, socket);
    }
  }

  /** Whether deliveries of this chat to this socket were stopped. */
  boolean isStopped(SockJSSocket socket, long chatId) {
    if (stoppedByChat.isEmpty()) {
      return false;
    }
    Set<SockJSSocket> set = stoppedByChat.get(chatId);
    return set != null && set.contains(socket);
  }

  /** Whether the socket holds a registration on the chat whose deliveries were not stopped. */
  boolean receives(SockJSSocket socket, SocketState state, long chatId) {
    return state.registered.contains(chatId) && !state.stopped.contains(chatId);
  }

  /** The socket's state, or null for a socket without a logged-in user. */
  SocketState state(SockJSSocket socket) {
    SocketState state = sockets.get(socket);
    return state == null || state.user == null ? null : state;
  }

  /** The sockets opened with a session, removed from the registry (the caller closes them). */
  List<SockJSSocket> takeSession(String sessionRef) {
    return take(bySession.get(sessionRef));
  }

  /** The sockets of a user, whatever their session, removed from the registry (the caller closes them). */
  List<SockJSSocket> takeUser(long userId) {
    return take(byUser.get(userId));
  }

  private List<SockJSSocket> take(Set<SockJSSocket> set) {
    if (set == null) {
      return List.of();
    }
    List<SockJSSocket> list = new ArrayList<>(set);
    list.forEach(this::closed);
    return list;
  }

  private static <K> void unindex(Map<K, Set<SockJSSocket>> index, K key, SockJSSocket socket) {
    Set<SockJSSocket> set = index.get(key);
    if (set != null) {
      set.remove(socket);
      if (set.isEmpty()) {
        index.remove(key);
      }
    }
  }

  /** Sockets open from a client address. */
  int openFrom(String address) {
    return byAddress.getOrDefault(address, 0);
  }

  int size() {
    return sockets.size();
  }
}
