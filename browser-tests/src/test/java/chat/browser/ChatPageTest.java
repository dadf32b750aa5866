package chat.browser;

import chat.testing.TestStack;
import chat.testing.TestClient;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;

/** The chat page at / in two headless browsers against the real gateway. */
class ChatPageTest {

  private static final By MESSAGES = By.cssSelector("#message-list .msg");

  @TempDir
  static Path dataDir;
  static TestStack stack;
  /** The first browser reaches the gateway through it, so a test can cut its network. */
  static CuttableProxy network;
  static Browser first;
  static Browser second;

  @BeforeAll
  static void start() throws Exception {
    BrowserTests.requireChromium();
    stack = TestStack.deploy(dataDir);
    network = CuttableProxy.start(stack.vertx, stack.port);
    first = Browser.open(network.baseUrl());
    second = Browser.open(stack.baseUrl());
  }

  @AfterAll
  static void stop() {
    BrowserTests.closeQuietly(first, second, network, stack);
  }

  @Test
  void twoUsersChatInRealTime() throws Exception {
    // Fixed names (each test class has its own database) keep the screenshots stable.
    TestClient bob = stack.client().signUpAs("bob", "university_staff");

    // Alice signs up through the page's own form.
    String alice = "alice";
    first.loginFormFresh();
    first.type(By.cssSelector("#register-form input[name=username]"), alice);
    first.type(By.cssSelector("#register-form input[name=email]"), alice + "@example.org");
    first.type(By.cssSelector("#register-form input[name=password]"), TestClient.PASSWORD);
    first.click(By.cssSelector("#register-form button[type=submit]"));
    first.visible(By.id("app"));
    first.waitConnected();
    assertTrue(first.find(By.id("me")).getText().contains(alice));

    second.login(bob.username(), TestClient.PASSWORD);

    // Alice creates a chat and adds Bob by name.
    first.click(By.cssSelector("#new-chat summary"));
    first.type(By.cssSelector("#new-chat-form input[name=name]"), "Study group");
    first.type(By.cssSelector("#new-chat-picker input"), "bo");
    first.click(By.cssSelector("#new-chat-picker .picker-pick[data-username='" + bob.username() + "']"));
    first.visible(By.cssSelector("#new-chat-people .chip[data-user-id='" + bob.id() + "']"));
    first.click(By.cssSelector("#new-chat-form button[type=submit]"));
    first.until(d -> "Study group".equals(first.find(By.id("chat-title")).getText()));

    // Bob's page learns of the new chat without a reload (chat_added on user.{bob}).
    WebElement item = second.until(d -> d.findElements(By.cssSelector(".chat-item")).stream()
        .filter(e -> e.getText().contains("Study group")).findFirst().orElse(null));
    item.click();
    second.visible(By.id("chat-view"));

    say(first, "Hello Bob, are you there?");
    waitForMessage(second, "Hello Bob, are you there?");
    say(second, "Hi Alice! Yes, I read you in real time.");
    waitForMessage(first, "Hi Alice! Yes, I read you in real time.");
    say(first, "Great. Shall we meet at the library at 3?\nI'll bring the notes.");
    waitForMessage(second, "Great. Shall we meet at the library at 3?\nI'll bring the notes.");
    say(second, "See you there \u263A");
    waitForMessage(first, "See you there \u263A");

    for (Browser b : List.of(first, second)) {
      assertEquals(List.of("Hello Bob, are you there?", "Hi Alice! Yes, I read you in real time.",
          "Great. Shall we meet at the library at 3?\nI'll bring the notes.", "See you there \u263A"),
        contents(b), "each message once, in order");
    }
    // What was stored is what the pages show.
    long chatId = Long.parseLong(first.find(By.cssSelector("#chat-list li.active .chat-item")).getAttribute("data-chat-id"));
    assertEquals(4, bob.history(chatId).size());

    first.click(By.id("toggle-people"));
    first.visible(By.cssSelector("#participants li[data-user-id='" + bob.id() + "']"));
    first.screenshot(BrowserTests.screenshots(), "chat.png");
    first.click(By.id("toggle-people"));

    second.resize(375, 740);
    try {
      second.until(d -> second.find(By.id("chat-view")).isDisplayed() && !second.find(By.id("sidebar")).isDisplayed());
      second.screenshot(BrowserTests.screenshots(), "chat-mobile.png");
      // On a phone the back button leads to the chat list.
      second.click(By.id("back"));
      second.visible(By.id("chat-list"));
      assertFalse(second.find(By.id("chat-view")).isDisplayed());
    } finally {
      second.resize(1280, 800);
    }
  }

