package chat.browser;

import chat.testing.TestStack;
import chat.testing.TestClient;

import static chat.browser.ChatPageTest.contents;
import static chat.browser.ChatPageTest.openChat;
import static chat.browser.ChatPageTest.say;
import static chat.browser.ChatPageTest.waitForMessage;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WindowType;

/**
 * The chat page's conversation state (issue 11) in two headless browsers against the real
 * gateway: chats appearing and going at once (user.{id}), unread badges across two windows of
 * one user, receipts, edits, deletes, reactions, renames, and message length in code points.
 */
class ConversationPageTest {

  /** U+1F600, one code point, two UTF-16 units. */
  private static final String GRIN = "\uD83D\uDE00";
  private static final String THUMBS_UP = "\uD83D\uDC4D";

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
  void chatIAmAddedToAppearsAtOnceAndGoesWhenIAmRemoved() {
    TestClient hana = stack.client().signUp("hana", "student");
    TestClient ivan = stack.client().signUp("ivan", "student");
    first.login(ivan.username(), TestClient.PASSWORD);
    long marker = hana.createChat("Marker", ivan.id());
    first.visible(chatItem(marker));

    long chatId = hana.createChat("Added later");
    hana.addParticipant(chatId, ivan.id());
    first.visible(chatItem(chatId));
    assertTrue(first.find(chatItem(chatId)).getText().contains("Added later"));

    hana.removeParticipant(chatId, ivan.id());
    first.gone(chatItem(chatId));
    first.visible(chatItem(marker));
  }

  @Test
  void unreadBadgesFollowTheReadMarkerInEveryWindowOfTheUser() {
    TestClient jan = stack.client().signUp("jan", "student");
    TestClient kim = stack.client().signUp("kim", "student");
    long chatId = kim.createChat("Badges", jan.id());
    kim.sendMessage(chatId, "one");

    first.login(jan.username(), TestClient.PASSWORD);
    String window1 = first.driver.getWindowHandle();
    first.until(d -> "1".equals(badge(first, chatId)));
    first.driver.switchTo().newWindow(WindowType.WINDOW);
    String window2 = first.driver.getWindowHandle();
    try {
      first.get("/");
      first.visible(By.id("app"));
      first.waitConnected();
      first.until(d -> "1".equals(badge(first, chatId)));

      kim.sendMessage(chatId, "two");
      first.until(d -> "2".equals(badge(first, chatId)));
      first.driver.switchTo().window(window1);
      first.until(d -> "2".equals(badge(first, chatId)));

      // Reading in the first window clears the badge in the second (unread on user.{jan}).
      openChat(first, chatId);
      waitForMessage(first, "two");
      first.driver.switchTo().window(window2);
      first.until(d -> "".equals(badge(first, chatId)));
      assertEquals(0, jan.chat(chatId).getInteger("unread_count"));
    } finally {
      first.driver.switchTo().window(window2).close();
      first.driver.switchTo().window(window1);
    }
  }

  @Test
  void seenByShowsWhoReadUpToWhere() {
    TestClient lea = stack.client().signUp("lea", "student");
    TestClient max = stack.client().signUp("max", "student");
    long chatId = lea.createChat("Receipts", max.id());
    first.login(lea.username(), TestClient.PASSWORD);
    second.login(max.username(), TestClient.PASSWORD);
    openChat(first, chatId);
    say(first, "did you read this?");
    long id = lea.history(chatId).getJsonObject(0).getLong("id");
    assertTrue(first.findAll(By.cssSelector("#message-list .seen-by")).isEmpty(), "nobody has read it yet");

    // Max opens the chat: his marker moves and Lea's page says so live (read on chat.{id}).
    openChat(second, chatId);
    waitForMessage(second, "did you read this?");
    By seen = By.cssSelector("#message-list .msg[data-id='" + id + "'] .seen-by");
    first.until(d -> first.find(seen).getText().contains(max.username()));

    // And from GET /reads after a reload.
    first.driver.navigate().refresh();
    first.visible(By.id("app"));
    first.until(d -> first.find(seen).getText().equals("Seen by " + max.username()));
  }

