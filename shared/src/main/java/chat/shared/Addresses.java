package chat.shared;

import chat.shared.validation.Ids;
import java.util.OptionalLong;

/**
 * Every event-bus address of the system, in one place. No other class spells an address.
 *
 * <p>Internal service addresses start with {@code svc.} or {@code gateway.}; they are never
 * permitted through the SockJS bridge. The public bridge addresses are {@code chat.{id}}
 * (outbound events of a chat), {@code user.{id}} (outbound events for one user only),
 * {@code chat.{id}.send} (inbound sends) and {@code chat.{id}.typing} (inbound typing notices,
 * never stored), with {@code id} a positive integer without leading zeros. Event bodies are described in {@link Events}.
 *
 * <p>Request and reply bodies are JSON objects with snake_case fields, the same names the REST
 * contract uses. Each constant documents its request and its reply; failures are
 * {@link ServiceError}s carried as {@code ReplyException}s (see {@link ServiceBus}).
 */
public final class Addresses {

  private Addresses() {
  }

  // ---- auth service -------------------------------------------------------------------

  /**
   * {@code {username,email,password,user_type,client_address?}} -> user. Fails VALIDATION,
   * CONFLICT (username taken once folded), FORBIDDEN (owner sign-up closed and an owner exists),
   * RATE_LIMITED (with {@code retry_after}).
   */
  public static final String AUTH_REGISTER = "svc.auth.register";
  /**
   * {@code {username,password,client_address?}} -> user. Fails UNAUTHENTICATED (same for unknown
   * user and wrong password), RATE_LIMITED (with {@code retry_after}, seconds).
   */
  public static final String AUTH_LOGIN = "svc.auth.login";
  /** {@code {id}} -> user (with {@code is_active}). Fails NOT_FOUND. */
  public static final String AUTH_USER_GET = "svc.auth.users.get";
  /** {@code {ids:[..]}} -> {@code {users:[user..], missing:[id..]}}. */
  public static final String AUTH_USERS_LOOKUP = "svc.auth.users.lookup";
  /**
   * {@code {search, limit, match_email?}} -> {@code {users:[user..]}}: active users whose username
   * (as typed or folded) contains search, or whose email does when {@code match_email} is true.
   */
  public static final String AUTH_USERS_SEARCH = "svc.auth.users.search";
  /** {@code {}} -> {@code {status:"UP"}}; used by the gateway's health check. */
  public static final String AUTH_PING = "svc.auth.ping";
  /** Published by auth: {@code {type:"user_updated", user}} whenever a user changes. */
  public static final String AUTH_USER_EVENTS = "svc.auth.events.user";

  // ---- auth service: administration (callers are the gateway's owner-only routes) --------
  //
  // Writes carry the acting owner as {@code actor:{id, username}} and are written to auth's
  // audit log in the same transaction as the change. Pages follow {@link Paging}.

  /**
   * {@code {page?, page_size?, user_type?, search?}} -> {@code {users:[user..], total, page,
   * page_size}}: every user, active or not (with {@code is_active}), by id. search matches
   * username or email. Fails VALIDATION.
   */
  public static final String AUTH_ADMIN_USERS_LIST = "svc.auth.admin.users.list";
  /** {@code {id}} -> user (with {@code is_active}). Fails VALIDATION, NOT_FOUND. */
  public static final String AUTH_ADMIN_USER_GET = "svc.auth.admin.users.get";
  /**
   * {@code {actor, id, changes:{user_type?, is_active?}}} -> user as it is now. Publishes
   * {@code user_updated} on {@link #AUTH_USER_EVENTS} when something changed. Fails VALIDATION
   * (also an owner deactivating or demoting itself), FORBIDDEN (actor not an active owner),
   * NOT_FOUND.
   */
  public static final String AUTH_ADMIN_USER_UPDATE = "svc.auth.admin.users.update";
  /** {@code {limit}} -> {@code {entries:[entry..], total}}: auth's newest audit entries (see {@link Audit}). */
  public static final String AUTH_ADMIN_AUDIT = "svc.auth.admin.audit";

  // ---- chat service ------------------------------------------------------------------

