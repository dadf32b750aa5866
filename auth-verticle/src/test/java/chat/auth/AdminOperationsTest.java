package chat.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import chat.shared.Addresses;
import chat.shared.ErrorCode;
import chat.shared.ServiceError;
import io.vertx.core.Future;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The administration operations of the auth service, over the event bus. */
class AdminOperationsTest extends AuthServiceTestBase {

  private static <T> T await(Future<T> future) throws Exception {
    return future.await(20, TimeUnit.SECONDS);
  }

  private JsonObject user(String name, String type) throws Exception {
    return await(register(registration(name).put("user_type", type)));
  }

  private static JsonObject actor(JsonObject owner) {
    return new JsonObject().put("id", owner.getLong("id")).put("username", owner.getString("username"));
  }

  private Future<JsonObject> update(JsonObject actor, long id, JsonObject changes) {
    return bus.request(Addresses.AUTH_ADMIN_USER_UPDATE,
      new JsonObject().put("actor", actor).put("id", id).put("changes", changes));
  }

  private ServiceError failure(ErrorCode code, Future<?> call) {
    ServiceError error = assertThrows(ServiceError.class, () -> await(call));
    assertEquals(code, error.code(), error::getMessage);
    return error;
  }

  private JsonObject audit(int limit) throws Exception {
    return await(bus.request(Addresses.AUTH_ADMIN_AUDIT, new JsonObject().put("limit", limit)));
  }

  @Test
  void anUpdateCommitsWithItsAuditEntryAndLaterPlainWritesStillCommit() throws Exception {
    JsonObject owner = user("olivia", "owner");
    JsonObject bob = user("bobby", "student");

    JsonObject updated = await(update(actor(owner), bob.getLong("id"), new JsonObject().put("is_active", false)));
    assertFalse(updated.getBoolean("is_active"));
    assertEquals(List.of("0"), await(committed("SELECT is_active FROM users WHERE username = 'bobby'")));
    assertEquals(List.of("user.update"), await(committed("SELECT action FROM audit_log")));
    failure(ErrorCode.UNAUTHENTICATED, login("bobby", PASSWORD));

    // A rolled back update leaves nothing behind and the connection usable.
    failure(ErrorCode.NOT_FOUND, update(actor(owner), 4242, new JsonObject().put("is_active", false)));
    // Registration runs plain statements on the same single connection after the transactions.
    await(register("carol"));
    assertEquals(List.of("carol"), await(committed("SELECT username FROM users WHERE username = 'carol'")));
    assertEquals(List.of("1"), await(committed("SELECT COUNT(*) FROM audit_log")));

    await(update(actor(owner), bob.getLong("id"), new JsonObject().put("is_active", true)));
    assertEquals("bobby", await(login("bobby", PASSWORD)).getString("username"));
  }

  @Test
  void updatesPublishUserUpdatedOnlyWhenSomethingChangedButAreAlwaysAudited() throws Exception {
    JsonObject owner = user("olivia", "owner");
    JsonObject bob = user("bobby", "student");
    List<JsonObject> events = new CopyOnWriteArrayList<>();
    MessageConsumer<JsonObject> consumer = vertx.eventBus().consumer(Addresses.AUTH_USER_EVENTS, m -> events.add(m.body()));
    await(consumer.completion());

    JsonObject staff = await(update(actor(owner), bob.getLong("id"), new JsonObject().put("user_type", "university_staff")));
    await(update(actor(owner), bob.getLong("id"), new JsonObject().put("user_type", "university_staff").put("is_active", true)));

    long deadline = System.currentTimeMillis() + 5000;
    while (events.isEmpty() && System.currentTimeMillis() < deadline) {
      Thread.sleep(10);
    }
    Thread.sleep(100);
    assertEquals(1, events.size(), events::toString);
    assertEquals(new JsonObject().put("type", "user_updated").put("user", staff), events.get(0));
    assertEquals(staff, bob.copy().put("user_type", "university_staff"));

    JsonObject log = audit(10);
    assertEquals(2, log.getLong("total"));
    List<JsonObject> entries = log.getJsonArray("entries").stream().map(e -> (JsonObject) e).collect(Collectors.toList());
    assertEquals(new JsonObject(), entries.get(0).getJsonObject("details").getJsonObject("changes"), "newest first");
    JsonObject first = entries.get(1);
    assertEquals("auth", first.getString("service"));
    assertEquals(actor(owner), first.getJsonObject("actor"));
    assertEquals("user:" + bob.getLong("id"), first.getString("target"));
    assertEquals(new JsonObject().put("user_type", new JsonObject().put("from", "student").put("to", "university_staff")),
      first.getJsonObject("details").getJsonObject("changes"));
    assertEquals(1, audit(1).getJsonArray("entries").size());
    failure(ErrorCode.VALIDATION, bus.request(Addresses.AUTH_ADMIN_AUDIT, new JsonObject().put("limit", 0)));
  }

