package chat.shared;

import java.util.OptionalLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Every event-bus address of the system, in one place. No other class spells an address.
 *
 * <p>Internal service addresses start with {@code svc.} or {@code gateway.}; they are never
 * permitted through the SockJS bridge. The public bridge addresses are {@code chat.{id}}
 * (outbound events) and {@code chat.{id}.send} (inbound sends), with {@code id} a positive
 * integer without leading zeros.
 *
 * <p>Request and reply bodies are JSON objects with snake_case fields, the same names the REST
 * contract uses. Each constant documents its request and its reply; failures are
 * {@link ServiceError}s carried as {@code ReplyException}s (see {@link ServiceBus}).
 */
public final class Addresses {

  private Addresses() {
  }

  // ---- auth service -------------------------------------------------------------------

  /** {@code {username,email,password,user_type}} -> user. Fails VALIDATION, CONFLICT. */
  public static final String AUTH_REGISTER = "svc.auth.register";
  /** {@code {username,password}} -> user. Fails UNAUTHENTICATED (same for unknown user and wrong password). */
  public static final String AUTH_LOGIN = "svc.auth.login";
  /** {@code {id}} -> user (with {@code is_active}). Fails NOT_FOUND. */
  public static final String AUTH_USER_GET = "svc.auth.users.get";
  /** {@code {ids:[..]}} -> {@code {users:[user..], missing:[id..]}}. */
  public static final String AUTH_USERS_LOOKUP = "svc.auth.users.lookup";
  /** {@code {search, limit}} -> {@code {users:[user..]}}: active users whose username or email contains search. */
  public static final String AUTH_USERS_SEARCH = "svc.auth.users.search";
  /** {@code {}} -> {@code {status:"UP"}}; used by the gateway's health check. */
  public static final String AUTH_PING = "svc.auth.ping";
  /** Published by auth: {@code {type:"user_updated", user}} whenever a user changes. */
  public static final String AUTH_USER_EVENTS = "svc.auth.events.user";

  // ---- chat service ------------------------------------------------------------------

  /** {@code {user_id, name, participant_ids}} -> chat. Fails VALIDATION. */
  public static final String CHAT_CREATE = "svc.chat.create";
  /** {@code {user_id}} -> {@code {chats:[chat..]}}, most recent activity first. */
  public static final String CHAT_LIST = "svc.chat.list";
  /** {@code {user_id, chat_id}} -> chat. Fails NOT_FOUND when absent or user is not a participant. */
  public static final String CHAT_GET = "svc.chat.get";
  /** {@code {user_id, chat_id, participant_id}} -> chat. Fails VALIDATION, NOT_FOUND. */
  public static final String CHAT_ADD_PARTICIPANT = "svc.chat.participants.add";
  /** {@code {user_id, user_type, chat_id, participant_id}} -> chat. Fails FORBIDDEN, NOT_FOUND. */
  public static final String CHAT_REMOVE_PARTICIPANT = "svc.chat.participants.remove";
  /** {@code {user_id, chat_id}} -> {@code {member: bool}}. */
  public static final String CHAT_MEMBERSHIP = "svc.chat.membership";
  /** {@code {user_id, chat_id, content, client_id?}} -> message. Fails VALIDATION, NOT_FOUND. */
  public static final String CHAT_MESSAGE_SEND = "svc.chat.messages.send";
  /** {@code {user_id, chat_id, limit?, before?, after?}} -> {@code {messages:[..], has_more}}. */
  public static final String CHAT_MESSAGE_HISTORY = "svc.chat.messages.history";
  /** {@code {}} -> {@code {status:"UP"}}. */
  public static final String CHAT_PING = "svc.chat.ping";

  // ---- gateway -----------------------------------------------------------------------

  /**
   * Published by a gateway when a session ends (logout): {@code {session_ref}}, an opaque hash
   * of the session id. Every gateway closes the bridge sockets opened with that session.
   */
  public static final String GATEWAY_SESSION_ENDED = "gateway.sessions.ended";

  // ---- public bridge addresses -------------------------------------------------------

  /** A chat id as it may appear in a public address: positive, no leading zero, fits a long. */
  private static final String ID = "[1-9][0-9]{0,17}";
  /** Outbound: events of one chat. */
  public static final String CHAT_EVENTS_REGEX = "chat\\." + ID;
  /** Inbound: sends into one chat. */
  public static final String CHAT_SEND_REGEX = "chat\\." + ID + "\\.send";

  private static final Pattern CHAT_EVENTS = Pattern.compile("chat\\.(" + ID + ")");
  private static final Pattern CHAT_SEND = Pattern.compile("chat\\.(" + ID + ")\\.send");

  /** The address a chat's events are published on. */
  public static String chatEvents(long chatId) {
    return "chat." + chatId;
  }

  /** The address bridge clients send a chat's messages to. */
  public static String chatSend(long chatId) {
    return "chat." + chatId + ".send";
  }

  /** The chat id of a well-formed {@code chat.{id}} address, or empty. */
  public static OptionalLong parseChatEvents(String address) {
    return parse(CHAT_EVENTS, address);
  }

  /** The chat id of a well-formed {@code chat.{id}.send} address, or empty. */
  public static OptionalLong parseChatSend(String address) {
    return parse(CHAT_SEND, address);
  }

  private static OptionalLong parse(Pattern pattern, String address) {
    if (address == null || address.length() > 32) {
      return OptionalLong.empty();
    }
    Matcher m = pattern.matcher(address);
    return m.matches() ? OptionalLong.of(Long.parseLong(m.group(1))) : OptionalLong.empty();
  }
}
