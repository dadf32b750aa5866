package chat.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import chat.shared.Addresses;
import chat.shared.ErrorCode;
import chat.shared.ServiceError;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** A request with several bad fields is refused once, naming every one of them (the shared Fields toolkit). */
class BadFieldsTest extends AuthServiceTestBase {

  private static final JsonObject ACTOR = new JsonObject().put("id", 1).put("username", "olivia");

  private static ServiceError invalid(Future<?> call) {
    ServiceError error = assertThrows(ServiceError.class, () -> call.await(20, TimeUnit.SECONDS));
    assertEquals(ErrorCode.VALIDATION, error.code(), error::getMessage);
    return error;
  }

  private static void assertFields(ServiceError error, String... fields) {
    assertEquals(Set.of(fields), error.fields().fieldNames(), () -> "fields of " + error.fields());
  }

  @Test
  void searchNamesTheSearchAndTheLimit() {
    ServiceError error = invalid(bus.request(Addresses.AUTH_USERS_SEARCH,
      new JsonObject().put("search", "s".repeat(AuthService.SEARCH_MAX_LENGTH + 1)).put("limit", "007")));
    assertFields(error, "search", "limit");
    assertEquals("Invalid fields: search, limit", error.getMessage());
  }

  /**
   * Text neither store can keep as given (U+0000, an unpaired surrogate) is refused in every text
   * field, on both stores: a password of lone surrogates would otherwise hash as one of '?'s.
   */
  @Test
  void textNoStoreCanKeepIsRefusedInEveryField() throws Exception {
    String problem = "must be valid Unicode text, without NUL characters";
    for (String bad : new String[] {"ab\u0000cdefgh", "ab\ud800cdefgh", "\udfffabcdefgh"}) {
      for (String field : new String[] {"username", "email", "password", "user_type"}) {
        ServiceError error = invalid(register(registration("textcheck").put(field, bad)));
        assertEquals(problem, error.fields().getString(field), field);
      }
      assertEquals(problem, invalid(login(bad, PASSWORD)).fields().getString("username"));
      assertEquals(problem, invalid(login("textcheck", bad)).fields().getString("password"));
      assertEquals(problem, invalid(bus.request(Addresses.AUTH_USERS_SEARCH, new JsonObject().put("search", bad)))
        .fields().getString("search"));
      assertEquals(problem, invalid(bus.request(Addresses.AUTH_ADMIN_USERS_LIST, new JsonObject().put("search", bad)))
        .fields().getString("search"));
    }
    // Nothing was registered: the name is still free.
    register("textcheck").await(20, TimeUnit.SECONDS);
  }

  @Test
  void userUpdateNamesTheIdAndEveryBadChange() {
    assertFields(invalid(bus.request(Addresses.AUTH_ADMIN_USER_UPDATE, new JsonObject().put("actor", ACTOR)
      .put("id", "2").put("changes", new JsonObject().put("user_type", 5).put("is_active", "no")))),
      "id", "user_type", "is_active");
    assertFields(invalid(bus.request(Addresses.AUTH_ADMIN_USER_UPDATE, new JsonObject().put("actor", ACTOR)
      .put("id", 0).put("changes", "all"))), "id", "changes", "user_type", "is_active");
  }

  @Test
  void adminListAndAuditNameEveryBadField() {
    assertFields(invalid(bus.request(Addresses.AUTH_ADMIN_USERS_LIST,
      new JsonObject().put("page", 1.0).put("page_size", "1e3").put("user_type", "").put("search", true))),
      "page", "page_size", "search");
    assertFields(invalid(bus.request(Addresses.AUTH_ADMIN_AUDIT, new JsonObject().put("limit", true))), "limit");
  }

  @Test
  void idsAreRefusedWholeWhenOneItemIsNotAnInteger() {
    ServiceError error = invalid(bus.request(Addresses.AUTH_USERS_LOOKUP,
      new JsonObject("{\"ids\":[1,9223372036854775808]}")));
    assertFields(error, "ids");
  }
}