  @Test
  void editDeleteAndReactionsShowLiveOnBothPages() {
    TestClient nia = stack.client().signUp("nia", "student");
    TestClient oto = stack.client().signUp("oto", "student");
    long chatId = nia.createChat("Changes", oto.id());
    first.login(nia.username(), TestClient.PASSWORD);
    second.login(oto.username(), TestClient.PASSWORD);
    openChat(first, chatId);
    openChat(second, chatId);
    say(first, "teh first draft");
    waitForMessage(second, "teh first draft");
    long id = nia.history(chatId).getJsonObject(0).getLong("id");
    By mine = message(id);

    // Only the sender may edit; oto is neither sender nor creator: no Delete either.
    assertTrue(second.find(mine).findElements(By.cssSelector("[data-action=edit], [data-action=delete]")).isEmpty());

    first.click(By.cssSelector("#message-list .msg[data-id='" + id + "'] [data-action=edit]"));
    first.type(By.cssSelector("#message-list .msg[data-id='" + id + "'] textarea"), "the first draft");
    first.click(By.cssSelector("#message-list .msg[data-id='" + id + "'] [data-action=save]"));
    for (Browser b : List.of(first, second)) {
      b.until(d -> contents(b).equals(List.of("the first draft")));
      b.visible(By.cssSelector("#message-list .msg[data-id='" + id + "'] .edited"));
    }

    // Oto reacts from the palette; Nia adds the same one by clicking it; Oto takes his back.
    second.click(By.cssSelector("#message-list .msg[data-id='" + id + "'] [data-action=react]"));
    second.click(By.cssSelector("#message-list .msg[data-id='" + id + "'] .palette [data-emoji='" + THUMBS_UP + "']"));
    By reaction = By.cssSelector("#message-list .msg[data-id='" + id + "'] .reaction[data-emoji='" + THUMBS_UP + "']");
    for (Browser b : List.of(first, second)) {
      b.until(d -> "1".equals(b.find(reaction).getAttribute("data-count")));
    }
    first.click(reaction);
    for (Browser b : List.of(first, second)) {
      b.until(d -> "2".equals(b.find(reaction).getAttribute("data-count")));
    }
    assertEquals("true", first.find(reaction).getAttribute("aria-pressed"));
    second.click(reaction);
    for (Browser b : List.of(first, second)) {
      b.until(d -> "1".equals(b.find(reaction).getAttribute("data-count")));
    }
    assertEquals("false", second.find(reaction).getAttribute("aria-pressed"));
    assertEquals("true", first.find(reaction).getAttribute("aria-pressed"));

    // Nia deletes it: it goes from both pages.
    say(first, "a marker after it");
    first.click(By.cssSelector("#message-list .msg[data-id='" + id + "'] [data-action=delete]"));
    first.click(By.cssSelector("#message-list .msg[data-id='" + id + "'] [data-action=confirm-delete]"));
    for (Browser b : List.of(first, second)) {
      b.until(d -> contents(b).equals(List.of("a marker after it")));
    }
  }

  @Test
  void theCreatorRenamesTheChatForEveryone() {
    TestClient pia = stack.client().signUp("pia", "student");
    TestClient rob = stack.client().signUp("rob", "student");
    long chatId = pia.createChat("Old name", rob.id());
    first.login(pia.username(), TestClient.PASSWORD);
    second.login(rob.username(), TestClient.PASSWORD);
    openChat(first, chatId);
    openChat(second, chatId);
    assertFalse(second.find(By.id("rename")).isDisplayed(), "only the creator and owners may rename");

    first.click(By.id("rename"));
    first.type(By.cssSelector("#rename-form input[name=name]"), "New name");
    first.click(By.cssSelector("#rename-form button[type=submit]"));
    for (Browser b : List.of(first, second)) {
      b.until(d -> "New name".equals(b.find(By.id("chat-title")).getText()));
      b.until(d -> b.find(chatItem(chatId)).getText().contains("New name"));
    }
  }

  @Test
  void lengthIsCountedInCodePointsAsTheServerDoes() {
    TestClient sam = stack.client().signUp("sam", "student");
    long chatId = sam.createChat("Emoji");
    first.login(sam.username(), TestClient.PASSWORD);
    openChat(first, chatId);

    // 4,001 emoji are 8,002 UTF-16 units but 4,001 code points: within the 8,000 allowed.
    // (chromedriver types only the Basic Multilingual Plane, so the text is put in as a paste would.)
    fill(first, GRIN.repeat(4001));
    first.until(d -> "4001 / 8000".equals(first.find(By.id("send-counter")).getText()));
    first.find(By.cssSelector("#send-form textarea")).sendKeys(Keys.ENTER);
    first.until(d -> contents(first).size() == 1);
    assertEquals(GRIN.repeat(4001), contents(first).get(0));
    assertEquals(GRIN.repeat(4001), sam.history(chatId).getJsonObject(0).getString("content"));

    // 8,001 code points: refused on the page, nothing sent.
    fill(first, "x" + GRIN.repeat(8000));
    first.until(d -> first.find(By.id("send-counter")).getAttribute("class").contains("over"));
    first.find(By.cssSelector("#send-form textarea")).sendKeys(Keys.ENTER);
    first.visible(By.cssSelector("#error .error-message"));
    assertEquals(8001 * 2 - 1, ((Number) first.js("return document.querySelector('#send-form textarea').value.length")).intValue(),
      "the refused text stays in the box");
    fill(first, "");
    say(first, "marker");
    assertEquals(List.of(GRIN.repeat(4001), "marker"), contents(first));
  }

  // ---- helpers -------------------------------------------------------------------------

  static By chatItem(long chatId) {
    return By.cssSelector(".chat-item[data-chat-id='" + chatId + "']");
  }

  static By message(long id) {
    return By.cssSelector("#message-list .msg[data-id='" + id + "']");
  }

  /** The chat's unread badge in the list, "" when it has none. */
  static String badge(Browser b, long chatId) {
    return String.valueOf(b.js("const x = document.querySelector(\".chat-item[data-chat-id='" + chatId + "'] .badge\");"
      + "return x ? x.textContent : '';"));
  }

  /** Puts text in the message box as a paste does (the input event included). */
  static void fill(Browser b, String text) {
    b.js("const box = document.querySelector('#send-form textarea'); box.focus(); box.value = arguments[0];"
      + "box.dispatchEvent(new Event('input', { bubbles: true }));", text);
  }
}
