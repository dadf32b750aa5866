package chat.app;

import chat.testing.TestStack;
import chat.testing.TestClient;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.junit5.VertxExtension;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Contract v2's account rules over real HTTP, with the product defaults for owner sign-up
 * (closed) and the login limits (10 failures per address per minute, 5 per account before the
 * back-off): owners are not self-appointed, usernames are unique once folded, emails are shown
 * only to their user and to owners, and failed logins are limited per account and per address,
 * with an honest {@code Retry-After}. Each limit test comes from addresses of its own
 * (127.0.0.x), so no test spends another's allowance.
 */
@ExtendWith(VertxExtension.class)
class AccountProtectionTest {

  private static final String PASSWORD = "correct horse battery";
  private static final AtomicInteger HOSTS = new AtomicInteger(10);

  @TempDir
  static Path dataDir;
  static TestStack stack;
  /** The first owner, who bootstrapped this deployment. */
  static TestClient owner;

  @BeforeAll
  static void deploy(Vertx vertx) throws Exception {
    // null drops the test default (open), so the product default (closed) applies.
    stack = TestStack.deploy(vertx, dataDir, new JsonObject().putNull("CHAT_OWNER_SIGNUP"));
    owner = stack.client().signUp("boss", "owner");
  }

  @AfterAll
  static void undeploy() throws Exception {
    stack.undeploy();
  }

  private static String newHost() {
    return "127.0.0." + HOSTS.incrementAndGet();
  }

  private static JsonObject assertError(HttpResponse<Buffer> r, int status, String code) {
    assertEquals(status, r.statusCode(), () -> "body: " + r.bodyAsString());
    JsonObject error = r.bodyAsJsonObject().getJsonObject("error");
    assertNotNull(error, r.bodyAsString());
    assertEquals(code, error.getString("code"));
    return error;
  }

  private static JsonObject registration(String username, String type) {
    return new JsonObject().put("username", username).put("email", "x" + System.nanoTime() + "@example.org")
      .put("password", PASSWORD).put("user_type", type);
  }

  private static TestClient withCsrf(TestClient client) {
    client.get("/api/auth/csrf");
    return client;
  }

  private static HttpResponse<Buffer> login(TestClient client, String username, String password) {
    return client.post("/api/auth/login", new JsonObject().put("username", username).put("password", password));
  }

  /** Sends every login at once and waits for all the answers. */
  private static List<HttpResponse<Buffer>> loginsAtOnce(List<TestClient> clients, List<String> usernames) throws Exception {
    List<Future<HttpResponse<Buffer>>> sent = new ArrayList<>();
    for (int i = 0; i < usernames.size(); i++) {
      TestClient client = clients.get(i % clients.size());
      HttpRequest<Buffer> request = client.http.request(HttpMethod.POST, "/api/auth/login")
        .putHeader("X-XSRF-TOKEN", client.cookie("XSRF-TOKEN"));
      sent.add(request.sendJsonObject(new JsonObject().put("username", usernames.get(i)).put("password", "guess " + i)));
    }
    Future.all(sent).await(60, TimeUnit.SECONDS);
    List<HttpResponse<Buffer>> answers = new ArrayList<>();
    sent.forEach(f -> answers.add(f.result()));
    return answers;
  }

  private static long statusCount(List<HttpResponse<Buffer>> answers, int status) {
    return answers.stream().filter(r -> r.statusCode() == status).count();
  }

  /** Every 429 is the contract's error with a Retry-After of whole seconds, at least 1. */
  private static List<Long> retryAfters(List<HttpResponse<Buffer>> answers) {
    List<Long> seconds = new ArrayList<>();
    for (HttpResponse<Buffer> r : answers) {
      if (r.statusCode() == 429) {
        assertError(r, 429, "rate_limited");
        long s = Long.parseLong(r.getHeader("Retry-After"));
        assertTrue(s >= 1, "Retry-After " + s);
        seconds.add(s);
      } else {
        assertError(r, 401, "unauthenticated");
      }
    }
    return seconds;
  }

  @Test
  void aSecondOwnerIsRefusedByDefaultAndTheOwnerPromotesInstead() {
    TestClient hopeful = withCsrf(stack.client());
    String name = TestClient.uniqueName("hopeful");
    JsonObject error = assertError(hopeful.post("/api/auth/register", registration(name, "owner")), 403, "forbidden");
    assertTrue(error.getJsonObject("fields").containsKey("user_type"), error.encode());

    // registered as a student instead, then promoted by the owner
    assertEquals(201, hopeful.post("/api/auth/register", registration(name, "student")).statusCode());
    JsonObject me = login(hopeful, name, PASSWORD).bodyAsJsonObject();
    assertEquals(403, hopeful.get("/api/admin/users").statusCode());
    HttpResponse<Buffer> promoted = owner.send(HttpMethod.PATCH, "/api/admin/users/" + me.getLong("id"),
      new JsonObject().put("user_type", "owner"), true);
    assertEquals(200, promoted.statusCode(), promoted.bodyAsString());
    assertEquals("owner", promoted.bodyAsJsonObject().getString("user_type"));
    assertEquals("owner", hopeful.get("/api/auth/me").bodyAsJsonObject().getString("user_type"));
    assertEquals(200, hopeful.get("/api/admin/users").statusCode());
  }

