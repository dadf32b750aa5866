package chat.browser;

import chat.testing.TestClient;
import chat.testing.TestStack;

import static chat.browser.ChatPageTest.contents;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
 * The chat page's search (search.js) in headless Chromium against the real gateway: the box
 * finds messages of my chats only, whatever the case and accents, shows chat, sender and a
 * plain-text snippet, and a click opens the chat at that message, loading older history until
 * it is there, scrolled into view and highlighted.
 */
class SearchPageTest {

  private static final By BOX = By.cssSelector("#search-form input[name=q]");
  private static final By RESULTS = By.cssSelector("#search-results .search-result");

  @TempDir
  static Path dataDir;
  static TestStack stack;
  static Browser browser;

  @BeforeAll
  static void start() throws Exception {
    BrowserTests.requireChromium();
    stack = TestStack.deploy(dataDir);
    browser = Browser.open(stack.baseUrl());
  }

  @AfterAll
  static void stop() {
    BrowserTests.closeQuietly(browser, stack);
  }

  @Test
  void aResultOpensItsChatAtTheMessageHighlightedWithOlderHistoryLoaded() {
    TestClient lea = stack.client().signUp("sp_lea", "student");
    TestClient max = stack.client().signUp("sp_max", "student");
    TestClient zoe = stack.client().signUp("sp_zoe", "student");
    long chatId = lea.createChat("Search jump", max.id());
    long needle = max.sendMessage(chatId, "the Néedle <b>is</b> here").getLong("id");
    for (int i = 0; i < 130; i++) {
      lea.sendMessage(chatId, "filler " + i);
    }
    long other = zoe.createChat("Not lea's", max.id());
    max.sendMessage(other, "needle elsewhere");

    browser.login(lea.username(), TestClient.PASSWORD);
    browser.type(BOX, "NEEDLE" + Keys.ENTER);
    browser.until(d -> browser.findAll(RESULTS).size() == 1
      && browser.find(By.id("search-status")).getText().equals("1 message"));
    WebElement result = browser.find(RESULTS);
    assertEquals(Long.toString(needle), result.getAttribute("data-message-id"));
    assertEquals("the Néedle <b>is</b> here", result.findElement(By.className("snippet")).getAttribute("textContent"));
    String meta = result.findElement(By.className("search-meta")).getText();
    assertTrue(meta.startsWith("Search jump · " + max.username() + " · "), meta);

    result.click();
    By found = By.cssSelector("#message-list .msg.found");
    browser.visible(found);
    WebElement node = browser.find(found);
    assertEquals(Long.toString(needle), node.getAttribute("data-id"));
    assertEquals("the Néedle <b>is</b> here", node.findElement(By.className("content")).getAttribute("textContent"));
    assertEquals(Boolean.TRUE, browser.js("const box = document.getElementById('messages').getBoundingClientRect();"
      + "const r = arguments[0].getBoundingClientRect(); return r.top >= box.top && r.bottom <= box.bottom;", node),
      "the message is scrolled into view");
    List<String> shown = contents(browser);
    assertEquals(131, shown.size(), "the history down to the message was loaded");
    assertEquals("filler 129", shown.get(shown.size() - 1));
    assertEquals(1, browser.findAll(found).size());

    // A query with nothing to search for says so, and the results can be closed.
    browser.type(BOX, "!!!" + Keys.ENTER);
    browser.until(d -> browser.find(By.id("search-status")).getText().startsWith("Cannot search that: "));
    browser.click(By.id("search-close"));
    browser.gone(By.id("search-panel"));
  }
}