  /**
   * {@code {user_id, name, participant_ids}} -> chat; publishes {@code chat_added} on each
   * participant's {@code user.{id}} (the creator's too). Fails VALIDATION.
   */
  public static final String CHAT_CREATE = "svc.chat.create";
  /**
   * {@code {user_id}} -> {@code {chats:[chat..]}}, most recent activity first; each chat carries
   * the caller's {@code unread_count} and {@code last_read_message_id}, as every chat object of
   * these addresses does.
   */
  public static final String CHAT_LIST = "svc.chat.list";
  /** {@code {user_id, chat_id}} -> chat. Fails NOT_FOUND when absent or user is not a participant. */
  public static final String CHAT_GET = "svc.chat.get";
  /**
   * {@code {user_id, chat_id, participant_id}} -> chat; publishes {@code participant_added} on
   * the chat and {@code chat_added} on the added user's {@code user.{id}}. Fails VALIDATION, NOT_FOUND.
   */
  public static final String CHAT_ADD_PARTICIPANT = "svc.chat.participants.add";
  /**
   * {@code {user_id, user_type, chat_id, participant_id}} -> chat; publishes
   * {@code participant_removed} on the chat and {@code chat_removed} on the removed (or leaving)
   * user's {@code user.{id}}. Fails FORBIDDEN, NOT_FOUND.
   */
  public static final String CHAT_REMOVE_PARTICIPANT = "svc.chat.participants.remove";
  /** {@code {user_id, chat_id}} -> {@code {member: bool}}. */
  public static final String CHAT_MEMBERSHIP = "svc.chat.membership";
  /**
   * {@code {user_id, chat_id, content, client_id?, attachment_ids?}} -> message (content may be
   * empty when attachment_ids holds 1 to 10 of the caller's unattached uploads of this chat).
   * Fails VALIDATION, NOT_FOUND.
   */
  public static final String CHAT_MESSAGE_SEND = "svc.chat.messages.send";
  /** {@code {user_id, chat_id, limit?, before?, after?}} -> {@code {messages:[..], has_more}}. */
  public static final String CHAT_MESSAGE_HISTORY = "svc.chat.messages.history";
  /**
   * {@code {user_id, chat_id, after_seq?, limit?}} -> {@code {events:[..], has_more, last_seq}}:
   * the chat's numbered events after a seq, from the caller's joining on. Fails VALIDATION, NOT_FOUND.
   */
  public static final String CHAT_EVENTS_FEED = "svc.chat.events.feed";
  /**
   * {@code {user_id, chat_id, message_id}} -> {@code {chat_id, user_id, last_read_message_id,
   * unread_count}}: moves the caller's read marker forward to a message of the chat (at or below
   * it: nothing changes). A move publishes {@code read} on the chat and {@code unread} on the
   * caller's {@code user.{id}}. Fails VALIDATION (message_id not a message of this chat), NOT_FOUND.
   */
  public static final String CHAT_READ_MARK = "svc.chat.reads.mark";
  /**
   * {@code {user_id, chat_id}} -> {@code {reads:[{user_id, last_read_message_id, read_at}..]}}:
   * every participant's marker. Fails NOT_FOUND.
   */
  public static final String CHAT_READS = "svc.chat.reads.list";
  /** {@code {}} -> {@code {status:"UP"}}. */
  public static final String CHAT_PING = "svc.chat.ping";
  /**
   * {@code {user_id, user_type, chat_id, name}} -> chat; the chat's creator or an owner. Publishes
   * {@code chat_renamed} with its seq; the same name again changes nothing. Fails VALIDATION,
   * FORBIDDEN, NOT_FOUND.
   */
  public static final String CHAT_RENAME = "svc.chat.rename";
  /**
   * {@code {user_id, chat_id, message_id, content}} -> message with {@code edited_at}; its sender
   * only. Publishes {@code message_edited} with its seq; the same content again changes nothing.
   * Fails VALIDATION, FORBIDDEN, NOT_FOUND (also a deleted message), RATE_LIMITED.
   */
  public static final String CHAT_MESSAGE_EDIT = "svc.chat.messages.edit";
  /**
   * {@code {user_id, user_type, chat_id, message_id}} -> {@code {}}; its sender, the chat's
   * creator or an owner. Publishes {@code message_deleted} with its seq. Fails FORBIDDEN,
   * NOT_FOUND (also an already deleted message), RATE_LIMITED.
   */
  public static final String CHAT_MESSAGE_DELETE = "svc.chat.messages.delete";
  /**
   * {@code {user_id, chat_id, message_id, emoji}} -> {@code {reactions:[..]}}: adds the caller's
   * reaction; one it has already changes nothing. Publishes {@code reaction_changed} with its seq.
   * Fails VALIDATION (bad emoji, a 21st distinct emoji), NOT_FOUND, RATE_LIMITED.
   */
  public static final String CHAT_REACTION_ADD = "svc.chat.reactions.add";
  /**
   * {@code {user_id, chat_id, message_id, emoji}} -> {@code {reactions:[..]}}: removes the
   * caller's reaction; one it does not have changes nothing. Publishes {@code reaction_changed}
   * with its seq. Fails VALIDATION, NOT_FOUND, RATE_LIMITED.
   */
  public static final String CHAT_REACTION_REMOVE = "svc.chat.reactions.remove";

