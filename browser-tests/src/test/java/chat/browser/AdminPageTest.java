package chat.browser;

import chat.testing.TestStack;
import chat.testing.TestClient;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;

/**
 * The owner's admin page at /admin, with a participant's chat page open in a second browser to
 * see the effects arrive, and what a student gets from the admin API and page.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class AdminPageTest {

  @TempDir
  static Path dataDir;
  static TestStack stack;
  /** The owner's browser. */
  static Browser admin;
  /** A participant's (or the student's) browser. */
  static Browser user;
  static TestClient owner;

  @BeforeAll
  static void start() throws Exception {
    BrowserTests.requireChromium();
    stack = TestStack.deploy(dataDir);
    owner = stack.client().signUpAs("olivia", "owner");
    admin = Browser.open(stack.baseUrl());
    user = Browser.open(stack.baseUrl());
    admin.login(owner.username(), TestClient.PASSWORD);
  }

  @AfterAll
  static void stop() {
    BrowserTests.closeQuietly(admin, user, stack);
  }

  @Test
  @Order(1)
  void ownerFiltersUsersByTypeAndChangesOne() throws Exception {
    // Fixed names, made first in this class's own database: the screenshot stays the same.
    TestClient sam = stack.client().signUpAs("sam", "student");
    stack.client().signUpAs("sara", "student");
    stack.client().signUpAs("prof_kim", "university_staff");
    TestClient lee = stack.client().signUpAs("dr_lee", "university_staff");

    admin.get("/admin");
    admin.visible(By.id("admin"));
    admin.until(d -> userRows().size() == 5);

    admin.visible(By.cssSelector("#users-filter select[name=user_type]"));
    new org.openqa.selenium.support.ui.Select(admin.find(By.cssSelector("#users-filter select[name=user_type]")))
      .selectByValue("student");
    admin.until(d -> usernames().equals(List.of("sam", "sara")) || usernames().equals(List.of("sara", "sam")));
    assertTrue(userRows().stream().allMatch(r -> "student".equals(r.getAttribute("data-user-type"))));

    // Search narrows further; the type filter stays.
    admin.type(By.cssSelector("#users-filter input[name=search]"), "sar");
    admin.click(By.cssSelector("#users-filter button[type=submit]"));
    admin.until(d -> usernames().equals(List.of("sara")));

    // Change sam's type from the detail view.
    new org.openqa.selenium.support.ui.Select(admin.find(By.cssSelector("#users-filter select[name=user_type]")))
      .selectByValue("");
    admin.find(By.cssSelector("#users-filter input[name=search]")).clear();
    admin.click(By.cssSelector("#users-filter button[type=submit]"));
    admin.until(d -> userRows().size() == 5);
    admin.click(By.cssSelector("button[data-view-user='" + sam.id() + "']"));
    admin.visible(By.cssSelector("#user-detail[data-user-id='" + sam.id() + "']"));
    new org.openqa.selenium.support.ui.Select(admin.find(By.cssSelector("#user-detail select[name=user_type]")))
      .selectByValue("university_staff");
    admin.click(By.cssSelector("#user-detail button[data-action=save-type]"));
    admin.until(d -> "university_staff".equals(
      admin.find(By.cssSelector("#users-table tr[data-user-id='" + sam.id() + "']")).getAttribute("data-user-type")));

    // Deactivate and reactivate dr_lee.
    admin.click(By.cssSelector("button[data-view-user='" + lee.id() + "']"));
    admin.visible(By.cssSelector("#user-detail[data-user-id='" + lee.id() + "']"));
    admin.click(By.cssSelector("#user-detail button[data-action=toggle-active]"));
    admin.until(d -> admin.find(By.cssSelector("#users-table tr[data-user-id='" + lee.id() + "']")).getText().contains("deactivated"));
    admin.click(By.cssSelector("#user-detail button[data-action=toggle-active]"));
    admin.until(d -> !admin.find(By.cssSelector("#users-table tr[data-user-id='" + lee.id() + "']")).getText().contains("deactivated"));

    admin.click(By.cssSelector("button[data-view-user='" + sam.id() + "']"));
    admin.visible(By.cssSelector("#user-detail[data-user-id='" + sam.id() + "']"));
    admin.js("window.scrollTo(0, 0)");
    admin.click(By.cssSelector("#notice .close"));
    admin.resize(1280, 1000);
    try {
      admin.screenshot(BrowserTests.screenshots(), "admin.png");
      // A look at the phone layout, not kept: the test checks the table scrolls inside its box.
      admin.resize(375, 740);
      admin.until(d -> (Boolean) admin.js("return document.documentElement.scrollWidth <= window.innerWidth"));
      admin.screenshot(BrowserTests.scratchShots(), "admin-mobile.png");
    } finally {
      admin.resize(1280, 800);
    }
  }

  @Test
  @Order(2)
  void ownerRemovesParticipantAndTheirBrowserSeesIt() throws Exception {
    TestClient pat = stack.client().signUp("pat", "student");
    TestClient quinn = stack.client().signUp("quinn", "student");
    String name = "<b>Project</b> <img src=x onerror=\"window.__pwned=1\">";
    long chatId = pat.createChat(name, quinn.id());

    user.login(quinn.username(), TestClient.PASSWORD);
    ChatPageTest.openChat(user, chatId);

    admin.get("/admin");
    admin.visible(By.id("admin"));
    admin.click(By.cssSelector(".tabs button[data-tab=chats]"));
    admin.type(By.cssSelector("#chats-filter input[name=search]"), "Project");
    admin.click(By.cssSelector("#chats-filter button[type=submit]"));
    admin.click(By.cssSelector("button[data-view-chat='" + chatId + "']"));
    admin.visible(By.cssSelector("#chat-detail[data-chat-id='" + chatId + "']"));
    assertEquals(name, admin.find(By.cssSelector("#chats-table tr[data-chat-id='" + chatId + "'] td.name")).getText());
    assertEquals(0L, admin.js("return document.querySelectorAll('#chats-table img, #chat-detail img').length"));

    admin.click(By.cssSelector("#chat-detail button[data-remove-user='" + quinn.id() + "']"));
    admin.until(d -> admin.findAll(By.cssSelector("#chat-detail li[data-user-id='" + quinn.id() + "']")).isEmpty());
    assertFalse(pat.chat(chatId).getJsonArray("participants").stream()
      .anyMatch(p -> ((JsonObject) p).getLong("id") == quinn.id()));

    // Quinn's page drops the chat as the removal event arrives, and says why.
    admin.screenshot(BrowserTests.scratchShots(), "admin-chat.png");
    user.until(d -> user.findAll(By.cssSelector(".chat-item[data-chat-id='" + chatId + "']")).isEmpty());
    user.visible(By.id("notice"));
    assertTrue(user.find(By.id("notice")).getText().contains("removed"));
    assertFalse(user.find(By.id("chat-view")).isDisplayed());
    assertEquals("undefined", admin.js("return typeof window.__pwned"));
  }

  @Test
  @Order(3)
  void ownerBulkDeletesMessagesAndParticipantsSeeThemGo() throws Exception {
    TestClient rita = stack.client().signUp("rita", "student");
    TestClient sol = stack.client().signUp("sol", "university_staff");
    long chatId = sol.createChat("Deletions", rita.id());
    long keep1 = sol.sendMessage(chatId, "keep me 1").getLong("id");
    long drop1 = sol.sendMessage(chatId, "spam 1").getLong("id");
    long drop2 = rita.sendMessage(chatId, "spam 2").getLong("id");
    long keep2 = rita.sendMessage(chatId, "keep me 2").getLong("id");

    user.login(rita.username(), TestClient.PASSWORD);
    ChatPageTest.openChat(user, chatId);
    user.until(d -> ChatPageTest.contents(user).size() == 4);

    admin.get("/admin");
    admin.visible(By.id("admin"));
    admin.click(By.cssSelector(".tabs button[data-tab=messages]"));
    admin.type(By.cssSelector("#messages-filter input[name=chat_id]"), Long.toString(chatId));
    admin.click(By.cssSelector("#messages-filter button[type=submit]"));
    admin.until(d -> messageIds().size() == 4);

    // The sender filter, and a time range that holds nothing.
    admin.type(By.cssSelector("#messages-filter input[name=sender_id]"), Long.toString(rita.id()));
    admin.click(By.cssSelector("#messages-filter button[type=submit]"));
    admin.until(d -> messageIds().equals(List.of(drop2, keep2)) || messageIds().equals(List.of(keep2, drop2)));
    admin.js("document.querySelector('#messages-filter input[name=from]').value = '2000-01-01T00:00:00';"
      + "document.querySelector('#messages-filter input[name=to]').value = '2000-01-02T00:00:00';");
    admin.click(By.cssSelector("#messages-filter button[type=submit]"));
    admin.until(d -> messageIds().isEmpty() && admin.find(By.cssSelector("#messages-table tbody")).getText().contains("No messages"));
    admin.js("document.querySelector('#messages-filter input[name=from]').value = '';"
      + "document.querySelector('#messages-filter input[name=to]').value = '';");
    admin.find(By.cssSelector("#messages-filter input[name=sender_id]")).clear();
    admin.click(By.cssSelector("#messages-filter button[type=submit]"));
    admin.until(d -> messageIds().size() == 4);

    admin.click(By.cssSelector("#messages-table input[data-message-id='" + drop1 + "']"));
    admin.click(By.cssSelector("#messages-table input[data-message-id='" + drop2 + "']"));
    assertEquals("Delete selected (2)", admin.find(By.id("bulk-delete")).getText());
    admin.click(By.id("bulk-delete"));
    admin.visible(By.id("bulk-yes"));
    admin.screenshot(BrowserTests.scratchShots(), "admin-messages.png");
    admin.click(By.id("bulk-yes"));
    admin.until(d -> messageIds().size() == 2);
    assertTrue(admin.visible(By.id("notice")).getText().contains("Deleted 2 messages"));
    assertEquals(List.of(keep1, keep2), rita.history(chatId).stream()
      .map(m -> ((JsonObject) m).getLong("id")).collect(Collectors.toList()));

    // Rita's open chat loses them as the message_deleted events arrive.
    user.until(d -> ChatPageTest.contents(user).equals(List.of("keep me 1", "keep me 2")));

    // The audit log lists what the owner did.
    admin.click(By.cssSelector(".tabs button[data-tab=audit]"));
    admin.until(d -> admin.find(By.cssSelector("#audit-table tbody")).getText().contains(owner.username()));
    admin.screenshot(BrowserTests.scratchShots(), "admin-audit.png");
  }

  @Test
  @Order(4)
  void ownerDeletesChatAndParticipantsPageDropsIt() {
    TestClient tess = stack.client().signUp("tess", "student");
    TestClient uma = stack.client().signUp("uma", "student");
    long chatId = tess.createChat("Doomed", uma.id());
    tess.sendMessage(chatId, "soon gone");

    user.login(uma.username(), TestClient.PASSWORD);
    ChatPageTest.openChat(user, chatId);
    ChatPageTest.waitForMessage(user, "soon gone");

    admin.get("/admin");
    admin.visible(By.id("admin"));
    admin.click(By.cssSelector(".tabs button[data-tab=chats]"));
    admin.click(By.cssSelector("button[data-view-chat='" + chatId + "']"));
    admin.click(By.cssSelector("#chat-detail button[data-action=delete-chat]"));
    admin.click(By.cssSelector("#chat-detail button[data-action=confirm-delete-chat]"));
    admin.until(d -> admin.findAll(By.cssSelector("#chats-table tr[data-chat-id='" + chatId + "']")).isEmpty());
    assertFalse(admin.find(By.id("chat-detail")).isDisplayed());

    // Uma's page drops the chat as the chat_deleted event arrives.
    user.until(d -> user.findAll(By.cssSelector(".chat-item[data-chat-id='" + chatId + "']")).isEmpty());
    assertTrue(user.visible(By.id("notice")).getText().contains("deleted"));
    assertFalse(user.find(By.id("chat-view")).isDisplayed());
  }

  @Test
  @Order(5)
  void studentGetsForbiddenFromAdminApiAndPage() throws Exception {
    TestClient student = stack.client().signUp("stu", "student");
    user.login(student.username(), TestClient.PASSWORD);
    assertFalse(user.find(By.id("admin-link")).isDisplayed(), "the chat page offers /admin to owners only");

    @SuppressWarnings("unchecked")
    Map<String, Object> answer = (Map<String, Object>) user.driver.executeAsyncScript(
      "const done = arguments[arguments.length - 1];"
        + "fetch('/api/admin/users').then(r => r.json().then(b => done({status: r.status, code: b.error && b.error.code})));");
    assertEquals(403L, answer.get("status"));
    assertEquals("forbidden", answer.get("code"));

    user.get("/admin");
    user.visible(By.cssSelector("#error[data-code=forbidden]"));
    user.visible(By.id("gate"));
    user.screenshot(BrowserTests.scratchShots(), "admin-forbidden.png");
    assertFalse(user.find(By.id("admin")).isDisplayed());
    assertEquals(0L, user.js("return document.querySelectorAll('#users-table tbody tr, #chats-table tbody tr').length"));

    // Without a session the page asks to log in and shows nothing either.
    user.driver.manage().deleteAllCookies();
    user.get("/admin");
    user.visible(By.cssSelector("#error[data-code=unauthenticated]"));
    assertFalse(user.find(By.id("admin")).isDisplayed());
  }

  // ---- helpers -------------------------------------------------------------------------

  private static List<WebElement> userRows() {
    return admin.findAll(By.cssSelector("#users-table tbody tr[data-user-id]"));
  }

  private static List<String> usernames() {
    return userRows().stream().map(r -> r.findElement(By.cssSelector("td.username")).getText()).collect(Collectors.toList());
  }

  private static List<Long> messageIds() {
    return admin.findAll(By.cssSelector("#messages-table tbody tr[data-message-id]")).stream()
      .map(r -> Long.parseLong(r.getAttribute("data-message-id"))).collect(Collectors.toList());
  }
}