  @Test
  void htmlInMessagesAndNamesRendersAsTextAndRunsNothing() {
    TestClient carol = stack.client().signUp("carol", "student");
    TestClient dave = stack.client().signUp("dave", "student");
    String chatName = "<img src=x onerror=\"window.__pwned=1\">Lab <b>notes</b>";
    long chatId = carol.createChat(chatName, dave.id());

    first.login(carol.username(), TestClient.PASSWORD);
    second.login(dave.username(), TestClient.PASSWORD);
    openChat(first, chatId);
    openChat(second, chatId);
    assertEquals(chatName, first.find(By.id("chat-title")).getText());

    String script = "<script>window.__pwned=1</script>";
    String img = "<img src=x onerror=\"window.__pwned=1\">";
    say(first, script);
    say(first, img);
    waitForMessage(second, img);

    for (Browser b : List.of(first, second)) {
      assertEquals(List.of(script, img), contents(b));
      assertEquals(0L, b.js("return document.querySelectorAll('#message-list img, #message-list script, #chat-list img, #chat-title img').length"));
      assertEquals("undefined", b.js("return typeof window.__pwned"), "injected code ran");
    }
  }

  @Test
  void reconnectShowsWhatChangedMeanwhileOnce() {
    TestClient erin = stack.client().signUp("erin", "student");
    TestClient frank = stack.client().signUp("frank", "student");
    long chatId = frank.createChat("Gap test", erin.id());

    first.login(erin.username(), TestClient.PASSWORD);
    openChat(first, chatId);
    frank.sendMessage(chatId, "before the cut");
    long edited = frank.sendMessage(chatId, "to be edited").getLong("id");
    long deleted = frank.sendMessage(chatId, "to be deleted").getLong("id");
    waitForMessage(first, "to be deleted");

    // Cut the network under the page (its socket included); it reconnects by itself once back.
    network.cut();
    try {
      first.until(d -> "reconnecting".equals(first.find(By.id("conn")).getAttribute("data-state")));
      frank.editMessage(chatId, edited, "edited while away");
      frank.deleteMessage(chatId, deleted);
      frank.sendMessage(chatId, "while away 1");
      frank.sendMessage(chatId, "while away 2");
      assertEquals(List.of("before the cut", "to be edited", "to be deleted"), contents(first),
        "nothing can arrive while the socket is down");
    } finally {
      network.restore();
    }

    // Back: the change feed after the seq the page had applied brings the edit, the delete and
    // the new messages, each once.
    first.waitConnected();
    List<String> expected = List.of("before the cut", "edited while away", "while away 1", "while away 2");
    first.until(d -> contents(first).equals(expected));
    assertTrue(first.find(By.cssSelector("#message-list .msg[data-id='" + edited + "'] .edited")).isDisplayed());
    frank.sendMessage(chatId, "after the reconnect");
    waitForMessage(first, "after the reconnect");
    assertEquals(List.of("before the cut", "edited while away", "while away 1", "while away 2", "after the reconnect"),
      contents(first));
  }