  /**
   * {@code {user_id, chat_id}} -> {@code {online:[user_id..]}}: the chat's participants online
   * now (holding a logged-in bridge socket on any gateway), in joining order. Fails NOT_FOUND.
   */
  public static final String CHAT_PRESENCE = "svc.chat.presence.get";

  // ---- chat service: presence reports (callers are the gateways) ------------------------
  //
  // Each gateway names itself with a random {@code gateway} id per start and tells the chat
  // service which users hold sockets on it: only transitions, plus a heartbeat every third of
  // CHAT_PRESENCE_LEASE_MS. A gateway unheard of for a lease has its users dropped (a crash).
  // A user is online while at least one gateway reports it; the chat service publishes
  // {@code presence} on each of the user's chats when that starts and when it ends.

  /** Published (no reply; every chat instance holds every set): {@code {gateway, user_id, online}}: the user's first socket on it opened, or its last closed (after the grace). */
  public static final String CHAT_PRESENCE_REPORT = "svc.chat.presence.report";
  /**
   * Published: {@code {gateway, count, sum}}: count and sum of the user ids the gateway reports
   * online; a chat instance holding another set for it (it restarted, a report was lost) asks the
   * gateway for the whole set at {@link #gatewayPresence}. A request is answered
   * {@code {in_sync: bool}}.
   */
  public static final String CHAT_PRESENCE_HEARTBEAT = "svc.chat.presence.heartbeat";
  /** Published (no reply): {@code {gateway, users:[user_id..]}}: the whole set, replacing the one held; empty when the gateway stops. */
  public static final String CHAT_PRESENCE_SYNC = "svc.chat.presence.sync";

  // ---- chat service: administration (callers are the gateway's owner-only routes) --------
  //
  // No membership is required of the actor. Writes carry {@code actor:{id, username}}, are
  // written to chat's audit log in the same transaction and publish their events on
  // {@code chat.{id}} after COMMIT. Pages follow {@link Paging}.

  /**
   * {@code {page?, page_size?, search?}} -> {@code {chats:[chat + message_count..], total, page,
   * page_size}}, newest chat first; search matches the chat's name. Fails VALIDATION.
   */
  public static final String CHAT_ADMIN_CHATS_LIST = "svc.chat.admin.chats.list";
  /** {@code {chat_id}} -> chat + message_count. Fails NOT_FOUND. */
  public static final String CHAT_ADMIN_CHAT_GET = "svc.chat.admin.chats.get";
  /**
   * {@code {actor, chat_id, participant_id}} -> chat; publishes {@code participant_added} when
   * the user was not a participant. Fails VALIDATION (unknown or inactive user), NOT_FOUND.
   */
  public static final String CHAT_ADMIN_ADD_PARTICIPANT = "svc.chat.admin.participants.add";
  /** {@code {actor, chat_id, participant_id}} -> chat; publishes {@code participant_removed}. Fails NOT_FOUND. */
  public static final String CHAT_ADMIN_REMOVE_PARTICIPANT = "svc.chat.admin.participants.remove";
  /**
   * {@code {actor, chat_id}} -> {@code {}}: the chat, its participants and messages go in one
   * transaction; then {@code {type:"chat_deleted", chat_id}} is published on the chat and
   * {@code chat_removed} on each former participant's {@code user.{id}}. Fails NOT_FOUND.
   */
  public static final String CHAT_ADMIN_CHAT_DELETE = "svc.chat.admin.chats.delete";
  /**
   * {@code {chat_id?, sender_id?, from?, to?, page?, page_size?}} -> {@code {messages:[message..],
   * total, page, page_size}}, newest first; from (inclusive) and to (exclusive) are ISO-8601
   * instants. Fails VALIDATION.
   */
  public static final String CHAT_ADMIN_MESSAGES_LIST = "svc.chat.admin.messages.list";
  /**
   * {@code {actor, ids:[..]}} (1 to 500 ids) -> {@code {deleted}}; unknown ids are ignored. After
   * COMMIT, one {@code {type:"message_deleted", chat_id, message_id}} per deleted message is
   * published on its chat. Fails VALIDATION.
   */
  public static final String CHAT_ADMIN_MESSAGES_DELETE = "svc.chat.admin.messages.delete";
  /** {@code {limit}} -> {@code {entries:[entry..], total}}: chat's newest audit entries (see {@link Audit}). */
  public static final String CHAT_ADMIN_AUDIT = "svc.chat.admin.audit";

