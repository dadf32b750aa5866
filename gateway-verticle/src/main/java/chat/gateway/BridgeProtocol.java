package chat.gateway;

import chat.shared.Addresses;
import chat.shared.Events;
import chat.shared.ServiceBus;
import chat.shared.metrics.DomainMetrics;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.SocketAddress;
import io.vertx.ext.web.Session;
import io.vertx.ext.web.handler.sockjs.SockJSSocket;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Vert.x event-bus bridge protocol, spoken by this gateway over each SockJS socket (the
 * handler given to {@code SockJSHandler.socketHandler}). The frames are vertx-web's bridge's,
 * byte for byte, so its JavaScript client works unchanged on every transport: {@code register},
 * {@code unregister}, {@code send} (with {@code replyAddress}), {@code publish} (always
 * refused with {@code rejected}) and {@code ping} (answered {@code pong}) from the client;
 * {@code rec}, {@code err} and {@code pong} from the server.
 *
 * <p>Why not vertx-web's bridge: it gives every socket its own event-bus consumer per address
 * and calls back into the application for every delivery to every socket, so a chat of N
 * sockets cost N dispatches, N copies of the event and N frame encodings per message; and it
 * could only be refused with {@code access_denied} through its internal class. Here each frame
 * is decided by {@link BridgePolicy} (plus a membership question to the chat service), events
 * reach sockets through {@link FanOut} (one consumer per address per gateway, one encoding per
 * event), sends go to the chat service through {@link BridgeIngress}, typing notices are
 * published by the gateway itself through {@link Typing}, and the sockets are kept in
 * {@link SocketRegistry}.
 *
 * <p>Also: the sockets per client address are capped at the handshake; registrations held or
 * being decided plus replies awaited are capped per socket; a socket whose user was
 * deactivated (asked of auth through {@link UserCache} at the handshake) is closed; a socket
 * that has not pinged for {@value #PING_TIMEOUT_MS} ms is closed; xhr SockJS sessions are
 * bound to their opening cookie ({@link SockJSSessionBindings}); faults close the socket
 * quietly ({@link BridgeFaults}). Every frame goes out through the socket's bounded write
 * queue ({@link SocketWriteQueues}).
 *
 * <p>Used from the gateway verticle's event loop only.
 */
final class BridgeProtocol implements Handler<SockJSSocket> {

  private static final Logger LOG = LoggerFactory.getLogger(BridgeProtocol.class);
  /** Registrations (and replies awaited) one socket may hold. */
  static final int MAX_HANDLERS_PER_SOCKET = 1000;
  /** A socket that has not pinged for this long is closed (the JavaScript client pings every 5 s). */
  static final long PING_TIMEOUT_MS = 30_000;
  /**
   * How long a positive membership answer lets a socket's message sends skip the membership
   * check (the chat service checks each message again; typing notices never skip it).
   */
  private static final long SEND_CHECK_VALID_MS = 5_000;
  /** The JavaScript client's reply addresses are UUIDs: longer ones are refused. */
  private static final int MAX_REPLY_ADDRESS_LENGTH = 36;

  private final Vertx vertx;
  private final ServiceBus services;
  private final UserCache users;
  private final SocketRegistry sockets = new SocketRegistry();
  private final FanOut fanOut;
  private final MessageSends messages;
  private final BridgeIngress ingress;
  private final Typing typing;
  private final SocketWriteQueues writes;
  private final SockJSSessionBindings bindings;
  private final PresenceReports presence;
  private final int socketsPerAddress;
  private long idleTimer = -1;

  BridgeProtocol(Vertx vertx, ServiceBus services, MessageSends messages, UserCache users,
                 SocketWriteQueues writes, SockJSSessionBindings bindings, PresenceReports presence,
                 int socketsPerAddress) {
    this.vertx = vertx;
    this.services = services;
    this.users = users;
    this.fanOut = new FanOut(vertx, System::currentTimeMillis);
    this.messages = messages;
    this.ingress = new BridgeIngress(messages);
    this.typing = new Typing(vertx.eventBus(), System::currentTimeMillis);
    this.writes = writes;
    this.bindings = bindings;
    this.presence = presence;
    this.socketsPerAddress = socketsPerAddress;
  }

  /** Starts closing sockets that stopped pinging. */
  void start() {
    idleTimer = vertx.setPeriodic(PING_TIMEOUT_MS / 3, id -> {
      closeIdle();
      typing.evictIdle();
      fanOut.evictIdle();
    });
    presence.start();
  }

  void stop() {
    vertx.cancelTimer(idleTimer);
    presence.stop();
  }

  /** Consumer of session-ended notices from every gateway: close that session's sockets. */
  MessageConsumer<JsonObject> listenForEndedSessions() {
    return vertx.eventBus().consumer(Addresses.GATEWAY_SESSION_ENDED, msg -> {
      String ref = msg.body().getString("session_ref");
      if (ref != null) {
        sockets.ofSession(ref).forEach(this::close);
      }
    });
  }

  /** Closes every socket of a user on this gateway (it was deactivated). */
  void closeSocketsOfUser(long userId) {
    List<BridgeConnection> closing = sockets.ofUser(userId);
    if (!closing.isEmpty()) {
      LOG.info("Closing {} bridge sockets of deactivated user {}", closing.size(), userId);
    }
    closing.forEach(this::close);
  }

  int openSockets() {
    return sockets.size();
  }

  // ---- socket lifecycle ---------------------------------------------------------------------

  @Override
  public void handle(SockJSSocket socket) {
    String address = clientAddress(socket);
    if (sockets.openFrom(address) >= socketsPerAddress) {
      DomainMetrics.bridgeRejected("too_many_sockets");
      LOG.debug("Refusing a bridge socket from {}: {} open already", address, socketsPerAddress);
      socket.write(BridgeFrames.TOO_MANY_SOCKETS);
      socket.close();
      return;
    }
    Session session = socket.webSession();
    JsonObject user = SessionUsers.current(session);
    BridgeConnection connection = new BridgeConnection(socket, user,
      user == null ? null : SessionUsers.sessionRef(session), address, writes.open(socket));
    sockets.opened(connection);
    bindings.bind(socket);
    try {
      socket.handler(data -> frame(connection, data));
      socket.exceptionHandler(failure -> BridgeFaults.failed(socket, failure));
      socket.closeHandler(v -> forget(connection));
    } catch (IllegalStateException alreadyClosed) {
      forget(connection);
      return;
    }
    if (connection.userId != null) {
      // A session may outlive its user's deactivation until its next REST request: ask auth
      // (through the cache) before this socket may register or send; close it if inactive.
      // Usually a cache hit, answered at once. If auth cannot be asked, the session decides.
      Future<Boolean> check = users.get(connection.userId).map(UserCache::isActive).otherwise(true);
      connection.active = check;
      // Registered first, so it runs before any frame waiting on the check: later frames then
      // see a plain completed future and keep their order.
      check.onSuccess(active -> {
        connection.active = Future.succeededFuture(active);
        if (!active && !connection.closed) {
          LOG.info("Closing a bridge socket of deactivated user {}", connection.userId);
          close(connection);
        } else if (active && !connection.closed) {
          // Online from here: a logged-in socket of an active user.
          connection.present = true;
          presence.opened(connection.userId);
        }
      });
    }
  }

  /** Forgets the socket and closes it. */
  private void close(BridgeConnection connection) {
    forget(connection);
    connection.socket.close();
  }

  /** The socket closed (or is being closed): drop its registrations and its state. */
  private void forget(BridgeConnection connection) {
    if (!sockets.closed(connection)) {
      return;
    }
    connection.closed = true;
    connection.writes.closed();
    bindings.release(connection.socket);
    for (FanOut.Subscription subscription : connection.subscriptions.values()) {
      fanOut.unsubscribe(subscription);
    }
    connection.subscriptions.clear();
    if (connection.present) {
      connection.present = false;
      presence.closed(connection.userId);
    }
  }

  private void closeIdle() {
    long now = System.currentTimeMillis();
    List<BridgeConnection> idle = new ArrayList<>();
    for (BridgeConnection connection : sockets.all()) {
      if (now - connection.lastPing >= PING_TIMEOUT_MS) {
        idle.add(connection);
      }
    }
    if (!idle.isEmpty()) {
      LOG.debug("Closing {} bridge sockets that stopped pinging", idle.size());
      idle.forEach(this::close);
    }
  }

  // ---- client frames ------------------------------------------------------------------------

  private void frame(BridgeConnection connection, Buffer data) {
    if (connection.closed) {
      return;
    }
    JsonObject frame;
    try {
      frame = new JsonObject(data.toString());
    } catch (RuntimeException notAnObject) {
      refuse(connection, Events.INVALID_JSON);
      return;
    }
    try {
      String type = string(frame, Events.TYPE);
      if (type == null) {
        refuse(connection, Events.MISSING_TYPE);
        return;
      }
      if (Events.FRAME_PING.equals(type)) {
        ping(connection);
        return;
      }
      String address = string(frame, "address");
      if (address == null) {
        refuse(connection, Events.MISSING_ADDRESS);
        return;
      }
      switch (type) {
        case Events.FRAME_REGISTER:
          register(connection, address);
          break;
        case Events.FRAME_UNREGISTER:
          unregister(connection, address);
          break;
        case Events.FRAME_SEND:
          send(connection, address, frame);
          break;
        case Events.FRAME_PUBLISH:
          if (BridgePolicy.publish(connection.userId, address).verdict() == BridgePolicy.Verdict.DENY) {
            connection.write(BridgeFrames.REJECTED);
          }
          break;
        default:
          refuse(connection, Events.INVALID_TYPE);
      }
    } catch (RuntimeException e) {
      LOG.error("Bridge frame handling failed", e);
    }
  }

  private void ping(BridgeConnection connection) {
    Session session = connection.socket.webSession();
    if (session != null) {
      session.setAccessed();
    }
    connection.lastPing = System.currentTimeMillis();
    connection.write(BridgeFrames.PONG);
  }

  private void register(BridgeConnection connection, String address) {
    BridgePolicy.Decision decision = BridgePolicy.register(connection.userId, address);
    if (decision.verdict() == BridgePolicy.Verdict.DENY) {
      deny(connection);
      return;
    }
    // Frames sent without waiting would all pass a cap counting only registrations in place
    // while their membership checks are under way: count those being decided too.
    if (connection.handlers() >= MAX_HANDLERS_PER_SOCKET) {
      DomainMetrics.bridgeRejected("max_handlers");
      deny(connection);
      return;
    }
    connection.pendingRegistrations++;
    Future<Boolean> allowed = decision.verdict() == BridgePolicy.Verdict.IF_MEMBER
      ? activeMember(connection, decision.chatId())
      : connection.active;
    allowed.onComplete(ar -> {
      connection.pendingRegistrations--;
      if (connection.closed) {
        return;
      }
      if (ar.succeeded() && ar.result()) {
        subscribe(connection, address, decision.chatId());
      } else {
        deny(connection);
      }
    });
  }

  private void subscribe(BridgeConnection connection, String address, long chatId) {
    if (connection.subscriptions.containsKey(address)) {
      refuse(connection, Events.ADDRESS_ALREADY_REGISTERED);
      return;
    }
    FanOut.Subscription subscription = fanOut.subscribe(connection, address, chatId);
    connection.subscriptions.put(address, subscription);
    subscription.ready().onComplete(ar -> {
      if (connection.subscriptions.get(address) != subscription) {
        // unregistered or closed meanwhile
        return;
      }
      if (ar.succeeded()) {
        // The registration is in place cluster-wide: whatever is stored from now on reaches
        // this socket, so a fetch with after= cannot miss anything.
        connection.deliver(subscribed(address, chatId, connection.userId));
      } else {
        LOG.warn("Cannot register a consumer on {}", address, ar.cause());
        connection.subscriptions.remove(address);
        fanOut.unsubscribe(subscription);
        refuse(connection, Events.REGISTRATION_FAILURE);
      }
    });
  }

  private void unregister(BridgeConnection connection, String address) {
    if (!BridgePolicy.mayUnregister(address)) {
      deny(connection);
      return;
    }
    FanOut.Subscription subscription = connection.subscriptions.remove(address);
    if (subscription != null) {
      fanOut.unsubscribe(subscription);
    }
  }

  private void send(BridgeConnection connection, String address, JsonObject frame) {
    BridgePolicy.Decision decision = BridgePolicy.send(connection.userId, address);
    if (decision.verdict() == BridgePolicy.Verdict.DENY) {
      deny(connection);
      return;
    }
    Object replyValue = frame.getValue("replyAddress");
    if (replyValue != null && (!(replyValue instanceof String) || ((String) replyValue).length() > MAX_REPLY_ADDRESS_LENGTH)) {
      refuse(connection, Events.INVALID_REPLY_ADDRESS);
      return;
    }
    if (connection.sendsWaiting.size() >= MAX_HANDLERS_PER_SOCKET) {
      DomainMetrics.bridgeRejected("max_handlers");
      refuse(connection, Events.MAX_HANDLERS_REACHED);
      return;
    }
    // In order: a send that overtook one still waiting for its membership answer would be
    // stored first, so a socket's sends wait in one queue, each for the one before.
    connection.sendsWaiting.add(new BridgeConnection.WaitingSend(decision.chatId(), frame.getValue("body"),
      (String) replyValue, decision.typing()));
    if (!connection.admittingSend) {
      admitSends(connection);
    }
  }

  /**
   * Admits the socket's waiting sends in order: at once while the socket's registration (or, for
   * a message, the membership cache) answers, and when one must ask the chat service, the rest
   * wait for that answer (a loop, not a chain of callbacks, however many wait). When the chat
   * service is reached over the bus ({@link MessageSends#arriveInOrder} false: several instances
   * may take turns, each committing on its own), the rest also wait until the message before
   * them is answered, so the socket's messages are still stored in the order it sent them.
   */
  private void admitSends(BridgeConnection connection) {
    while (!connection.closed && !connection.sendsWaiting.isEmpty()) {
      BridgeConnection.WaitingSend next = connection.sendsWaiting.peek();
      Future<Boolean> member = next.typing()
        ? mayType(connection, next.chatId())
        : mayStillSend(connection, next.chatId());
      if (!member.isComplete()) {
        connection.admittingSend = true;
        member.onComplete(ar -> {
          connection.sendsWaiting.poll();
          admitThenGoOn(connection, next, ar.succeeded() && ar.result());
        });
        return;
      }
      connection.sendsWaiting.poll();
      Future<?> answered = admitted(connection, next, member.succeeded() && member.result());
      if (!answered.isComplete()) {
        connection.admittingSend = true;
        answered.onComplete(ar -> {
          connection.admittingSend = false;
          admitSends(connection);
        });
        return;
      }
    }
  }

  /** After an answer the next send waited for: admits it, then the rest (once it is answered, if need be). */
  private void admitThenGoOn(BridgeConnection connection, BridgeConnection.WaitingSend send, boolean member) {
    Future<?> answered = admitted(connection, send, member);
    answered.onComplete(ar -> {
      connection.admittingSend = false;
      admitSends(connection);
    });
  }

  /**
   * Acts on one admitted send. The future completes at once, or, for a message that the sends
   * after it must not overtake (see {@link #admitSends}), once the chat service answered it.
   */
  private Future<?> admitted(BridgeConnection connection, BridgeConnection.WaitingSend send, boolean member) {
    if (connection.closed) {
      return Future.succeededFuture();
    }
    if (!member) {
      deny(connection);
      return Future.succeededFuture();
    }
    if (send.typing()) {
      Buffer reply = typing.typed(connection, send.chatId(), send.body(), send.replyAddress());
      if (reply != null) {
        connection.write(reply);
      }
      return Future.succeededFuture();
    }
    if (send.replyAddress() != null && connection.handlers() >= MAX_HANDLERS_PER_SOCKET) {
      DomainMetrics.bridgeRejected("max_handlers");
      refuse(connection, Events.MAX_HANDLERS_REACHED);
      return Future.succeededFuture();
    }
    boolean replies = send.replyAddress() != null;
    if (replies) {
      connection.pendingReplies++;
    }
    Future<BridgeIngress.Answer> answer = ingress.send(connection.userId, send.chatId(), send.body(), send.replyAddress())
      .onComplete(ar -> {
        if (replies) {
          connection.pendingReplies--;
        }
        answered(connection, send.chatId(), ar.result());
      });
    return messages.arriveInOrder() ? Future.succeededFuture() : answer;
  }

  /**
   * The chat service's answer to a message send. One that found the sender no participant (it
   * was removed while this socket's positive answer was still remembered) is refused as every
   * non-participant's send is, and the remembered answer is dropped, so the next send asks.
   */
  private static void answered(BridgeConnection connection, long chatId, BridgeIngress.Answer answer) {
    if (answer.notParticipant()) {
      connection.sendAllowedAt.remove(chatId);
    }
    if (!connection.closed && answer.frame() != null) {
      connection.write(answer.frame());
    }
  }

  /**
   * For a message: a socket receiving a chat is known to be an active participant, and one
   * allowed to send there a moment ago still is (the chat service checks the message again);
   * others are asked about.
   */
  private Future<Boolean> mayStillSend(BridgeConnection connection, long chatId) {
    Long allowedAt = connection.sendAllowedAt.get(chatId);
    if (receives(connection, chatId)
      || (allowedAt != null && System.currentTimeMillis() - allowedAt < SEND_CHECK_VALID_MS)) {
      return Future.succeededFuture(true);
    }
    return askMembership(connection, chatId);
  }

  /**
   * For a typing notice, which no service checks after this: a socket receiving the chat or a
   * fresh answer, never the remembered one. So a removed user's notice from a socket not
   * registered on the chat is refused as soon as the removal is committed, and from a registered
   * one as soon as the removal's event reaches this gateway (it stops the registration). The
   * question costs one event-bus round trip per notice from a socket not registered on the chat
   * (the page registers on the chats it shows, so usually none); a socket's sends are admitted
   * one at a time, so one socket has at most one question in flight.
   */
  private Future<Boolean> mayType(BridgeConnection connection, long chatId) {
    return receives(connection, chatId) ? Future.succeededFuture(true) : askMembership(connection, chatId);
  }

  /** Asks the chat service, and remembers (or forgets) the answer for the socket's next message sends. */
  private Future<Boolean> askMembership(BridgeConnection connection, long chatId) {
    long now = System.currentTimeMillis();
    return activeMember(connection, chatId).onSuccess(ok -> {
      if (ok) {
        connection.sendAllowedAt.put(chatId, now);
      } else {
        connection.sendAllowedAt.remove(chatId);
      }
    });
  }

  /** Whether the socket holds a registration on the chat that was not stopped. */
  private static boolean receives(BridgeConnection connection, long chatId) {
    FanOut.Subscription subscription = connection.subscriptions.get(Addresses.chatEvents(chatId));
    return subscription != null && !subscription.stopped;
  }

  /** True when the socket's user is active (checked once per socket) and a participant of the chat. */
  private Future<Boolean> activeMember(BridgeConnection connection, long chatId) {
    return connection.active.compose(active -> active ? isMember(connection.userId, chatId) : Future.succeededFuture(false));
  }

  private Future<Boolean> isMember(long userId, long chatId) {
    return services.request(Addresses.CHAT_MEMBERSHIP, new JsonObject().put("user_id", userId).put("chat_id", chatId))
      .map(reply -> reply.getBoolean("member", false));
  }

  /**
   * The {@code subscribed} confirmation ({@code {"type":"subscribed","chat_id"}} on a chat's
   * address, {@code {"type":"subscribed","user_id"}} on a user's), to the registering socket only.
   */
  private static Buffer subscribed(String address, long chatId, long userId) {
    JsonObject body = new JsonObject().put(Events.TYPE, Events.SUBSCRIBED);
    if (chatId > 0) {
      body.put("chat_id", chatId);
    } else {
      body.put("user_id", userId);
    }
    return BridgeFrames.rec(address, body, null);
  }

  private static void deny(BridgeConnection connection) {
    connection.write(BridgeFrames.ACCESS_DENIED);
  }

  private static void refuse(BridgeConnection connection, String reason) {
    connection.write(BridgeFrames.err(reason));
  }

  /** A frame field as a string; null when absent or not a string. */
  private static String string(JsonObject frame, String field) {
    Object value = frame.getValue(field);
    return value instanceof String ? (String) value : null;
  }

  /** The client's IP address as this gateway sees it. */
  private static String clientAddress(SockJSSocket socket) {
    SocketAddress remote = socket.remoteAddress();
    if (remote == null) {
      return "";
    }
    return remote.hostAddress() != null ? remote.hostAddress() : String.valueOf(remote.host());
  }
}