  @Test
  void anEventLostOnTheWayIsFetchedFromTheFeedWithoutReconnecting() {
    TestClient uma = stack.client().signUp("uma", "student");
    TestClient vic = stack.client().signUp("vic", "student");
    long chatId = vic.createChat("Lossy", uma.id());
    first.login(uma.username(), TestClient.PASSWORD);
    openChat(first, chatId);
    vic.sendMessage(chatId, "first");
    waitForMessage(first, "first");
    int sockets = network.webSocketsOpened();
    int dropped = network.dropped();

    // The message's frame is lost between the gateway and the browser: its seq never arrives.
    network.dropNextFrameContaining("lost on the way");
    vic.sendMessage(chatId, "lost on the way");
    first.until(d -> network.dropped() == dropped + 1);
    assertEquals(List.of("first"), contents(first));

    // The next event's seq skips one: the page asks the feed after the seq it applied.
    vic.sendMessage(chatId, "after the gap");
    first.until(d -> contents(first).equals(List.of("first", "lost on the way", "after the gap")));
    assertEquals(sockets, network.webSocketsOpened(), "no reconnect: the gap was filled from the feed");
    assertEquals("online", first.find(By.id("conn")).getAttribute("data-state"));
  }

  @Test
  void loadOlderPagesBackThroughHistory() {
    TestClient gina = stack.client().signUp("gina", "student");
    long chatId = gina.createChat("Long history");
    for (int i = 1; i <= 60; i++) {
      gina.sendMessage(chatId, "message " + i);
    }
    first.login(gina.username(), TestClient.PASSWORD);
    openChat(first, chatId);
    first.until(d -> contents(first).size() == 50);
    assertEquals("message 11", contents(first).get(0));
    first.click(By.id("load-older"));
    first.until(d -> contents(first).size() == 60);
    assertEquals("message 1", contents(first).get(0));
    assertEquals("message 60", contents(first).get(59));
    first.gone(By.id("load-older"));
  }

  @Test
  void apiErrorsAreShownFromTheJsonBody() {
    first.loginFormFresh();
    first.type(By.cssSelector("#register-form input[name=username]"), "x");
    first.type(By.cssSelector("#register-form input[name=email]"), "not-an-email");
    first.type(By.cssSelector("#register-form input[name=password]"), "short");
    first.click(By.cssSelector("#register-form button[type=submit]"));
    first.visible(By.cssSelector("#error[data-code=validation]"));
    for (String field : List.of("username", "email", "password")) {
      first.visible(By.cssSelector("#error .error-fields li[data-field=" + field + "]"));
    }

    first.type(By.cssSelector("#login-form input[name=username]"), "nobody_here");
    first.type(By.cssSelector("#login-form input[name=password]"), "wrong password");
    first.click(By.cssSelector("#login-form button[type=submit]"));
    first.visible(By.cssSelector("#error[data-code=unauthenticated]"));
    assertFalse(first.find(By.cssSelector("#error .error-message")).getText().isBlank());
  }

  // ---- helpers -------------------------------------------------------------------------

  static void openChat(Browser b, long chatId) {
    b.click(By.cssSelector(".chat-item[data-chat-id='" + chatId + "']"));
    b.visible(By.id("chat-view"));
    b.until(d -> b.find(By.cssSelector("#chat-list li.active .chat-item")).getAttribute("data-chat-id").equals(Long.toString(chatId)));
  }

  static void say(Browser b, String text) {
    WebElement box = b.visible(By.cssSelector("#send-form textarea"));
    // Shift+Enter is a new line in the box; Enter sends.
    String[] lines = text.split("\n", -1);
    for (int i = 0; i < lines.length; i++) {
      if (i > 0) {
        box.sendKeys(Keys.chord(Keys.SHIFT, Keys.ENTER));
      }
      box.sendKeys(lines[i]);
    }
    box.sendKeys(Keys.ENTER);
    waitForMessage(b, text);
  }

  static void waitForMessage(Browser b, String text) {
    b.until(d -> contents(b).contains(text));
  }

  @SuppressWarnings("unchecked")
  static List<String> contents(Browser b) {
    // textContent, not getText(): exactly what the page put in the node.
    return ((List<Object>) b.js("return Array.from(document.querySelectorAll('#message-list .msg .content'), e => e.textContent)"))
      .stream().map(String::valueOf).collect(Collectors.toList());
  }
}
