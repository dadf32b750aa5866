package chat.gateway;

import chat.shared.Addresses;
import java.util.OptionalLong;

/**
 * Who may register or send where through the bridge: a pure function of the socket's user and
 * the address the frame names, built from the {@link Addresses} of the contract. Everything
 * not admitted here is refused with {@code access_denied}; {@code publish} is never admitted.
 *
 * <ul>
 *   <li>{@code register} on {@code chat.{id}}: a logged-in user, if a participant of the chat
 *       (asked of the chat service: {@link Verdict#IF_MEMBER});</li>
 *   <li>{@code register} on {@code user.{id}}: the user whose id it is, and nobody else;</li>
 *   <li>{@code send} to {@code chat.{id}.send} (a message) or {@code chat.{id}.typing} (a typing
 *       notice, {@link Decision#typing}): a logged-in participant; {@code user.{id}},
 *       {@code chat.{id}} and every internal address (service, gateway, reply) never.</li>
 * </ul>
 *
 * An id is a positive integer without a leading zero, in ASCII digits, of at most 18 of them.
 */
final class BridgePolicy {

  /** No public address is longer; longer ones are refused before they are parsed. */
  static final int MAX_ADDRESS_LENGTH = 64;

  enum Verdict {
    /** Refused: {@code access_denied}. */
    DENY,
    /** Allowed as it is. */
    ALLOW,
    /** Allowed if the user is a participant of {@link Decision#chatId}. */
    IF_MEMBER
  }

  /**
   * What to do with a frame; {@code chatId} is set for {@link Verdict#IF_MEMBER}, and
   * {@code typing} tells a send to {@code chat.{id}.typing} from one to {@code chat.{id}.send}.
   */
  record Decision(Verdict verdict, long chatId, boolean typing) {
    static final Decision DENIED = new Decision(Verdict.DENY, 0);
    static final Decision ALLOWED = new Decision(Verdict.ALLOW, 0);

    Decision(Verdict verdict, long chatId) {
      this(verdict, chatId, false);
    }

    static Decision ifMember(long chatId) {
      return new Decision(Verdict.IF_MEMBER, chatId);
    }

    static Decision typingIfMember(long chatId) {
      return new Decision(Verdict.IF_MEMBER, chatId, true);
    }
  }

  private BridgePolicy() {
  }

  /** A {@code register} by a socket of this user (null: no logged-in user). */
  static Decision register(Long userId, String address) {
    if (userId == null || !plausible(address)) {
      return Decision.DENIED;
    }
    OptionalLong chat = Addresses.parseChatEvents(address);
    if (chat.isPresent()) {
      return Decision.ifMember(chat.getAsLong());
    }
    OptionalLong user = Addresses.parseUserEvents(address);
    if (user.isPresent() && user.getAsLong() == userId) {
      return Decision.ALLOWED;
    }
    return Decision.DENIED;
  }

  /** A {@code send} by a socket of this user (null: no logged-in user). */
  static Decision send(Long userId, String address) {
    if (userId == null || !plausible(address)) {
      return Decision.DENIED;
    }
    OptionalLong chat = Addresses.parseChatSend(address);
    if (chat.isPresent()) {
      return Decision.ifMember(chat.getAsLong());
    }
    OptionalLong typing = Addresses.parseChatTyping(address);
    return typing.isPresent() ? Decision.typingIfMember(typing.getAsLong()) : Decision.DENIED;
  }

  /** A {@code publish}: never, on any address (answered {@code rejected}). */
  static Decision publish(Long userId, String address) {
    return Decision.DENIED;
  }

  /**
   * Whether an {@code unregister} names an address a socket can hold a registration on
   * ({@code chat.{id}} or {@code user.{id}}); any other is refused with {@code access_denied}.
   */
  static boolean mayUnregister(String address) {
    return plausible(address)
      && (Addresses.parseChatEvents(address).isPresent() || Addresses.parseUserEvents(address).isPresent());
  }

  private static boolean plausible(String address) {
    return address != null && address.length() <= MAX_ADDRESS_LENGTH;
  }
}
