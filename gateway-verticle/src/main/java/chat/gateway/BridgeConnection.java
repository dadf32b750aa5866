package chat.gateway;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.handler.sockjs.SockJSSocket;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;

/**
 * What the gateway knows of one open bridge socket: its user (from the session at the
 * handshake; null for a socket without a logged-in user), its session reference, the client
 * address it came from, its bounded write queue, the registrations it holds (each a
 * {@link FanOut.Subscription}) and the sends it was last allowed. Used from the gateway
 * verticle's event loop only.
 */
final class BridgeConnection {

  final SockJSSocket socket;
  /** The user's id, or null without a logged-in user. */
  final Long userId;
  /** The user's name (what its typing notices show), or null without a logged-in user. */
  final String username;
  final String sessionRef;
  /** The client address the socket came from (for the per-address cap). */
  final String clientAddress;
  final SocketWriteQueues.Queue writes;
  /** Registrations held, by address. */
  final Map<String, FanOut.Subscription> subscriptions = new HashMap<>();
  /** Registrations asked for and not decided yet: they count against the handler cap too. */
  int pendingRegistrations;
  /** Sends with a reply address whose reply has not come yet: they count against the cap too. */
  int pendingReplies;
  /**
   * Chats a send from this socket was last found allowed in, and when (ms). Saves asking the
   * chat service on every message send; the chat service still checks each message, so one sent
   * after a removal within the validity window is refused there, answered {@code access_denied}
   * as here, and the entry dropped. Typing notices never rely on it (nothing checks them later).
   */
  final Map<Long, Long> sendAllowedAt = new HashMap<>();
  /** Whether the user was still active when the socket opened (asked of auth once, then kept). */
  Future<Boolean> active = Future.succeededFuture(true);
  /**
   * The socket's sends not yet admitted, in the order the client sent them: each waits for the
   * one before, so they reach the chat service in that order even while one of them waits for a
   * membership answer ({@code admittingSend}).
   */
  final ArrayDeque<WaitingSend> sendsWaiting = new ArrayDeque<>();
  boolean admittingSend;

  /** A permitted {@code send} frame waiting for its admission: a message, or a typing notice. */
  record WaitingSend(long chatId, Object body, String replyAddress, boolean typing) {
  }

  /** When the client last pinged (or opened), ms. */
  long lastPing = System.currentTimeMillis();
  /** Counted in this gateway's presence (its user found active); uncounted when it closes. */
  boolean present;
  /** Set once the socket closed or is being closed: asynchronous decisions then do nothing. */
  boolean closed;

  BridgeConnection(SockJSSocket socket, JsonObject user, String sessionRef, String clientAddress,
                   SocketWriteQueues.Queue writes) {
    this.socket = socket;
    this.userId = user == null ? null : user.getLong("id");
    this.username = user == null ? null : user.getString("username");
    this.sessionRef = sessionRef;
    this.clientAddress = clientAddress;
    this.writes = writes;
  }

  /** Writes an event frame through the bounded queue (counted as a delivery). */
  void deliver(Buffer frame) {
    writes.deliver(frame);
  }

  /** Writes any other frame (a refusal, a reply, a pong) through the bounded queue. */
  void write(Buffer frame) {
    writes.write(frame);
  }

  /** Registrations held and being decided, and replies awaited: what the handler cap counts. */
  int handlers() {
    return subscriptions.size() + pendingRegistrations + pendingReplies;
  }
}
