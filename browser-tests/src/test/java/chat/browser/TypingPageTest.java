package chat.browser;

import chat.testing.BridgeSocket;
import chat.testing.TestClient;
import chat.testing.TestStack;

import static chat.browser.ChatPageTest.contents;
import static chat.browser.ChatPageTest.openChat;
import static chat.browser.ChatPageTest.waitForMessage;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;

/**
 * The chat page's typing line (issue 13) in two headless browsers against the real gateway:
 * typing in the composer shows "X is typing…" to the chat's others (never to the typer), the
 * line names several typers, and goes 5 s after the last notice or when the typer's message
 * arrives.
 */
class TypingPageTest {

  private static final By LINE = By.id("typing");
  private static final By BOX = By.cssSelector("#send-form textarea");

  @TempDir
  static Path dataDir;
  static TestStack stack;
  static Browser first;
  static Browser second;

  @BeforeAll
  static void start() throws Exception {
    BrowserTests.requireChromium();
    stack = TestStack.deploy(dataDir);
    first = Browser.open(stack.baseUrl());
    second = Browser.open(stack.baseUrl());
  }

  @AfterAll
  static void stop() {
    BrowserTests.closeQuietly(first, second, stack);
  }

  @Test
  void othersSeeWhoIsTypingUntilFiveSecondsPassWithoutANotice() {
    TestClient lea = stack.client().signUp("lea", "student");
    TestClient max = stack.client().signUp("max", "student");
    TestClient ned = stack.client().signUp("ned", "student");
    long chatId = lea.createChat("Typing", max.id(), ned.id());
    first.login(lea.username(), TestClient.PASSWORD);
    second.login(max.username(), TestClient.PASSWORD);
    openChat(first, chatId);
    openChat(second, chatId);

    WebElement box = first.visible(BOX);
    box.sendKeys("I am wri");
    second.until(d -> line(second).equals(lea.username() + " is typing\u2026"));

    // A second typer (over the bridge, as another client would): both are named, in the order
    // they started; lea's own page names only ned.
    try (BridgeSocket nedWs = ned.bridge()) {
      box.sendKeys("ting");
      nedWs.write(new JsonObject().put("type", "send").put("address", "chat." + chatId + ".typing").put("body", new JsonObject()));
      second.until(d -> line(second).equals(lea.username() + " and " + ned.username() + " are typing\u2026"));
      first.until(d -> line(first).equals(ned.username() + " is typing\u2026"));
    }

    // Nobody types any more: the line goes by itself, and no message came.
    second.gone(LINE);
    first.gone(LINE);
    assertEquals("", first.find(LINE).getAttribute("textContent"));
    assertEquals(List.of(), contents(second));
  }

  @Test
  void theLineGoesWhenTheTypersMessageArrives() {
    TestClient ola = stack.client().signUp("ola", "student");
    TestClient pia = stack.client().signUp("pia", "student");
    long chatId = ola.createChat("Typing then sending", pia.id());
    first.login(ola.username(), TestClient.PASSWORD);
    second.login(pia.username(), TestClient.PASSWORD);
    openChat(first, chatId);
    openChat(second, chatId);

    WebElement box = first.visible(BOX);
    box.sendKeys("hello the");
    second.until(d -> line(second).equals(ola.username() + " is typing\u2026"));
    // Records whether the line was hidden in the same DOM change that added the message (its
    // 5 s timer would hide it in a task of its own).
    second.js("const text = arguments[0];"
      + "const line = document.getElementById('typing');"
      + "window.typingGoneWithMessage = null;"
      + "new MutationObserver(records => {"
      + "  const hidden = records.some(r => r.type === 'attributes' && r.target === line && line.hidden);"
      + "  const added = records.some(r => r.type === 'childList' && Array.from(r.addedNodes).some(n =>"
      + "    n.querySelector && n.querySelector('.content') && n.querySelector('.content').textContent === text));"
      + "  if (hidden && window.typingGoneWithMessage === null) { window.typingGoneWithMessage = added; }"
      + "}).observe(document.getElementById('chat-view'), { attributes: true, attributeFilter: ['hidden'], childList: true, subtree: true });",
      "hello there");
    box.sendKeys("re" + Keys.ENTER);
    waitForMessage(second, "hello there");
    second.until(d -> second.js("return window.typingGoneWithMessage") != null);
    assertEquals(Boolean.TRUE, second.js("return window.typingGoneWithMessage"), "hidden as the message came");
    assertFalse(second.find(LINE).isDisplayed());
  }

  @Test
  void onlineDotsFollowPresenceInTheChatListAndThePeoplePanel() {
    TestClient rut = stack.client().signUp("rut", "student");
    TestClient sam = stack.client().signUp("sam", "student");
    long chatId = rut.createChat("Who is here", sam.id());
    second.loginFormFresh(); // nobody of a previous test stays logged in there
    first.login(rut.username(), TestClient.PASSWORD);
    openChat(first, chatId);
    first.click(By.id("toggle-people"));
    By listDot = By.cssSelector(".chat-item[data-chat-id='" + chatId + "'] .person[data-user-id='" + sam.id() + "'] .presence");
    By peopleDot = By.cssSelector("#participants li[data-user-id='" + sam.id() + "'] .presence");
    By myDot = By.cssSelector("#participants li[data-user-id='" + rut.id() + "'] .presence");
    first.until(d -> "true".equals(first.find(myDot).getAttribute("data-online")));
    assertEquals("false", first.find(listDot).getAttribute("data-online"), "sam has no socket");
    assertEquals("false", first.find(peopleDot).getAttribute("data-online"));

    second.login(sam.username(), TestClient.PASSWORD);
    first.until(d -> "true".equals(first.find(listDot).getAttribute("data-online"))
      && "true".equals(first.find(peopleDot).getAttribute("data-online")));
    assertEquals("online", first.find(peopleDot).getAttribute("aria-label"));

    // Sam's page goes (logged out: the server closes its socket); after the grace, offline.
    second.click(By.id("logout"));
    first.until(d -> "false".equals(first.find(listDot).getAttribute("data-online"))
      && "false".equals(first.find(peopleDot).getAttribute("data-online")));
  }

  /** The typing line's text when it is shown, else "". */
  private static String line(Browser b) {
    WebElement line = b.find(LINE);
    return line.isDisplayed() ? line.getText() : "";
  }
}
