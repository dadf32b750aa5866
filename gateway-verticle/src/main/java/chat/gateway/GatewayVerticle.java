package chat.gateway;

import chat.shared.ErrorCode;
import chat.shared.ServiceBus;
import chat.shared.ServiceError;
import chat.shared.Settings;
import chat.shared.launch.ChatMetrics;
import chat.shared.metrics.DomainMetrics;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.CookieSameSite;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import io.vertx.ext.web.handler.SessionHandler;
import io.vertx.ext.web.handler.StaticHandler;
import io.vertx.ext.web.handler.sockjs.SockJSHandler;
import io.vertx.ext.web.handler.sockjs.SockJSHandlerOptions;
import io.vertx.ext.web.sstore.ClusteredSessionStore;
import io.vertx.ext.web.sstore.LocalSessionStore;
import io.vertx.ext.web.sstore.SessionStore;
import io.vertx.micrometer.PrometheusScrapingHandler;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP face of the system: REST under {@code /api}, the SockJS event-bus bridge under
 * {@code /eventbus}, {@code /health}, {@code /metrics}. It holds no data of its own; sessions live in the session
 * store (local, or cluster-wide when Vert.x is clustered) and everything else is asked of the
 * auth and chat services over the event bus.
 */
public class GatewayVerticle extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(GatewayVerticle.class);
  public static final String SESSION_COOKIE = "chat.session";
  private static final long CLUSTERED_SESSION_WAIT_MS = 500;
  /** The static files' root (on the classpath). */
  private static final String WEBROOT = "webroot";
  private static final ServiceError NO_SUCH_ENDPOINT = new ServiceError(ErrorCode.NOT_FOUND, "No such endpoint");

  /** Time in-flight requests get to finish when the gateway stops (SIGTERM). */
  private static final long SHUTDOWN_GRACE_SECONDS = 5;

  private HttpServer server;
  private Router router;
  private MessageConsumer<JsonObject> sessionEnded;
  private MessageConsumer<JsonObject> userEvents;
  private BridgeProtocol bridge;
  private long metricsTimer;

  @Override
  public Future<?> start() {
    Settings settings = new Settings(config());
    Future<OpenApiDocument> openApi = OpenApiDocument.load(vertx);
    Future<byte[]> csrfSecret = CsrfSecret.resolve(vertx, settings);
    return Future.all(openApi, csrfSecret).compose(loaded -> start(settings, openApi.result(), csrfSecret.result()));
  }

  private Future<?> start(Settings settings, OpenApiDocument openApi, byte[] csrfSecret) {
    ServiceBus services = new ServiceBus(vertx.eventBus());
    boolean secureCookies = settings.bool(Settings.COOKIE_SECURE);


    DoubleSubmitCsrf csrf = new DoubleSubmitCsrf(csrfSecret, secureCookies);
    MessageSends messages = new MessageSends(services);
    UserCache users = new UserCache(services);
    SocketWriteQueues writeQueues = new SocketWriteQueues(settings.integer(Settings.SOCKET_WRITE_QUEUE_BYTES));
    SockJSSessionBindings sockJsBindings = new SockJSSessionBindings(vertx);
    int maxFrameBytes = settings.integer(Settings.BRIDGE_MAX_FRAME_BYTES);
    PresenceReports presence = new PresenceReports(vertx, settings.integer(Settings.PRESENCE_GRACE_MS),
      settings.integer(Settings.PRESENCE_LEASE_MS));
    bridge = new BridgeProtocol(vertx, services, messages, users, writeQueues, sockJsBindings, presence,
      settings.integer(Settings.BRIDGE_SOCKETS_PER_ADDRESS));
    bridge.start();
    DomainMetrics.openSockets(bridge::openSockets);
    metricsTimer = vertx.setPeriodic(1_000, id -> writeQueues.reportMetrics());

    // A cluster-wide store waits this long for a session another gateway has not stored yet;
    // login stores its session before answering, so a short wait is enough and an unknown or
    // logged-out cookie does not hold a request for the default 5 s.
    long sessionTimeoutMs = settings.integer(Settings.SESSION_TIMEOUT_MINUTES) * 60_000L;
    SessionStore store = new TombstoneSessionStore(vertx, vertx.isClustered()
      ? ClusteredSessionStore.create(vertx, CLUSTERED_SESSION_WAIT_MS)
      : LocalSessionStore.create(vertx), sessionTimeoutMs);
    SessionHandler sessions = SessionHandler.create(store)
      .setSessionCookieName(SESSION_COOKIE)
      .setCookieHttpOnlyFlag(true)
      .setCookieSecureFlag(secureCookies)
      .setCookieSameSite(CookieSameSite.LAX)
      .setSessionTimeout(sessionTimeoutMs)
      .setLazySession(true);

    SecurityHeaders headers = new SecurityHeaders(secureCookies);
    router = Router.router(vertx);
    router.route().handler(new AccessLog());
    router.route().handler(headers);
    // The body limit gives 413; SockJS's xhr transports also need the body read before them.
    // Attachment uploads (issue 14) are streamed to the chat service, never buffered here.
    AttachmentApi attachments = new AttachmentApi(vertx, services, settings.integer(Settings.MAX_ATTACHMENT_BYTES));
    Handler<RoutingContext> bodies = attachments.bodyHandlerUnlessUpload(
      BodyHandler.create(false).setBodyLimit(settings.integer(Settings.MAX_BODY_BYTES)));
    router.route().handler(ctx -> {
      // A WebSocket handshake has no body, whatever its headers say (the JDK's client sends
      // Content-Length: 0): reading one would leave the upgrade nothing to take over (a 500).
      if (ctx.request().headers().contains(HttpHeaders.UPGRADE, HttpHeaders.WEBSOCKET, true)) {
        ctx.next();
      } else {
        bodies.handle(ctx);
      }
    });
    router.route().handler(sessions);

    router.route("/api/*").handler(csrf);
    // A deactivated user's session ends here; a changed user (type) is refreshed in the session.
    router.route("/api/*").handler(new UserFreshness(users, vertx.eventBus()));
    new AuthApi(services, vertx.eventBus(), csrf, sessions).mount(router);
    new ChatApi(services, messages).mount(router);
    new AdminApi(services, users).mount(router);
    new SearchApi(services).mount(router);
    attachments.mount(router);
    openApi.mount(router);
    // No endpoint served it: 405 with Allow when the path is served with other methods, else 404.
    AllowedMethods allowed = new AllowedMethods(router, WEBROOT);
    router.route("/api/*").handler(ctx -> ctx.fail(HttpErrors.unserved(ctx, allowed.ofRoutes(ctx), NO_SUCH_ENDPOINT)));
    router.route("/api/*").failureHandler(HttpErrors::handle);

    new HealthApi(services, bridge).mount(router);
    // Prometheus text of this JVM's registry (Vert.x and domain meters), see docs/metrics.md.
    router.get(ChatMetrics.PATH).handler(PrometheusScrapingHandler.create(ChatMetrics.registry()));

    router.route("/eventbus/*").handler(new OriginCheck(settings.list(Settings.ALLOWED_ORIGINS)));
    router.route("/eventbus/*").handler(new SockJSRequestGuard(sockJsBindings, maxFrameBytes));
    SockJSHandlerOptions sockJsOptions = new SockJSHandlerOptions().setHeartbeatInterval(25_000);
    SockJSRequestGuard.DISABLED_TRANSPORTS.forEach(sockJsOptions::addDisabledTransport);
    // The event-bus bridge protocol, spoken by the gateway itself over each SockJS socket.
    router.route("/eventbus/*").subRouter(SockJSHandler.create(vertx, sockJsOptions).socketHandler(bridge));
    router.route("/eventbus/*").failureHandler(HttpErrors::handle);

    // The owner's admin page (webroot/admin.html) answers at /admin too.
    router.get("/admin").handler(ctx -> ctx.reroute("/admin.html"));
    router.route("/*").handler(StaticHandler.create(WEBROOT).setCachingEnabled(false));
    AccessLog.recordRoutesOfFailures(router);
    HttpErrors.mountOn(router, allowed);

    sessionEnded = bridge.listenForEndedSessions();
    userEvents = users.listen(vertx.eventBus(), bridge::closeSocketsOfUser);
    String host = settings.string(Settings.HTTP_HOST);
    int port = settings.integer(Settings.HTTP_PORT);
    // A bridge frame is one WebSocket message; larger ones fail the socket (BridgeFaults).
    server = vertx.createHttpServer(new HttpServerOptions().setHost(host).setPort(port)
        .setMaxWebSocketFrameSize(maxFrameBytes).setMaxWebSocketMessageSize(maxFrameBytes))
      .invalidRequestHandler(request -> {
        headers.apply(request.response());
        HttpErrors.invalidRequest(request);
      })
      .requestHandler(request -> {
        headers.apply(request.response());
        router.handle(request);
      });
    // Connection faults (a client gone mid-request, a reset) are the client's: not ERRORs.
    server.exceptionHandler(failure -> LOG.debug("HTTP connection failed: {}", String.valueOf(failure)));
    return Future.all(sessionEnded.completion(), userEvents.completion(), server.listen())
      .onSuccess(v -> LOG.info("Gateway listening on http://{}:{}", host, server.actualPort()));
  }

  /**
   * Graceful: the server stops accepting, in-flight requests finish (each HTTP/1 connection
   * closes after its current response), and whatever is still open after the grace period
   * (bridge WebSockets, which ignore the shutdown notice) is closed. Runs before the event bus
   * closes, so requests waiting on a service still get their answer.
   */
  @Override
  public Future<?> stop() {
    vertx.cancelTimer(metricsTimer);
    if (bridge != null) {
      bridge.stop();
    }
    return server == null ? Future.succeededFuture() : server.shutdown(SHUTDOWN_GRACE_SECONDS, TimeUnit.SECONDS);
  }

  /** The routes, for the test that holds them against the OpenAPI document. */
  Router router() {
    return router;
  }

  /** The port the server listens on (useful when configured with port 0). */
  public int actualPort() {
    return server.actualPort();
  }
}