  // ---- search (contract v2 "Search") ---------------------------------------------------

  /**
   * {@code {user_id, q, chat_id?, limit?, before?}} -> {@code {results:[{message, snippet}..],
   * has_more}}: messages matching {@code q} in the caller's chats now (or only {@code chat_id},
   * one of them), newest first. Fails VALIDATION (naming {@code q}, {@code chat_id},
   * {@code limit}, {@code before}), NOT_FOUND (a chat_id the caller is not in).
   */
  public static final String CHAT_SEARCH = "svc.chat.search";

  // ---- chat service: attachments (issue 14) ----------------------------------------------
  //
  // Bytes travel as Buffer bodies in bounded chunks ({@link #ATTACHMENT_CHUNK_BYTES}), never a
  // whole file in one message (see ServiceBus#requestAny).

  /** Size of one chunk of an attachment on the bus, both ways (256 KiB). */
  public static final int ATTACHMENT_CHUNK_BYTES = 256 * 1024;

  /**
   * {@code {user_id, chat_id, declared_size?}} -> {@code {upload_address, chunk_bytes, max_bytes}}:
   * starts an upload on one chat instance, which registers {@code upload_address} for the
   * upload's life. Chunks go there as Buffer bodies with the header {@link #ATTACHMENT_OFFSET}
   * (replied {@code {received}}), then {@code {op:"end", filename}} (replied with the
   * attachment object) or {@code {op:"abort"}}. An idle upload is dropped after a while.
   * Fails NOT_FOUND (not a participant), PAYLOAD_TOO_LARGE (declared_size over the limit).
   */
  public static final String CHAT_ATTACHMENT_BEGIN = "svc.chat.attachments.begin";
  /** Header of an upload chunk: its offset in the file, bytes, as a decimal string. */
  public static final String ATTACHMENT_OFFSET = "offset";
  /**
   * {@code {user_id, chat_id, attachment_id}} -> the attachment object (with its sha256, which
   * names the bytes for {@link #CHAT_ATTACHMENT_CHUNK}). Fails NOT_FOUND (also for a non-participant).
   */
  public static final String CHAT_ATTACHMENT_OPEN = "svc.chat.attachments.open";
  /**
   * {@code {sha256, index}} -> Buffer: chunk {@code index} (0-based, {@link #ATTACHMENT_CHUNK_BYTES}
   * each, the last one shorter) of the stored bytes. Any chat instance answers on PostgreSQL.
   * Fails NOT_FOUND.
   */
  public static final String CHAT_ATTACHMENT_CHUNK = "svc.chat.attachments.chunk";
  /** Prefix of the per-upload addresses a chat instance registers ({@link #CHAT_ATTACHMENT_BEGIN}). */
  public static final String ATTACHMENT_UPLOAD_PREFIX = "svc.chat.attachments.upload.";

  // ---- gateway -----------------------------------------------------------------------

  /**
   * Published by a gateway when a session ends (logout): {@code {session_ref}}, an opaque hash
   * of the session id. Every gateway closes the bridge sockets opened with that session.
   */
  public static final String GATEWAY_SESSION_ENDED = "gateway.sessions.ended";

  // ---- chat service: between its own instances (issue 12, scale-out) ------------------
  //
  // With CHAT_STORE=postgresql any number of chat instances run at once; each names itself
  // with a random {@code instance} id per start. These are published to every instance.

