package chat.gateway;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import chat.gateway.BridgePolicy.Decision;
import chat.gateway.BridgePolicy.Verdict;
import chat.shared.Addresses;
import java.util.List;
import java.util.OptionalLong;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/** Who may register, send or publish where through the bridge: every address edge case, as a table. */
class BridgePolicyTest {

  private static final long ME = 7;
  private static final long OTHER = 8;

  private record Row(String address, Decision register, Decision send) {
  }

  private static Decision member(long chatId) {
    return new Decision(Verdict.IF_MEMBER, chatId);
  }

  private static Decision typing(long chatId) {
    return new Decision(Verdict.IF_MEMBER, chatId, true);
  }

  private static final Decision DENY = Decision.DENIED;
  private static final Decision ALLOW = Decision.ALLOWED;

  /** For a logged-in user {@value #ME}: what a register and a send on each address get. */
  private static final List<Row> TABLE = List.of(
    new Row("chat.1", member(1), DENY),
    new Row("chat.1.send", DENY, member(1)),
    new Row("chat.123456789012345678", member(123456789012345678L), DENY),
    new Row("chat.123456789012345678.send", DENY, member(123456789012345678L)),
    // typing notices: exactly chat.{id}.typing, with the same id rule
    new Row("chat.1.typing", DENY, typing(1)),
    new Row("chat.123456789012345678.typing", DENY, typing(123456789012345678L)),
    new Row("chat.1234567890123456789.typing", DENY, DENY),
    new Row("chat.01.typing", DENY, DENY),
    new Row("chat.0.typing", DENY, DENY),
    new Row("chat.-1.typing", DENY, DENY),
    new Row("chat..typing", DENY, DENY),
    new Row("chat.typing", DENY, DENY),
    new Row("chat.1.typing.x", DENY, DENY),
    new Row("chat.1.typingx", DENY, DENY),
    new Row("chat.1.Typing", DENY, DENY),
    new Row("chat.1.TYPING", DENY, DENY),
    new Row("chat.1.typing ", DENY, DENY),
    new Row("chat.1.typing\n", DENY, DENY),
    new Row("chat.1\n.typing", DENY, DENY),
    new Row("chat.1.send.typing", DENY, DENY),
    new Row("chat.1.typing.send", DENY, DENY),
    new Row("chat.1..typing", DENY, DENY),
    new Row("chat.1a.typing", DENY, DENY),
    new Row("chat.\uFF11.typing", DENY, DENY),
    new Row("chatX1.typing", DENY, DENY),
    new Row("user." + ME + ".typing", DENY, DENY),
    new Row("chat.1.typing" + " ".repeat(195), DENY, DENY),
    new Row("user." + ME, ALLOW, DENY),
    new Row("user." + ME + ".send", DENY, DENY),
    new Row("user." + OTHER, DENY, DENY),
    new Row("user.0" + ME, DENY, DENY),
    new Row("user.", DENY, DENY),
    new Row("chat.1.x", DENY, DENY),
    new Row("chat.1.send.x", DENY, DENY),
    new Row("chat.01", DENY, DENY),
    new Row("chat.01.send", DENY, DENY),
    new Row("chat.0", DENY, DENY),
    new Row("chat.-1", DENY, DENY),
    new Row("chat.+1", DENY, DENY),
    new Row("chat.1a", DENY, DENY),
    new Row("chatX1", DENY, DENY),
    new Row("chatX1.send", DENY, DENY),
    new Row(" chat.1", DENY, DENY),
    new Row("chat.1 ", DENY, DENY),
    new Row("chat.1\n", DENY, DENY),
    new Row("chat.1\n.send", DENY, DENY),
    new Row("CHAT.1", DENY, DENY),
    new Row("chat.", DENY, DENY),
    new Row("chat..send", DENY, DENY),
    new Row("", DENY, DENY),
    // unicode digits: Arabic-Indic one, fullwidth one, Devanagari one
    new Row("chat.\u0661", DENY, DENY),
    new Row("chat.\uFF11", DENY, DENY),
    new Row("chat.\u0967.send", DENY, DENY),
    new Row("user.\u0967", DENY, DENY),
    // 19 digits do not fit the contract's id
    new Row("chat.1234567890123456789", DENY, DENY),
    new Row("chat." + "9".repeat(195), DENY, DENY),
    new Row("chat." + "1".repeat(196), DENY, DENY),
    new Row("x".repeat(201), DENY, DENY),
    new Row("chat.1" + " ".repeat(195), DENY, DENY),
    // internal addresses, and reply addresses that are not this socket's own
    new Row("__vertx.reply.1", DENY, DENY),
    new Row("__vertx.reply.chat.1", DENY, DENY),
    new Row("svc.chat.messages.send", DENY, DENY),
    new Row("svc.auth.login", DENY, DENY),
    new Row(Addresses.AUTH_USER_EVENTS, DENY, DENY),
    new Row(Addresses.GATEWAY_SESSION_ENDED, DENY, DENY),
    new Row("*", DENY, DENY),
    new Row("chat.*", DENY, DENY),
    new Row("chat\\.1", DENY, DENY));

