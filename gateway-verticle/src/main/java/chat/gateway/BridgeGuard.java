package chat.gateway;

import chat.shared.Addresses;
import chat.shared.ServiceBus;
import chat.shared.ServiceError;
import chat.shared.metrics.DomainMetrics;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.SocketAddress;
import io.vertx.ext.bridge.PermittedOptions;
import io.vertx.ext.web.Session;
import io.vertx.ext.web.handler.sockjs.BridgeEvent;
import io.vertx.ext.web.handler.sockjs.SockJSBridgeOptions;
import io.vertx.ext.web.handler.sockjs.SockJSSocket;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The SockJS bridge's permissions and event handler.
 *
 * <p>Permissions admit only well-formed public addresses ({@code chat.{id}} out,
 * {@code chat.{id}.send} in); the handler then decides per user: REGISTER and SEND need a
 * participant, PUBLISH is always refused, the sender of a SEND is stamped from the session and
 * every client header is dropped, and deliveries stop for a chat the user was removed from or
 * that was deleted. A deactivated user's sockets are closed ({@link #closeSocketsOfUser}).
 * Every event is completed with an explicit true or false.
 *
 * <p>A refusal of REGISTER or SEND must read {@code access_denied} (the contract). The bridge
 * says exactly that when a frame's address matches no permission, so a refused frame has its
 * address replaced by one no permission matches and is passed on: the client gets the bridge's
 * own {@code {"type":"err","body":"access_denied"}} and nothing is registered or sent. A plain
 * {@code false} would answer {@code rejected}, which the contract does not name.
 *
 * <p>Chat events are written to each socket by this guard, through the socket's bounded write
 * queue ({@link SocketWriteQueues}); message events, the bulk of them, from a frame encoded once
 * per message ({@link #messageFrame}): the bridge would encode the same frame again for every
 * socket, which was the largest cost of a fan-out. The guard also caps the sockets per client
 * address, counts registrations still being decided against the handler cap, answers
 * {@code ping} with {@code pong}, and binds xhr SockJS sessions to their opening cookie
 * ({@link SockJSSessionBindings}).
 *
 * <p>Sends arrive at a per-chat local consumer on {@code chat.{id}.send} on this gateway
 * ({@link #ingress}), which forwards them to the chat service through {@link MessageSends}, the
 * same path REST uses. Local consumers stay on this node: no cluster-wide registration per chat.
 */
final class BridgeGuard implements Handler<BridgeEvent> {

  private static final Logger LOG = LoggerFactory.getLogger(BridgeGuard.class);
  /** Header carrying the stamped sender from this guard to the ingress, on this node only. */
  private static final String SENDER_HEADER = "chat.sender";
  /** How long a positive membership answer lets a socket's sends skip the membership check. */
  private static final long SEND_CHECK_VALID_MS = 5_000;
  /** An address no permission matches: the bridge answers it with {@code access_denied}. */
  private static final String DENIED = "";
  /** Published on {@code chat.{id}} by the chat service when an owner deleted the chat. */
  private static final String CHAT_DELETED = "chat_deleted";
  private static final String MESSAGE = "message";
  private static final int MAX_CACHED_FRAMES = 10_000;
  private static final String PARTICIPANT_ADDED = "participant_added";
  private static final String PARTICIPANT_REMOVED = "participant_removed";
  /** Registrations (and reply handlers) one socket may hold. */
  static final int MAX_HANDLERS_PER_SOCKET = 1000;
  private static final Buffer PONG = new JsonObject().put("type", "pong").toBuffer();

  private final EventBus eventBus;
  private final ServiceBus services;
  private final MessageSends messages;
  private final UserCache users;
  private final BridgeSockets sockets = new BridgeSockets();
  private final SocketWriteQueues writes;
  private final SockJSSessionBindings bindings;
  private final int socketsPerAddress;
  private final Buffer tooManySockets = BridgeFaults.TOO_MANY_SOCKETS.toBuffer();
  private final Map<Long, MessageConsumer<Object>> ingress = new HashMap<>();
  /** Per chat, the frame of its latest message event (see {@link #messageFrame}). */
  private final Map<Long, EncodedFrame> lastFrames = new HashMap<>();

  private record EncodedFrame(long messageId, Buffer bytes) {
  }

  BridgeGuard(EventBus eventBus, ServiceBus services, MessageSends messages, UserCache users,
              SocketWriteQueues writes, SockJSSessionBindings bindings, int socketsPerAddress) {
    this.eventBus = eventBus;
    this.services = services;
    this.messages = messages;
    this.users = users;
    this.writes = writes;
    this.bindings = bindings;
    this.socketsPerAddress = socketsPerAddress;
  }

  static SockJSBridgeOptions options() {
    return new SockJSBridgeOptions()
      .setInboundPermitteds(List.of(new PermittedOptions().setAddressRegex(Addresses.CHAT_SEND_REGEX)))
      .setOutboundPermitteds(List.of(new PermittedOptions().setAddressRegex(Addresses.CHAT_EVENTS_REGEX)))
      .setMaxAddressLength(64)
      .setMaxHandlersPerSocket(MAX_HANDLERS_PER_SOCKET)
      .setPingTimeout(30_000)
      .setReplyTimeout(15_000);
  }

  /** Consumer of session-ended notices from every gateway: close that session's sockets. */
  MessageConsumer<JsonObject> listenForEndedSessions() {
    return eventBus.consumer(Addresses.GATEWAY_SESSION_ENDED, msg -> {
      String ref = msg.body().getString("session_ref");
      if (ref != null) {
        for (SockJSSocket socket : sockets.takeSession(ref)) {
          socket.close();
        }
      }
    });
  }

  /** Closes every socket of a user on this gateway (it was deactivated). */
  void closeSocketsOfUser(long userId) {
    List<SockJSSocket> closing = sockets.takeUser(userId);
    if (!closing.isEmpty()) {
      LOG.info("Closing {} bridge sockets of deactivated user {}", closing.size(), userId);
    }
    closing.forEach(SockJSSocket::close);
  }

  int openSockets() {
    return sockets.size();
  }

  @Override
  public void handle(BridgeEvent event) {
    try {
      switch (event.type()) {
        case SOCKET_CREATED:
          socketCreated(event);
          break;
        case SOCKET_CLOSED:
        case SOCKET_ERROR:
          sockets.closed(event.socket());
          writes.closed(event.socket());
          bindings.release(event.socket());
          event.complete(true);
          break;
        case SOCKET_PING:
          writes.write(event.socket(), PONG);
          event.complete(true);
          break;
        case REGISTER:
          register(event);
          break;
        case UNREGISTER:
          unregister(event);
          break;
        case SEND:
          send(event);
          break;
        case PUBLISH:
          event.complete(false);
          break;
        case RECEIVE:
          event.complete(mayReceive(event));
          break;
        case REGISTERED:
          confirmRegistration(event);
          break;
        default:
          // SOCKET_IDLE: nothing to decide.
          event.complete(true);
      }
    } catch (RuntimeException e) {
      LOG.error("Bridge event {} failed", event.type(), e);
      event.tryComplete(false);
    }
  }

  private void socketCreated(BridgeEvent event) {
    SockJSSocket socket = event.socket();
    String address = clientAddress(socket);
    if (sockets.openFrom(address) >= socketsPerAddress) {
      DomainMetrics.bridgeRejected("too_many_sockets");
      LOG.debug("Refusing a bridge socket from {}: {} open already", address, socketsPerAddress);
      socket.write(tooManySockets);
      // false: the bridge closes the socket.
      event.complete(false);
      return;
    }
    Session session = socket.webSession();
    JsonObject user = SessionUsers.current(session);
    sockets.opened(socket, user, user == null ? null : SessionUsers.sessionRef(session), address);
    writes.opened(socket);
    bindings.bind(socket);
    BridgeSockets.SocketState state = sockets.state(socket);
    if (state != null) {
      // A session may outlive its user's deactivation until its next REST request: ask auth
      // (through the cache) before this socket may register or send; close it if inactive.
      // Usually a cache hit, answered at once. If auth cannot be asked, the session decides.
      Future<Boolean> check = users.get(state.userId()).map(UserCache::isActive).otherwise(true);
      state.active = check;
      // Registered first, so it runs before any frame waiting on the check: later frames then
      // see a plain completed future and keep their order.
      check.onSuccess(active -> {
        state.active = Future.succeededFuture(active);
        if (!active && sockets.state(socket) == state) {
          LOG.info("Closing a bridge socket of deactivated user {}", state.userId());
          sockets.closed(socket);
          socket.close();
        }
      });
    }
    event.complete(true);
  }

  private void register(BridgeEvent event) {
    BridgeSockets.SocketState state = sockets.state(event.socket());
    OptionalLong chatId = Addresses.parseChatEvents(event.getRawMessage().getString("address"));
    if (state == null || chatId.isEmpty()) {
      deny(event);
      return;
    }
    long id = chatId.getAsLong();
    // The bridge counts a registration once it is allowed: frames sent without waiting would
    // all pass its cap while their membership checks are under way. Count them from here.
    if (state.registered.size() + state.pendingRegistrations >= MAX_HANDLERS_PER_SOCKET) {
      DomainMetrics.bridgeRejected("max_handlers");
      deny(event);
      return;
    }
    state.pendingRegistrations++;
    activeMember(state, id).onComplete(ar -> {
      state.pendingRegistrations--;
      if (ar.succeeded() && ar.result()) {
        sockets.registered(event.socket(), state, id);
        event.complete(true);
      } else {
        deny(event);
      }
    });
  }

  private void unregister(BridgeEvent event) {
    BridgeSockets.SocketState state = sockets.state(event.socket());
    OptionalLong chatId = Addresses.parseChatEvents(event.getRawMessage().getString("address"));
    if (state != null && chatId.isPresent()) {
      sockets.unregistered(event.socket(), state, chatId.getAsLong());
    }
    // The bridge itself refuses addresses that match no permission.
    event.complete(true);
  }

  private void send(BridgeEvent event) {
    BridgeSockets.SocketState state = sockets.state(event.socket());
    JsonObject frame = event.getRawMessage();
    OptionalLong chatId = Addresses.parseChatSend(frame.getString("address"));
    if (state == null || chatId.isEmpty()) {
      deny(event);
      return;
    }
    long id = chatId.getAsLong();
    // A socket receiving a chat is known to be an active participant, and one allowed to send
    // there a moment ago still is; others are asked about.
    long now = System.currentTimeMillis();
    Long allowedAt = state.sendAllowedAt.get(id);
    Future<Boolean> member = sockets.receives(event.socket(), state, id) || (allowedAt != null && now - allowedAt < SEND_CHECK_VALID_MS)
      ? Future.succeededFuture(true)
      : activeMember(state, id).onSuccess(ok -> {
        if (ok) {
          state.sendAllowedAt.put(id, now);
        } else {
          state.sendAllowedAt.remove(id);
        }
      });
    member.onComplete(ar -> {
      if (ar.succeeded() && ar.result()) {
        ensureIngress(id);
        // Client headers are never trusted: replace them with the sender from the session.
        frame.put("headers", new JsonObject().put(SENDER_HEADER, Long.toString(state.userId())));
        event.complete(true);
      } else {
        deny(event);
      }
    });
  }

  /**
   * Tells the client its registration is in place ({@code {"type":"subscribed","chat_id"}} on
   * the chat's address, an event type added to the contract), so it can fetch history with
   * {@code after=} knowing that nothing stored from then on can be missed.
   */
  private void confirmRegistration(BridgeEvent event) {
    String address = event.getRawMessage().getString("address");
    OptionalLong chatId = Addresses.parseChatEvents(address);
    if (chatId.isPresent()) {
      JsonObject frame = new JsonObject().put("type", "rec").put("address", address)
        .put("body", new JsonObject().put("type", "subscribed").put("chat_id", chatId.getAsLong()));
      writes.deliver(event.socket(), frame.toBuffer());
    }
    event.complete(true);
  }

  /**
   * Whether the bridge may write this delivery itself: only replies to a socket's own sends.
   * Every event of a chat that the socket may receive is written here instead, through its
   * bounded write queue ({@link SocketWriteQueues}); false then only tells the bridge not to
   * write it a second time.
   */
  private boolean mayReceive(BridgeEvent event) {
    JsonObject envelope = event.getRawMessage();
    OptionalLong chatId = Addresses.parseChatEvents(envelope.getString("address"));
    if (chatId.isEmpty()) {
      // A reply to this socket's own send: replies pass when the request did.
      return true;
    }
    long id = chatId.getAsLong();
    SockJSSocket socket = event.socket();
    Object body = envelope.getValue("body");
    Object type = body instanceof JsonObject ? ((JsonObject) body).getValue("type") : null;
    if (MESSAGE.equals(type)) {
      // The bulk of deliveries: written from a frame encoded once per message for all the
      // chat's sockets, instead of letting the bridge encode the same frame again per socket.
      if (!sockets.isStopped(socket, id)) {
        writes.deliver(socket, messageFrame(id, envelope, (JsonObject) body));
      }
      return false;
    }
    if (deliverOther(socket, id, type, body)) {
      writes.deliver(socket, envelope.toBuffer());
    }
    return false;
  }

  /** Whether a chat event other than a message reaches this socket. */
  private boolean deliverOther(SockJSSocket socket, long id, Object type, Object body) {
    if (!CHAT_DELETED.equals(type) && !PARTICIPANT_ADDED.equals(type) && !PARTICIPANT_REMOVED.equals(type)) {
      // Other events of the chat: only a stop can hold them back.
      return !sockets.isStopped(socket, id);
    }
    BridgeSockets.SocketState state = sockets.state(socket);
    if (state == null) {
      return false;
    }
    JsonObject evt = (JsonObject) body;
    boolean receiving = sockets.receives(socket, state, id);
    if (CHAT_DELETED.equals(type)) {
      // Every socket hears that the chat was deleted, then nothing more from it.
      state.sendAllowedAt.remove(id);
      sockets.stop(socket, state, id);
      return receiving;
    }
    Object aboutValue = evt.getValue("user");
    JsonObject about = aboutValue instanceof JsonObject ? (JsonObject) aboutValue : null;
    if (about != null && about.getLong("id", -1L) == state.userId()) {
      if (PARTICIPANT_REMOVED.equals(type)) {
        // The removed user hears of its removal, then nothing more from this chat.
        state.sendAllowedAt.remove(id);
        sockets.stop(socket, state, id);
        return receiving;
      }
      // Added back: delivery resumes on the registration the socket still holds.
      sockets.resume(socket, state, id);
      return state.registered.contains(id);
    }
    return receiving;
  }

  /**
   * The {@code rec} frame of a message event, as the bridge would encode it, shared by every
   * socket the event reaches: the last message's frame is kept per chat (message events are
   * immutable, and every copy of one carries the same address and body).
   */
  private Buffer messageFrame(long chatId, JsonObject envelope, JsonObject event) {
    Object message = event.getValue("message");
    Object idValue = message instanceof JsonObject ? ((JsonObject) message).getValue("id") : null;
    long messageId = idValue instanceof Number ? ((Number) idValue).longValue() : -1L;
    EncodedFrame last = lastFrames.get(chatId);
    if (last != null && messageId > 0 && last.messageId == messageId) {
      return last.bytes;
    }
    Buffer bytes = envelope.toBuffer();
    if (messageId > 0) {
      if (lastFrames.size() >= MAX_CACHED_FRAMES) {
        lastFrames.clear();
      }
      lastFrames.put(chatId, new EncodedFrame(messageId, bytes));
    }
    return bytes;
  }

  /** True when the socket's user is active (checked once per socket) and a participant of the chat. */
  private Future<Boolean> activeMember(BridgeSockets.SocketState state, long chatId) {
    return state.active.compose(active -> active ? isMember(state, chatId) : Future.succeededFuture(false));
  }

  private Future<Boolean> isMember(BridgeSockets.SocketState state, long chatId) {
    return services.request(Addresses.CHAT_MEMBERSHIP,
        new JsonObject().put("user_id", state.userId()).put("chat_id", chatId))
      .map(reply -> reply.getBoolean("member", false));
  }

  private void ensureIngress(long chatId) {
    ingress.computeIfAbsent(chatId, id -> eventBus.localConsumer(Addresses.chatSend(id), msg -> forward(id, msg)));
  }

  /** A bridge send, already permitted and stamped by {@link #send}, on its way to the chat service. */
  private void forward(long chatId, Message<Object> msg) {
    String sender = msg.headers().get(SENDER_HEADER);
    if (sender == null) {
      msg.fail(403, "forbidden");
      return;
    }
    if (!(msg.body() instanceof JsonObject)) {
      msg.fail(400, "validation");
      return;
    }
    messages.send(Long.parseLong(sender), chatId, (JsonObject) msg.body()).onComplete(ar -> {
      if (ar.succeeded()) {
        msg.reply(ar.result());
      } else {
        // Bridge clients see failureCode = HTTP status and message = the contract's code.
        ServiceError error = ServiceError.from(ar.cause());
        msg.fail(error.code().httpStatus(), error.code().wireName());
      }
    });
  }

  /** The client's IP address as this gateway sees it. */
  private static String clientAddress(SockJSSocket socket) {
    SocketAddress remote = socket.remoteAddress();
    if (remote == null) {
      return "";
    }
    return remote.hostAddress() != null ? remote.hostAddress() : String.valueOf(remote.host());
  }

  private static void deny(BridgeEvent event) {
    event.getRawMessage().put("address", DENIED);
    event.complete(true);
  }
}
