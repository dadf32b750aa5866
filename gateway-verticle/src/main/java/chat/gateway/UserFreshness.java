package chat.gateway;

import chat.shared.Addresses;
import io.vertx.core.Handler;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.Session;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs before the API routes: brings the session's user up to date with {@link UserCache}. A
 * deactivated user's session is destroyed (the request goes on as anonymous, so it gets 401)
 * and its bridge sockets are closed; a changed user (type, email) replaces the session's copy,
 * so a demoted owner loses the administration at once. If auth cannot be asked, the session's
 * user is used as it is: nothing newer can be known then.
 */
final class UserFreshness implements Handler<RoutingContext> {

  private static final Logger LOG = LoggerFactory.getLogger(UserFreshness.class);

  private final UserCache users;
  private final EventBus eventBus;

  UserFreshness(UserCache users, EventBus eventBus) {
    this.users = users;
    this.eventBus = eventBus;
  }

  @Override
  public void handle(RoutingContext ctx) {
    Session session = SessionUsers.ofRequest(ctx);
    JsonObject user = SessionUsers.current(session);
    if (user == null) {
      ctx.next();
      return;
    }
    long id = user.getLong("id");
    users.get(id).onComplete(ar -> {
      if (ar.failed()) {
        LOG.warn("Could not check the state of user {}; using the session's copy", id);
      } else if (!UserCache.isActive(ar.result())) {
        LOG.info("Ending a session of deactivated user {}", id);
        eventBus.publish(Addresses.GATEWAY_SESSION_ENDED,
          new JsonObject().put("session_ref", SessionUsers.sessionRef(session)));
        session.destroy();
      } else {
        JsonObject fresh = SessionUsers.publicUser(ar.result());
        if (!fresh.equals(user)) {
          SessionUsers.refresh(session, fresh);
        }
      }
      ctx.next();
    });
  }
}