  /**
   * Published by an instance after it committed a change of a chat's participants (create, add,
   * remove, leave, admin delete): {@code {instance, chat_ids:[..]}}. Every other instance reads
   * those chats' participants and users again from the database (the authority).
   */
  public static final String CHAT_INTERNAL_CHANGES = "svc.chat.internal.changes";
  /**
   * Published by each ready instance every third of CHAT_INSTANCE_LIVENESS_MS:
   * {@code {instance, leaving?}}; an instance unheard of for that long is dead. {@code leaving}
   * says it is stopping (it drops out at once).
   */
  public static final String CHAT_INTERNAL_INSTANCES = "svc.chat.internal.instances";
  /**
   * A starting instance asks any ready one: {@code {instance}} -> {@code {instances:[id..],
   * gateways:[{gateway, users:[..]}..]}}, the live instances and the presence sets it holds.
   * No handler: it is the first.
   */
  public static final String CHAT_INTERNAL_HELLO = "svc.chat.internal.hello";

  /**
   * The private address of one gateway's presence ({@code gateway} id from its reports):
   * {@code {}} -> {@code {users:[user_id..]}}, the whole set it reports. A chat instance whose
   * set differs from a heartbeat's count and sum asks here.
   */
  public static String gatewayPresence(String gatewayId) {
    return "gateway.presence." + gatewayId;
  }

  // ---- public bridge addresses -------------------------------------------------------

  /** An id as it may appear in a public address: the code base's one id rule. */
  private static final String ID = Ids.PATTERN;
  private static final String PREFIX = "chat.";
  private static final String USER_PREFIX = "user.";
  private static final String SEND_SUFFIX = ".send";
  private static final String TYPING_SUFFIX = ".typing";
  /** Outbound: events of one chat. */
  public static final String CHAT_EVENTS_REGEX = "chat\\." + ID;
  /** Outbound: events for one user only (its own sockets may register there). */
  public static final String USER_EVENTS_REGEX = "user\\." + ID;
  /** Inbound: sends into one chat. */
  public static final String CHAT_SEND_REGEX = "chat\\." + ID + "\\.send";
  /** Inbound: typing notices in one chat (passed on live as {@code typing} events, never stored). */
  public static final String CHAT_TYPING_REGEX = "chat\\." + ID + "\\.typing";

  /** The address a chat's events are published on. */
  public static String chatEvents(long chatId) {
    return PREFIX + chatId;
  }

  /**
   * The private address of one user: {@code chat_added}, {@code chat_removed}, {@code unread} (see
   * {@link Events}); only that user's own bridge sockets may register on it, nobody may send
   * or publish there through the bridge.
   */
  public static String userEvents(long userId) {
    return USER_PREFIX + userId;
  }

  /** The address bridge clients send a chat's messages to. */
  public static String chatSend(long chatId) {
    return PREFIX + chatId + SEND_SUFFIX;
  }

  /**
   * The address bridge clients send {@code {}} to while typing in a chat; the gateway passes it
   * on as a {@code typing} event on {@link #chatEvents} (see {@link Events#TYPING}).
   */
  public static String chatTyping(long chatId) {
    return PREFIX + chatId + TYPING_SUFFIX;
  }

  /** The chat id of a well-formed {@code chat.{id}} address, or empty. */
  public static OptionalLong parseChatEvents(String address) {
    if (address == null || !address.startsWith(PREFIX)) {
      return OptionalLong.empty();
    }
    return id(address, PREFIX.length(), address.length());
  }

  /** The user id of a well-formed {@code user.{id}} address, or empty. */
  public static OptionalLong parseUserEvents(String address) {
    if (address == null || !address.startsWith(USER_PREFIX)) {
      return OptionalLong.empty();
    }
    return id(address, USER_PREFIX.length(), address.length());
  }

  /** The chat id of a well-formed {@code chat.{id}.send} address, or empty. */
  public static OptionalLong parseChatSend(String address) {
    if (address == null || !address.startsWith(PREFIX) || !address.endsWith(SEND_SUFFIX)) {
      return OptionalLong.empty();
    }
    return id(address, PREFIX.length(), address.length() - SEND_SUFFIX.length());
  }

  /** The chat id of a well-formed {@code chat.{id}.typing} address, or empty. */
  public static OptionalLong parseChatTyping(String address) {
    if (address == null || !address.startsWith(PREFIX) || !address.endsWith(TYPING_SUFFIX)) {
      return OptionalLong.empty();
    }
    return id(address, PREFIX.length(), address.length() - TYPING_SUFFIX.length());
  }

  /** The id spelled by {@code address[from, to)} when it matches {@link #ID} exactly, or empty. */
  private static OptionalLong id(String address, int from, int to) {
    return Ids.parse(address, from, to);
  }
}
