package chat.browser;

import static chat.browser.ChatPageTest.openChat;
import static chat.browser.ChatPageTest.waitForMessage;
import static org.junit.jupiter.api.Assertions.assertEquals;

import chat.testing.Multipart;
import chat.testing.TestClient;
import chat.testing.TestStack;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.awt.Color;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;

/**
 * Attachments on the chat page (issue 14) in a headless browser against the real gateway: the
 * Attach button's file input uploads a PNG and a text file (a chip each until sent), the message
 * carrying them shows the PNG as an inline thumbnail that really loads from the download URL and
 * the text file as a download link, and another participant finds both in history.
 */
class AttachmentPageTest {

  @TempDir
  static Path dataDir;
  @TempDir
  static Path files;
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
  void attachedImageShowsAsThumbnailAndOtherFilesAsLinks() throws Exception {
    TestClient ada = stack.client().signUp("ada", "student");
    TestClient ben = stack.client().signUp("ben", "student");
    long chatId = ada.createChat("Files", ben.id());
    Path png = files.resolve("dot.png");
    BufferedImage image = new BufferedImage(8, 6, BufferedImage.TYPE_INT_RGB);
    image.setRGB(3, 3, Color.RED.getRGB());
    ImageIO.write(image, "png", png.toFile());
    Path text = files.resolve("notes.txt");
    Files.writeString(text, "plain notes \u2713\n");

    browser.login(ada.username(), TestClient.PASSWORD);
    openChat(browser, chatId);
    // The input behind the Attach button (shown for WebDriver, which types paths into it).
    browser.visible(By.id("attach"));
    browser.js("document.getElementById('attach-input').hidden = false");
    browser.find(By.id("attach-input")).sendKeys(png + "\n" + text);
    browser.until(d -> browser.findAll(By.cssSelector("#pending-attachments .chip")).size() == 2);

    browser.visible(By.cssSelector("#send-form textarea")).sendKeys("two files", Keys.ENTER);
    waitForMessage(browser, "two files");
    browser.until(d -> browser.findAll(By.cssSelector("#pending-attachments .chip")).isEmpty());
    // The thumbnail is the download URL, and the browser really decoded it: 8 x 6 pixels.
    browser.until(d -> Boolean.TRUE.equals(browser.js(
      "const img = document.querySelector('#message-list .attachment.image img');"
        + " return !!img && img.complete && img.naturalWidth === 8 && img.naturalHeight === 6;")));
    String src = String.valueOf(browser.js("return document.querySelector('#message-list .attachment.image img').src"));
    assertEquals(true, src.matches(".*/api/chats/" + chatId + "/attachments/\\d+$"), src);
    String link = String.valueOf(browser.js(
      "const a = document.querySelector('#message-list .attachment.file a'); return a.textContent + '|' + a.getAttribute('download');"));
    assertEquals("notes.txt|notes.txt", link);

    JsonArray attached = ben.history(chatId).getJsonObject(0).getJsonArray("attachments");
    assertEquals(2, attached.size());
    JsonObject first = attached.getJsonObject(0);
    assertEquals("image/png", first.getString("content_type"));
    assertEquals(Multipart.sha256(Files.readAllBytes(png)), first.getString("sha256"));
    assertEquals("text/plain; charset=utf-8", attached.getJsonObject(1).getString("content_type"));
  }
}