  @Test
  void usernamesThatFoldAlikeCollideAndLogInByAnySpelling() {
    TestClient c = withCsrf(stack.client());
    String tail = TestClient.uniqueName("");
    String emile = "Émile" + tail;
    assertEquals(201, c.post("/api/auth/register", registration(emile, "student")).statusCode());
    for (String lookalike : List.of("émile" + tail, "E\u0301MILE" + tail, "\u00C9\uFF2D\uFF29\uFF2C\uFF25" + tail)) {
      assertError(c.post("/api/auth/register", registration(lookalike, "student")), 409, "conflict");
    }
    String fiona = "fiona" + tail;
    assertEquals(201, c.post("/api/auth/register", registration(fiona, "student")).statusCode());
    assertError(c.post("/api/auth/register", registration("\uFB01ona" + tail, "student")), 409, "conflict");

    HttpResponse<Buffer> in = login(c, "ÉMILE" + tail, PASSWORD);
    assertEquals(200, in.statusCode(), in.bodyAsString());
    assertEquals(emile, in.bodyAsJsonObject().getString("username"), "shown as registered");
    assertEquals(fiona, login(c, "\uFB01ONA" + tail, PASSWORD).bodyAsJsonObject().getString("username"));
  }

  @Test
  void userSearchShowsEmailsOnlyToOwners() {
    TestClient student = stack.client().signUp("pupil", "student");
    TestClient target = stack.client().signUp("findme", "university_staff");
    String email = target.user.getString("email");
    assertEquals(email, target.get("/api/auth/me").bodyAsJsonObject().getString("email"), "a user sees its own email");

    JsonArray seenByStudent = student.get("/api/users?search=" + target.user.getString("username"))
      .bodyAsJsonObject().getJsonArray("users");
    assertEquals(1, seenByStudent.size());
    assertFalse(seenByStudent.getJsonObject(0).containsKey("email"), seenByStudent.encode());
    assertEquals(0, student.get("/api/users?search=" + email).bodyAsJsonObject().getJsonArray("users").size(),
      "nor can a student find people by (guessing) their email");

    JsonArray seenByOwner = owner.get("/api/users?search=" + email).bodyAsJsonObject().getJsonArray("users");
    assertEquals(1, seenByOwner.size());
    assertEquals(email, seenByOwner.getJsonObject(0).getString("email"));
  }

  @Test
  void concurrentWrongLoginsOnOneAccountPassOnlyTheFreeFive() throws Exception {
    TestClient victim = stack.client().signUp("victim", "student");
    TestClient attacker = withCsrf(stack.clientFrom(newHost()));
    List<String> names = new ArrayList<>();
    for (int i = 0; i < 30; i++) {
      names.add(victim.user.getString("username"));
    }
    List<HttpResponse<Buffer>> answers = loginsAtOnce(List.of(attacker), names);
    assertEquals(5, statusCount(answers, 401), "counted before the hash is checked, so 30 in flight do not all pass");
    assertEquals(25, retryAfters(answers).size());
  }

  @Test
  void oneAddressSprayingManyUsernamesIsLimited() throws Exception {
    TestClient sprayer = withCsrf(stack.clientFrom(newHost()));
    List<String> names = new ArrayList<>();
    for (int i = 0; i < 15; i++) {
      names.add(TestClient.uniqueName("nobody"));
    }
    List<HttpResponse<Buffer>> answers = loginsAtOnce(List.of(sprayer), names);
    assertEquals(10, statusCount(answers, 401), "10 failures per address per minute, across usernames");
    List<Long> waits = retryAfters(answers);
    assertEquals(5, waits.size());
    // one failure comes back every 6 s: the wait says so, not a constant
    assertTrue(waits.stream().allMatch(s -> s >= 1 && s <= 6), waits.toString());
  }

  @Test
  void manyAddressesAgainstOneAccountAreLimitedAndTheRealUserGetsInAfterRetryAfter() throws Exception {
    TestClient victim = stack.client().signUp("target", "student");
    String name = victim.user.getString("username");
    List<TestClient> botnet = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      botnet.add(withCsrf(stack.clientFrom(newHost())));
    }
    List<HttpResponse<Buffer>> answers = loginsAtOnce(botnet, List.of(name, name, name, name, name, name, name, name, name, name));
    assertEquals(5, statusCount(answers, 401), "the account's limit holds across addresses");
    assertEquals(5, retryAfters(answers).size());

    // The real user, from home, is slowed down, not locked out: Retry-After says when to come back.
    TestClient home = withCsrf(stack.clientFrom(newHost()));
    HttpResponse<Buffer> refused = login(home, name, PASSWORD);
    assertError(refused, 429, "rate_limited");
    long wait = Long.parseLong(refused.getHeader("Retry-After"));
    assertEquals(1, wait, "the first back-off is one second");
    sleepSeconds(wait);
    assertEquals(200, login(home, name, PASSWORD).statusCode());
  }

  @Test
  void retryAfterSaysWhenTheNextAttemptPasses() {
    TestClient victim = stack.client().signUp("patient", "student");
    String name = victim.user.getString("username");
    for (int i = 0; i < 5; i++) {
      assertEquals(401, login(withCsrf(stack.clientFrom(newHost())), name, "wrong").statusCode());
    }
    TestClient attacker = withCsrf(stack.clientFrom(newHost()));
    for (long expected = 1; expected <= 4; expected *= 2) {
      HttpResponse<Buffer> refused = login(attacker, name, "wrong");
      assertError(refused, 429, "rate_limited");
      long wait = Long.parseLong(refused.getHeader("Retry-After"));
      assertTrue(wait >= 1 && wait <= expected, "back-off " + expected + " s, Retry-After " + wait);
      sleepSeconds(wait);
      assertEquals(401, login(attacker, name, "wrong").statusCode(), "the attempt passes when Retry-After said");
    }
  }

  private static void sleepSeconds(long seconds) {
    try {
      Thread.sleep(seconds * 1000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }
}
