package chat.auth;

import chat.shared.Actor;
import chat.shared.Addresses;
import chat.shared.Audit;
import chat.shared.ErrorCode;
import chat.shared.Events;
import chat.shared.Paging;
import chat.shared.ServiceError;
import chat.shared.Times;
import chat.shared.UserType;
import chat.shared.validation.Fields;
import io.vertx.core.Future;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The auth service's administration operations, one method per {@code svc.auth.admin.*}
 * address. The gateway lets only owners reach them; an update also checks, in its own
 * transaction, that the actor is still an active owner, and writes its audit entry there.
 */
final class AdminService {

  private static final Logger LOG = LoggerFactory.getLogger(AdminService.class);

  private final AdminSql admin;
  private final EventBus eventBus;

  AdminService(AdminSql admin, EventBus eventBus) {
    this.admin = admin;
    this.eventBus = eventBus;
  }

  /** {@code {page?, page_size?, user_type?, search?}} -> a page of users by id. */
  Future<JsonObject> listUsers(JsonObject body) {
    Fields in = new Fields(body);
    Paging paging = Paging.read(in);
    String typeName = in.optionalString("user_type");
    // ?user_type= left empty filters nothing.
    UserType type = typeName == null || typeName.isEmpty() ? null : UserRules.checkUserType(in, "user_type", typeName);
    String fragment = in.strippedString("search", AuthService.SEARCH_MAX_LENGTH);
    in.throwIfInvalid();
    String wireType = type == null ? null : type.wireName();
    return admin.countUsers(wireType, fragment)
      .compose(total -> admin.pageUsers(wireType, fragment, paging.pageSize(), paging.offset())
        .map(users -> paging.reply("users", users, total)));
  }

  /** {@code {id}} -> user, active or not. */
  Future<JsonObject> getUser(JsonObject body) {
    Fields in = new Fields(body);
    long id = in.id("id");
    in.throwIfInvalid();
    return admin.user(id)
      .map(user -> {
        if (user == null) {
          throw ServiceError.notFound("User");
        }
        return user;
      });
  }

  /**
   * {@code {actor, id, changes:{user_type?, is_active?}}} -> the user as it is now. An owner
   * may neither deactivate nor demote itself, so this path never locks the last owner out.
   */
  Future<JsonObject> updateUser(JsonObject body) {
    Actor actor = Actor.from(body);
    Fields in = new Fields(body);
    long id = in.id("id");
    Fields changes = in.nested(in.optionalObject("changes"));
    UserType newType = null;
    Boolean newActive = null;
    if (changes.containsKey("user_type")) {
      String typeName = changes.requiredString("user_type");
      newType = UserRules.checkUserType(in, "user_type", typeName);
    }
    if (changes.containsKey("is_active")) {
      newActive = changes.optionalBoolean("is_active");
      if (newActive == null) {
        in.reject("is_active", "must be true or false");
      }
    }
    if (!changes.containsKey("user_type") && !changes.containsKey("is_active")) {
      in.reject("user_type", "give user_type or is_active (or both)");
      in.reject("is_active", "give user_type or is_active (or both)");
    }
    if (id == actor.id()) {
      if (Boolean.FALSE.equals(newActive)) {
        in.reject("is_active", "an owner cannot deactivate itself");
      }
      if (newType != null && newType != UserType.OWNER) {
        in.reject("user_type", "an owner cannot change its own type");
      }
    }
    in.throwIfInvalid();

    String wantedType = newType == null ? null : newType.wireName();
    Boolean wantedActive = newActive;
    String now = Times.now();
    return admin.inTransaction(tx -> admin.user(tx, actor.id()).compose(acting -> {
        if (acting == null || !acting.getBoolean("is_active")
          || !UserType.OWNER.wireName().equals(acting.getString("user_type"))) {
          return Future.failedFuture(new ServiceError(ErrorCode.FORBIDDEN, "Only an active owner may change users"));
        }
        return admin.user(tx, id);
      }).compose(before -> {
        if (before == null) {
          return Future.failedFuture(ServiceError.notFound("User"));
        }
        String type = wantedType == null ? before.getString("user_type") : wantedType;
        boolean active = wantedActive == null ? before.getBoolean("is_active") : wantedActive;
        JsonObject changed = new JsonObject();
        if (!Objects.equals(type, before.getString("user_type"))) {
          changed.put("user_type", new JsonObject().put("from", before.getString("user_type")).put("to", type));
        }
        if (active != before.getBoolean("is_active")) {
          changed.put("is_active", new JsonObject().put("from", before.getBoolean("is_active")).put("to", active));
        }
        Future<JsonObject> after = changed.isEmpty()
          ? Future.succeededFuture(before)
          : admin.updateUser(tx, id, type, active);
        JsonObject details = new JsonObject().put("username", before.getString("username")).put("changes", changed);
        return after.compose(user -> admin.audit(tx, actor, Audit.USER_UPDATE, Audit.userTarget(id), details, now)
          .map(v -> new JsonObject().put("user", user).put("changed", !changed.isEmpty())));
      }))
      .map(result -> {
        JsonObject user = result.getJsonObject("user");
        if (result.getBoolean("changed")) {
          LOG.info("User {} updated by owner {}: user_type {}, active {}", id, actor.id(),
            user.getString("user_type"), user.getBoolean("is_active"));
          // After COMMIT: the chat service's projection and every gateway's sessions follow.
          eventBus.publish(Addresses.AUTH_USER_EVENTS, new JsonObject().put(Events.TYPE, Events.USER_UPDATED).put("user", user));
        }
        return user;
      });
  }

  /** {@code {limit}} -> {@code {entries:[..], total}}, newest first. */
  Future<JsonObject> audit(JsonObject body) {
    Fields in = new Fields(body);
    int limit = in.boundedInt("limit", Paging.DEFAULT_PAGE_SIZE, 1, Audit.MAX_LIMIT);
    in.throwIfInvalid();
    return admin.countAudit().compose(total -> admin.newestAudit(limit)
      .map(entries -> new JsonObject().put("entries", new JsonArray(new ArrayList<>(entries))).put("total", total)));
  }
}
