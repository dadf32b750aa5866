package chat.gateway;

import chat.shared.Addresses;
import chat.shared.ErrorCode;
import chat.shared.ServiceBus;
import chat.shared.ServiceError;
import io.vertx.core.Future;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.Session;
import io.vertx.ext.web.handler.SessionHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** {@code /api/auth/*} and {@code /api/users}: registration, login, logout, me, user search. */
final class AuthApi {

  private static final Logger LOG = LoggerFactory.getLogger(AuthApi.class);

  private final ServiceBus services;
  private final EventBus eventBus;
  private final DoubleSubmitCsrf csrf;
  private final SessionHandler sessions;

  AuthApi(ServiceBus services, EventBus eventBus, DoubleSubmitCsrf csrf, SessionHandler sessions) {
    this.sessions = sessions;
    this.services = services;
    this.eventBus = eventBus;
    this.csrf = csrf;
  }

  void mount(Router router) {
    router.get("/api/auth/csrf").handler(ctx -> {
      csrf.issue(ctx);
      ctx.response().setStatusCode(204).end();
    });
    router.post("/api/auth/register").handler(Handlers.json(201, this::register));
    router.post("/api/auth/login").handler(Handlers.json(200, this::login));
    router.post("/api/auth/logout").handler(this::logout);
    router.get("/api/auth/me").handler(Handlers.json(200, ctx -> Future.succeededFuture(SessionUsers.require(ctx))));
    router.get("/api/users").handler(Handlers.json(200, this::searchUsers));
  }

  private Future<JsonObject> register(RoutingContext ctx) {
    JsonObject body = Json.body(ctx);
    JsonObject command = new JsonObject();
    for (String field : new String[] {"username", "email", "password", "user_type"}) {
      command.put(field, body.getValue(field));
    }
    command.put("client_address", clientAddress(ctx));
    return services.request(Addresses.AUTH_REGISTER, command).map(SessionUsers::publicUser);
  }

  /**
   * The auth service counts and limits the attempts (per account and per client address, for
   * every gateway at once) and answers 429 with the seconds to wait, which {@link HttpErrors}
   * puts in {@code Retry-After}.
   */
  private Future<JsonObject> login(RoutingContext ctx) {
    JsonObject body = Json.body(ctx);
    JsonObject command = new JsonObject()
      .put("username", body.getValue("username"))
      .put("password", body.getValue("password"))
      .put("client_address", clientAddress(ctx));
    return services.request(Addresses.AUTH_LOGIN, command)
      .compose(user -> {
        Session session = ctx.session();
        endSocketsOf(session);
        SessionUsers.login(session, user);
        // Stored before the answer, so the next request may go to any gateway of a cluster.
        return sessions.flush(ctx, true).map(v -> SessionUsers.publicUser(user));
      })
      .onFailure(err -> {
        if (err instanceof ServiceError && ((ServiceError) err).code() == ErrorCode.UNAUTHENTICATED) {
          LOG.info("Failed login from {}", clientAddress(ctx));
        }
      });
  }

  /** The TCP peer's address (no forwarding header is trusted). */
  private static String clientAddress(RoutingContext ctx) {
    return ctx.request().remoteAddress().hostAddress();
  }

  private void logout(RoutingContext ctx) {
    Session session = SessionUsers.ofRequest(ctx);
    if (session == null || SessionUsers.current(session) == null) {
      ctx.response().setStatusCode(204).end();
      return;
    }
    endSocketsOf(session);
    session.destroy();
    // Removed from the store (and tombstoned, see TombstoneSessionStore) before the answer, so
    // no gateway accepts the cookie once the client has seen the 204.
    sessions.flush(ctx, true).onComplete(ar -> {
      if (ar.failed()) {
        ctx.fail(ar.cause());
      } else {
        ctx.response().setStatusCode(204).end();
      }
    });
  }

  /** Tells every gateway to close the bridge sockets opened with this session. */
  private void endSocketsOf(Session session) {
    if (session != null && session.id() != null) {
      eventBus.publish(Addresses.GATEWAY_SESSION_ENDED,
        new JsonObject().put("session_ref", SessionUsers.sessionRef(session)));
    }
  }

  /** Emails are shown, and searched, only for owners (contract v2, "Privacy of user objects"). */
  private Future<JsonObject> searchUsers(RoutingContext ctx) {
    boolean owner = SessionUsers.isOwner(SessionUsers.require(ctx));
    JsonObject command = new JsonObject().put("match_email", owner);
    String search = ctx.request().getParam("search");
    if (search != null) {
      command.put("search", search);
    }
    String limit = ctx.request().getParam("limit");
    if (limit != null) {
      command.put("limit", limit);
    }
    return services.request(Addresses.AUTH_USERS_SEARCH, command).map(reply -> {
      JsonArray users = new JsonArray();
      reply.getJsonArray("users", new JsonArray()).forEach(u -> users.add(owner
        ? SessionUsers.publicUser((JsonObject) u) : SessionUsers.listedUser((JsonObject) u)));
      return new JsonObject().put("users", users);
    });
  }
}
