package chat.shared;

/**
 * The event vocabulary of the system, beside {@link Addresses}: every event type published on
 * an address, and the words of the SockJS bridge frames. No other Java class spells one of
 * them. (The web pages in the gateway's webroot keep their own copies: JavaScript cannot import
 * this class.)
 *
 * <p>An event is a JSON object whose {@value #TYPE} field is one of the types below; clients
 * ignore types they do not know.
 */
public final class Events {

  private Events() {
  }

  /** The field of every event that names its type. */
  public static final String TYPE = "type";

  // ---- on chat.{id} (published by the chat service after COMMIT) ------------------------

  /** {@code {type, message, seq}}: a message was stored. */
  public static final String MESSAGE = "message";
  /** {@code {type, chat_id, user, seq}}: someone was added to the chat. */
  public static final String PARTICIPANT_ADDED = "participant_added";
  /** {@code {type, chat_id, user, seq}}: someone left or was removed. */
  public static final String PARTICIPANT_REMOVED = "participant_removed";
  /** {@code {type, message, seq}}: a message was edited (the message as it is now). */
  public static final String MESSAGE_EDITED = "message_edited";
  /** {@code {type, chat_id, message_id, seq}}: a message was deleted (by its sender, the chat's creator or an owner). */
  public static final String MESSAGE_DELETED = "message_deleted";
  /** {@code {type, chat_id, message_id, reactions, seq}}: a message's reactions changed. */
  public static final String REACTION_CHANGED = "reaction_changed";
  /** {@code {type, chat_id, name, seq}}: the chat was renamed. */
  public static final String CHAT_RENAMED = "chat_renamed";
  /** {@code {type, chat_id, user_id, last_read_message_id}}: a read marker moved (live only, no seq). */
  public static final String READ = "read";
  /**
   * {@code {type, chat_id, user_id, online}}: a participant came online (its first logged-in
   * bridge socket on any gateway) or went offline (its last one closed, after the grace). Live
   * only, no seq.
   */
  public static final String PRESENCE = "presence";
  /** {@code {type, chat_id}}: an owner deleted the chat (it has no seq: the chat and its feed are gone). */
  public static final String CHAT_DELETED = "chat_deleted";

  /**
   * {@code {type, chat_id, user:{id, username}}}: a participant is typing (published by the
   * gateway that took its send to {@code chat.{id}.typing}; live only, no seq, never stored). At
   * most one per user per chat per second reaches a socket, and never the typer's own sockets.
   */
  public static final String TYPING = "typing";

  /**
   * The field of every durable event on {@code chat.{id}} holding the chat's sequence number of
   * the change (1, 2, 3, ... without gaps); {@code read} and {@code presence} events have none.
   */
  public static final String SEQ = "seq";

  // ---- written by a gateway to one socket ----------------------------------------------

  /**
   * {@code {type, chat_id}} on {@code chat.{id}} (or {@code {type, user_id}} on
   * {@code user.{id}}): to the registering socket only, once its registration is in place.
   */
  public static final String SUBSCRIBED = "subscribed";

  // ---- on user.{id} (published by the chat service after COMMIT) ------------------------

  /** {@code {type, chat}}: the user was added to a chat, or created one. */
  public static final String CHAT_ADDED = "chat_added";
  /** {@code {type, chat_id}}: the user was removed from a chat, left it, or it was deleted. */
  public static final String CHAT_REMOVED = "chat_removed";
  /** {@code {type, chat_id, unread_count, last_read_message_id}}: the user's read marker of a chat moved. */
  public static final String UNREAD = "unread";

  // ---- on svc.auth.events.user (published by auth) -------------------------------------

  /** {@code {type, user}}: a user changed (type, activity). */
  public static final String USER_UPDATED = "user_updated";

  // ---- SockJS bridge frames ------------------------------------------------------------

  /** Server frame: a message on an address, {@code {type, address, body, headers?}}. */
  public static final String FRAME_REC = "rec";
  /** Server frame: a refusal {@code {type, body}} or a failed send {@code {type, address, failureCode, failureType, message}}. */
  public static final String FRAME_ERR = "err";
  /** Server frame answering a client {@code ping}. */
  public static final String FRAME_PONG = "pong";
  /** Client frames. */
  public static final String FRAME_PING = "ping";
  public static final String FRAME_REGISTER = "register";
  public static final String FRAME_UNREGISTER = "unregister";
  public static final String FRAME_SEND = "send";
  public static final String FRAME_PUBLISH = "publish";

  // ---- bodies of the bridge's err frames (as vertx-web's bridge spelled them) -----------

  /** The address is not one this user may register on or send to. */
  public static final String ACCESS_DENIED = "access_denied";
  /** A {@code publish}: never allowed. */
  public static final String REJECTED = "rejected";
  /** A WebSocket message or xhr_send body over the frame limit (the socket is closed). */
  public static final String FRAME_TOO_LARGE = "frame_too_large";
  /** Refused at the handshake: the client address holds too many sockets already. */
  public static final String TOO_MANY_SOCKETS = "too_many_sockets";
  public static final String INVALID_JSON = "invalid_json";
  public static final String MISSING_TYPE = "missing_type";
  public static final String MISSING_ADDRESS = "missing_address";
  public static final String INVALID_TYPE = "invalid_type";
  public static final String INVALID_REPLY_ADDRESS = "invalid_reply_address";
  public static final String ADDRESS_ALREADY_REGISTERED = "address_already_registered";
  public static final String MAX_HANDLERS_REACHED = "max_handlers_reached";
  public static final String REGISTRATION_FAILURE = "registration_failure";
}
