package chat.browser;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * One headless Debian Chromium driven through the system chromedriver: never a browser or driver
 * download (both executables are given explicitly, so Selenium Manager has nothing to find).
 * Each browser has its own fresh profile, hence its own cookies: one browser, one person.
 */
final class Browser implements AutoCloseable {

  static final String CHROMIUM = "/usr/bin/chromium";
  static final String CHROMEDRIVER = "/usr/bin/chromedriver";
  static final Duration WAIT = Duration.ofSeconds(15);

  final ChromeDriver driver;
  private final Path profile;
  private final String baseUrl;

  private Browser(ChromeDriver driver, Path profile, String baseUrl) {
    this.driver = driver;
    this.profile = profile;
    this.baseUrl = baseUrl;
  }

  static boolean available() {
    return Files.isExecutable(Path.of(CHROMIUM)) && Files.isExecutable(Path.of(CHROMEDRIVER));
  }

  static Browser open(String baseUrl) throws IOException {
    Path profile = Files.createTempDirectory("chatbus-chromium-");
    ChromeOptions options = new ChromeOptions();
    options.setBinary(CHROMIUM);
    options.addArguments(
      "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
      // This machine has no internet: Chromium must not try to reach Google's services.
      "--disable-background-networking", "--disable-component-update", "--disable-sync",
      "--disable-quic", "--no-first-run", "--no-default-browser-check",
      "--user-data-dir=" + profile, "--window-size=1280,800", "--lang=en-US");
    options.setCapability("goog:loggingPrefs", Map.of(LogType.BROWSER, "ALL"));
    ChromeDriverService service = new ChromeDriverService.Builder()
      .usingDriverExecutable(new File(CHROMEDRIVER))
      .usingAnyFreePort()
      .build();
    try {
      ChromeDriver driver = new ChromeDriver(service, options);
      driver.manage().timeouts().scriptTimeout(WAIT);
      return new Browser(driver, profile, baseUrl);
    } catch (RuntimeException e) {
      deleteTree(profile);
      throw e;
    }
  }

  void get(String path) {
    driver.get(baseUrl + path);
  }

  /** Starts from nothing: no cookies of a previous user, the chat page showing its login form. */
  void loginFormFresh() {
    get("/");
    driver.manage().deleteAllCookies();
    get("/");
    visible(By.id("login-form"));
  }

  /** Logs in through the chat page's form and waits for the app and its live connection. */
  void login(String username, String password) {
    loginFormFresh();
    type(By.cssSelector("#login-form input[name=username]"), username);
    type(By.cssSelector("#login-form input[name=password]"), password);
    click(By.cssSelector("#login-form button[type=submit]"));
    visible(By.id("app"));
    waitConnected();
  }

  void waitConnected() {
    until(d -> "online".equals(find(By.id("conn")).getAttribute("data-state")));
  }

  WebElement find(By by) {
    return driver.findElement(by);
  }

  List<WebElement> findAll(By by) {
    return driver.findElements(by);
  }

  WebElement visible(By by) {
    return new WebDriverWait(driver, WAIT).until(ExpectedConditions.visibilityOfElementLocated(by));
  }

  void gone(By by) {
    new WebDriverWait(driver, WAIT).until(ExpectedConditions.invisibilityOfElementLocated(by));
  }

  void click(By by) {
    new WebDriverWait(driver, WAIT).until(ExpectedConditions.elementToBeClickable(by)).click();
  }

  void type(By by, String text) {
    WebElement field = visible(by);
    field.clear();
    field.sendKeys(text);
  }

  <T> T until(Function<WebDriver, T> condition) {
    return new WebDriverWait(driver, WAIT).ignoring(org.openqa.selenium.StaleElementReferenceException.class)
      .until(condition);
  }

  Object js(String script, Object... args) {
    return ((JavascriptExecutor) driver).executeScript(script, args);
  }

  void resize(int width, int height) {
    driver.manage().window().setSize(new Dimension(width, height));
  }

  /**
   * Writes a PNG of the viewport to dir/name (made if missing). The shot is meant to be committed
   * and so to change only when the page does: no blinking caret, and every shown time reads 10:15.
   */
  Path screenshot(Path dir, String name) throws IOException {
    Files.createDirectories(dir);
    js("if (document.activeElement) { document.activeElement.blur(); }"
      + "document.querySelectorAll('time').forEach(t => { t.textContent = '10:15 AM'; });");
    File shot = driver.getScreenshotAs(OutputType.FILE);
    Path target = dir.resolve(name);
    Files.copy(shot.toPath(), target, StandardCopyOption.REPLACE_EXISTING);
    return target;
  }

  /** The page's console output since the last call (for failure messages). */
  String consoleLog() {
    try {
      return driver.manage().logs().get(LogType.BROWSER).getAll().stream()
        .map(LogEntry::toString).collect(Collectors.joining("\n"));
    } catch (RuntimeException e) {
      return "(console log unavailable: " + e + ")";
    }
  }

  @Override
  public void close() {
    try {
      driver.quit();
    } finally {
      deleteTree(profile);
    }
  }

  private static void deleteTree(Path dir) {
    try (Stream<Path> paths = Files.walk(dir)) {
      paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      // a temp dir left behind is harmless
    }
  }
}