  @Test
  void registerAndSendFollowTheTable() {
    assertAll(TABLE.stream().flatMap(row -> Stream.<Executable>of(
      () -> assertEquals(row.register(), BridgePolicy.register(ME, row.address()), "register " + printable(row.address())),
      () -> assertEquals(row.send(), BridgePolicy.send(ME, row.address()), "send " + printable(row.address())))));
  }

  @Test
  void nothingIsAllowedWithoutALoggedInUser() {
    assertAll(Stream.concat(TABLE.stream().map(Row::address), Stream.of((String) null)).flatMap(address -> Stream.<Executable>of(
      () -> assertEquals(DENY, BridgePolicy.register(null, address), "register " + printable(address)),
      () -> assertEquals(DENY, BridgePolicy.send(null, address), "send " + printable(address)))));
  }

  @Test
  void nullAddressIsRefused() {
    assertEquals(DENY, BridgePolicy.register(ME, null));
    assertEquals(DENY, BridgePolicy.send(ME, null));
    assertFalse(BridgePolicy.mayUnregister(null));
  }

  @Test
  void publishIsNeverAllowed() {
    assertAll(TABLE.stream().map(Row::address).map(address -> () ->
      assertEquals(DENY, BridgePolicy.publish(ME, address), "publish " + printable(address))));
  }

  @Test
  void onlyEventAddressesCanBeUnregistered() {
    assertTrue(BridgePolicy.mayUnregister("chat.1"));
    assertTrue(BridgePolicy.mayUnregister("user." + OTHER), "unregistering holds nothing to protect");
    assertAll(Stream.of("chat.1.send", "chat.1.typing", "chat.01", "chatX1", " chat.1", "chat.1\n", "chat.\u0661", "x".repeat(201),
      "__vertx.reply.1", "svc.chat.membership").map(address -> () ->
      assertFalse(BridgePolicy.mayUnregister(address), printable(address))));
  }

  @Test
  void userAddressesRoundTrip() {
    assertEquals("user.42", Addresses.userEvents(42));
    assertEquals(OptionalLong.of(42), Addresses.parseUserEvents(Addresses.userEvents(42)));
    assertEquals(OptionalLong.empty(), Addresses.parseUserEvents("chat.42"));
    assertTrue(Addresses.userEvents(42).matches(Addresses.USER_EVENTS_REGEX));
    assertFalse("user.042".matches(Addresses.USER_EVENTS_REGEX));
  }

  @Test
  void typingAddressesRoundTrip() {
    assertEquals("chat.42.typing", Addresses.chatTyping(42));
    assertEquals(OptionalLong.of(42), Addresses.parseChatTyping(Addresses.chatTyping(42)));
    assertEquals(OptionalLong.empty(), Addresses.parseChatTyping("chat.42"));
    assertEquals(OptionalLong.empty(), Addresses.parseChatTyping("chat.42.send"));
    assertEquals(OptionalLong.empty(), Addresses.parseChatEvents(Addresses.chatTyping(42)));
    assertEquals(OptionalLong.empty(), Addresses.parseChatSend(Addresses.chatTyping(42)));
    assertTrue(Addresses.chatTyping(42).matches(Addresses.CHAT_TYPING_REGEX));
    assertFalse("chat.042.typing".matches(Addresses.CHAT_TYPING_REGEX));
    assertFalse("chat.42.send".matches(Addresses.CHAT_TYPING_REGEX));
  }

  private static String printable(String address) {
    return address == null ? "null" : address.length() > 40 ? address.substring(0, 20) + "...(" + address.length() + ")"
      : address.replace("\n", "\\n");
  }
}