  @Test
  void onlyAnActiveOwnerMayUpdateAndNeverToLockItselfOut() throws Exception {
    JsonObject owner = user("olivia", "owner");
    JsonObject other = user("oscar", "owner");
    JsonObject student = user("sam", "student");

    failure(ErrorCode.FORBIDDEN, update(actor(student), other.getLong("id"), new JsonObject().put("is_active", false)));
    failure(ErrorCode.UNAUTHENTICATED, bus.request(Addresses.AUTH_ADMIN_USER_UPDATE,
      new JsonObject().put("id", student.getLong("id")).put("changes", new JsonObject().put("is_active", false))));
    assertInvalidFields(failure(ErrorCode.VALIDATION,
      update(actor(owner), owner.getLong("id"), new JsonObject().put("is_active", false))), "is_active");
    assertInvalidFields(failure(ErrorCode.VALIDATION,
      update(actor(owner), owner.getLong("id"), new JsonObject().put("user_type", "student"))), "user_type");
    assertInvalidFields(failure(ErrorCode.VALIDATION, update(actor(owner), other.getLong("id"), new JsonObject())),
      "user_type", "is_active");
    assertInvalidFields(failure(ErrorCode.VALIDATION, update(actor(owner), other.getLong("id"),
      new JsonObject().put("user_type", "wizard").put("is_active", 1))), "user_type", "is_active");
    assertEquals(0, audit(10).getLong("total"), "nothing refused is audited");

    // Demoted by another owner, an owner can no longer act, even with a stale session elsewhere.
    await(update(actor(other), owner.getLong("id"), new JsonObject().put("user_type", "student")));
    failure(ErrorCode.FORBIDDEN, update(actor(owner), other.getLong("id"), new JsonObject().put("user_type", "student")));
    assertEquals("owner", await(bus.request(Addresses.AUTH_ADMIN_USER_GET,
      new JsonObject().put("id", other.getLong("id")))).getString("user_type"));
  }

  @Test
  void usersAreListedByIdWithFiltersAndPaging() throws Exception {
    JsonObject a = user("alpha_one", "student");
    JsonObject b = user("beta", "owner");
    JsonObject c = user("alpha_two", "university_staff");
    JsonObject d = user("alphaXthree", "student");
    await(update(actor(b), d.getLong("id"), new JsonObject().put("is_active", false)));

    JsonObject all = await(bus.request(Addresses.AUTH_ADMIN_USERS_LIST, new JsonObject()));
    assertEquals(4, all.getLong("total"));
    assertEquals(1, all.getInteger("page"));
    assertEquals(20, all.getInteger("page_size"));
    assertEquals(List.of(a.getLong("id"), b.getLong("id"), c.getLong("id"), d.getLong("id")), ids(all));
    assertFalse(all.getJsonArray("users").getJsonObject(3).getBoolean("is_active"), "inactive users are listed");
    assertFalse(all.encode().contains("pbkdf2"));

    assertEquals(List.of(a.getLong("id"), c.getLong("id")),
      ids(await(bus.request(Addresses.AUTH_ADMIN_USERS_LIST, new JsonObject().put("search", "ALPHA_")))));
    assertEquals(List.of(a.getLong("id"), d.getLong("id")), ids(await(bus.request(Addresses.AUTH_ADMIN_USERS_LIST,
      new JsonObject().put("search", "alpha").put("user_type", "student")))));
    JsonObject page = await(bus.request(Addresses.AUTH_ADMIN_USERS_LIST, new JsonObject().put("page", "2").put("page_size", "3")));
    assertEquals(List.of(d.getLong("id")), ids(page));
    assertEquals(4, page.getLong("total"));

    ServiceError bad = failure(ErrorCode.VALIDATION, bus.request(Addresses.AUTH_ADMIN_USERS_LIST,
      new JsonObject().put("page", 0).put("page_size", "x").put("user_type", "wizard").put("search", 5)));
    assertInvalidFields(bad, "page", "page_size", "user_type", "search");
    failure(ErrorCode.NOT_FOUND, bus.request(Addresses.AUTH_ADMIN_USER_GET, new JsonObject().put("id", 4242)));
  }

  private static List<Long> ids(JsonObject page) {
    return page.getJsonArray("users").stream().map(u -> ((JsonObject) u).getLong("id")).collect(Collectors.toList());
  }

  @Test
  void registrationStillWorksAfterManyAdminTransactions() throws Exception {
    JsonObject owner = user("olivia", "owner");
    JsonObject bob = user("bobby", "student");
    for (int i = 0; i < 5; i++) {
      await(update(actor(owner), bob.getLong("id"), new JsonObject().put("is_active", i % 2 == 0)));
    }
    await(register("late_comer"));
    assertTrue(await(committed("SELECT username FROM users")).contains("late_comer"));
    assertEquals(List.of("5"), await(committed("SELECT COUNT(*) FROM audit_log")));
  }

  @Test
  void twoOwnersDemotingEachOtherAtOnceLeaveOneOwner() throws Exception {
    // Each update checks that its actor is still an active owner: of two crossed demotions
    // the second sees the first's commit (SQLite: one writer; PostgreSQL: the users lock).
    for (int round = 0; round < 4; round++) {
      JsonObject ann = user("ann" + round, "owner");
      JsonObject ben = user("ben" + round, "owner");
      JsonObject student = new JsonObject().put("user_type", "student");
      Future<JsonObject> annDemotesBen = update(actor(ann), ben.getLong("id"), student);
      Future<JsonObject> benDemotesAnn = update(actor(ben), ann.getLong("id"), student);
      Future.join(annDemotesBen, benDemotesAnn).otherwiseEmpty().await(20, TimeUnit.SECONDS);
      assertTrue(annDemotesBen.succeeded() != benDemotesAnn.succeeded(), "exactly one demotion wins, round " + round);
      Future<JsonObject> lost = annDemotesBen.failed() ? annDemotesBen : benDemotesAnn;
      assertEquals(ErrorCode.FORBIDDEN, ServiceError.from(lost.cause()).code(), lost.cause().getMessage());
      assertEquals(List.of("owner"), await(committed("SELECT user_type FROM users WHERE id = ?",
        annDemotesBen.succeeded() ? ann.getLong("id") : ben.getLong("id"))));
    }
  }
}
