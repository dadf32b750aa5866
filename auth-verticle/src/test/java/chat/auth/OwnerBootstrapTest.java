package chat.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import chat.shared.Addresses;
import chat.shared.ErrorCode;
import chat.shared.ServiceError;
import chat.shared.Settings;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Owners are not self-appointed: with owner sign-up closed (the default) only the first one registers. */
class OwnerBootstrapTest extends AuthServiceTestBase {

  @Override
  JsonObject extraConfig() {
    // The product default, which the base class opens for the other tests.
    return new JsonObject().put(Settings.OWNER_SIGNUP, "closed");
  }

  private static <T> T await(Future<T> future) throws Exception {
    return future.await(30, TimeUnit.SECONDS);
  }

  private static JsonObject owner(String name) {
    return registration(name).put("user_type", "owner");
  }

  @Test
  void theFirstOwnerRegistersAndASecondIsForbiddenNamingUserType() throws Exception {
    JsonObject first = await(register(owner("olivia")));
    assertEquals("owner", first.getString("user_type"));

    ServiceError refused = assertThrows(ServiceError.class, () -> await(register(owner("oscar"))));
    assertEquals(ErrorCode.FORBIDDEN, refused.code());
    assertEquals(List.of("user_type"), new ArrayList<>(refused.fields().fieldNames()));
    // Nothing was written: the name is still free, and other types still register.
    assertEquals("student", await(register("oscar")).getString("user_type"));
    assertEquals("university_staff",
      await(register(registration("uma").put("user_type", "university_staff"))).getString("user_type"));
  }

  @Test
  void ofManyConcurrentFirstOwnersExactlyOneWins() throws Exception {
    List<Future<JsonObject>> attempts = new ArrayList<>();
    for (int i = 0; i < 12; i++) {
      attempts.add(register(owner("founder" + i)));
    }
    Future.join(attempts).otherwiseEmpty().await(60, TimeUnit.SECONDS);
    int won = 0;
    for (Future<JsonObject> attempt : attempts) {
      if (attempt.succeeded()) {
        won++;
      } else {
        assertEquals(ErrorCode.FORBIDDEN, ServiceError.from(attempt.cause()).code(), attempt.cause().getMessage());
      }
    }
    assertEquals(1, won, "the owner check and the insert are one transaction");
    JsonObject owners = await(bus.request(Addresses.AUTH_ADMIN_USERS_LIST, new JsonObject().put("user_type", "owner")));
    assertEquals(1, owners.getLong("total"));
  }

  @Test
  void anExistingOwnerPromotesAUserToOwner() throws Exception {
    JsonObject first = await(register(owner("olivia")));
    JsonObject bob = await(register("bob"));
    JsonObject promoted = await(bus.request(Addresses.AUTH_ADMIN_USER_UPDATE, new JsonObject()
      .put("actor", new JsonObject().put("id", first.getLong("id")).put("username", "olivia"))
      .put("id", bob.getLong("id"))
      .put("changes", new JsonObject().put("user_type", "owner"))));
    assertEquals("owner", promoted.getString("user_type"));
    // and the promoted owner can act as one
    JsonObject carol = await(register("carol"));
    JsonObject byBob = await(bus.request(Addresses.AUTH_ADMIN_USER_UPDATE, new JsonObject()
      .put("actor", new JsonObject().put("id", bob.getLong("id")).put("username", "bob"))
      .put("id", carol.getLong("id"))
      .put("changes", new JsonObject().put("user_type", "university_staff"))));
    assertEquals("university_staff", byBob.getString("user_type"));
    assertTrue(assertThrows(ServiceError.class, () -> await(register(owner("mallory")))).code() == ErrorCode.FORBIDDEN);
  }
}
