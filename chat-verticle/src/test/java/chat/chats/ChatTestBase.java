package chat.chats;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import chat.shared.Addresses;
import chat.shared.ErrorCode;
import chat.shared.ServiceBus;
import chat.shared.ServiceError;
import chat.shared.Settings;
import chat.testing.TestPostgres;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import io.vertx.pgclient.PgConnectOptions;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Deploys the real {@link ChatVerticle} on a fresh store next to a stand-in auth service, and
 * talks to it only over the event bus. The store is SQLite in a fresh data directory, or (the
 * surefire execution {@code postgresql}, {@link TestPostgres#selected}) a fresh database on the
 * test PostgreSQL server; a restart within a test keeps its store.
 */
@ExtendWith(VertxExtension.class)
abstract class ChatTestBase {

  static final long ALICE = 1;
  static final long BOB = 2;
  static final long CAROL = 3;
  static final long OLIVIA = 4;
  static final long DAVE = 5;
  static final long IVAN = 6;
  static final long NOBODY = 999;

  /** The stand-in auth service's users; Olivia is an owner, Ivan is deactivated. */
  static final Map<Long, JsonObject> AUTH_USERS = Map.of(
    ALICE, authUser(ALICE, "alice", "student", true),
    BOB, authUser(BOB, "bob", "student", true),
    CAROL, authUser(CAROL, "carol", "university_staff", true),
    OLIVIA, authUser(OLIVIA, "olivia", "owner", true),
    DAVE, authUser(DAVE, "dave", "student", true),
    IVAN, authUser(IVAN, "ivan", "student", false));

  @TempDir
  Path dataDir;

  Vertx vertx;
  ServiceBus bus;
  ChatVerticle verticle;
  String deploymentId;
  MessageConsumer<JsonObject> auth;
  final List<JsonObject> lookups = new CopyOnWriteArrayList<>();
  /** This test's PostgreSQL database, created on first use. */
  private String pgUrl;

  @BeforeEach
  void deployChatService(Vertx vertx) throws Exception {
    this.vertx = vertx;
    this.bus = new ServiceBus(vertx.eventBus(), 10_000);
    startAuth();
    deploy();
  }

  @AfterEach
  void undeployChatService() throws Exception {
    for (String id : otherInstances) {
      await(vertx.undeploy(id));
    }
    otherInstances.clear();
    if (deploymentId != null) {
      await(vertx.undeploy(deploymentId));
      deploymentId = null;
    }
  }

  /** Every chat instance deployed (PostgreSQL only: several at once), once {@link #addInstance} ran. */
  final List<ChatVerticle> instances = new ArrayList<>();
  /** The deployments of the instances after the first. */
  private final List<String> otherInstances = new ArrayList<>();

  /**
   * One more chat instance on the same database (PostgreSQL), deployed beside the first in this
   * Vert.x: the event bus hands each request to one of them, round-robin. Waits until every
   * instance counts them all live.
   */
  void addInstance() throws Exception {
    if (instances.isEmpty()) {
      instances.add(verticle);
    }
    ChatVerticle another = new ChatVerticle();
    otherInstances.add(await(vertx.deployVerticle(another, new DeploymentOptions().setConfig(config()))));
    instances.add(another);
    int expected = instances.size();
    waitUntil("every instance counts " + expected + " live",
      () -> instances.stream().allMatch(i -> i.liveInstances() == expected));
  }

  static JsonObject authUser(long id, String username, String type, boolean active) {
    return new JsonObject().put("id", id).put("username", username).put("email", username + "@example.org")
      .put("user_type", type).put("date_joined", "2026-01-0" + id + "T10:00:00.000Z").put("is_active", active);
  }

  /** The stand-in auth: answers lookups from {@link #AUTH_USERS}. */
  void startAuth() throws Exception {
    auth = vertx.eventBus().consumer(Addresses.AUTH_USERS_LOOKUP, msg -> {
      lookups.add(msg.body());
      JsonArray users = new JsonArray();
      JsonArray missing = new JsonArray();
      for (Object id : msg.body().getJsonArray("ids")) {
        JsonObject user = AUTH_USERS.get(((Number) id).longValue());
        if (user == null) {
          missing.add(id);
        } else {
          users.add(user.copy());
        }
      }
      msg.reply(new JsonObject().put("users", users).put("missing", missing));
    });
    await(auth.completion());
  }

  void stopAuth() throws Exception {
    await(auth.unregister());
  }

  JsonObject config() {
    JsonObject config = new JsonObject().put(Settings.DATA_DIR, dataDir.toString());
    if (TestPostgres.selected()) {
      config.put(Settings.STORE, "postgresql").put(Settings.PG_URL, pgUrl());
    }
    return config;
  }

  /** The URL of this test's PostgreSQL database (with user and password). */
  String pgUrl() {
    if (pgUrl == null) {
      pgUrl = TestPostgres.freshDatabase();
    }
    return pgUrl;
  }

  /** A JDBC connection to the service's store, as an operator would open one (close it). */
  Connection database() throws SQLException {
    if (!TestPostgres.selected()) {
      return DriverManager.getConnection("jdbc:sqlite:" + dataDir.toAbsolutePath().resolve(SqliteChatDatabase.FILE_NAME));
    }
    PgConnectOptions pg = PgConnectOptions.fromUri(pgUrl());
    return DriverManager.getConnection("jdbc:postgresql://" + pg.getHost() + ":" + pg.getPort() + "/" + pg.getDatabase()
      + "?currentSchema=" + PostgresChatDatabase.SCHEMA, pg.getUser(), pg.getPassword());
  }

  /** The first column of the first row of a query on the store. */
  long queryLong(String sql) throws SQLException {
    try (Connection c = database(); Statement s = c.createStatement(); ResultSet rows = s.executeQuery(sql)) {
      assertTrue(rows.next(), () -> "a row from " + sql);
      return rows.getLong(1);
    }
  }

  void deploy() throws Exception {
    verticle = new ChatVerticle();
    deploymentId = await(vertx.deployVerticle(verticle, new DeploymentOptions().setConfig(config())));
  }

  /** Undeploys and deploys a new instance on the same data directory. */
  void restart() throws Exception {
    await(vertx.undeploy(deploymentId));
    deploymentId = null;
    deploy();
  }

  static <T> T await(Future<T> future) throws Exception {
    return future.await(20, TimeUnit.SECONDS);
  }

  JsonObject call(String address, JsonObject body) throws Exception {
    return await(bus.request(address, body));
  }

  /** Calls and expects a failure with this code. */
  ServiceError failure(ErrorCode expected, String address, JsonObject body) {
    ServiceError error = assertThrows(ServiceError.class, () -> call(address, body));
    assertEquals(expected, error.code(), () -> "unexpected failure: " + error.getMessage());
    return error;
  }

  // ---- operations --------------------------------------------------------------------

  JsonObject createChat(long creator, String name, Long... others) throws Exception {
    return call(Addresses.CHAT_CREATE, new JsonObject().put("user_id", creator).put("name", name)
      .put("participant_ids", new JsonArray(List.of((Object[]) others))));
  }

  JsonObject getChat(long user, long chatId) throws Exception {
    return call(Addresses.CHAT_GET, new JsonObject().put("user_id", user).put("chat_id", chatId));
  }

  JsonObject addParticipant(long user, long chatId, long participant) throws Exception {
    return call(Addresses.CHAT_ADD_PARTICIPANT, new JsonObject().put("user_id", user).put("chat_id", chatId)
      .put("participant_id", participant));
  }

  JsonObject removeRequest(long user, String userType, long chatId, long participant) {
    return new JsonObject().put("user_id", user).put("user_type", userType).put("chat_id", chatId)
      .put("participant_id", participant);
  }

  boolean isMember(long user, long chatId) throws Exception {
    return call(Addresses.CHAT_MEMBERSHIP, new JsonObject().put("user_id", user).put("chat_id", chatId))
      .getBoolean("member");
  }

  JsonObject sendRequest(long user, long chatId, Object content) {
    return new JsonObject().put("user_id", user).put("chat_id", chatId).put("content", content);
  }

  JsonObject send(long user, long chatId, String content) throws Exception {
    return call(Addresses.CHAT_MESSAGE_SEND, sendRequest(user, chatId, content));
  }

  JsonObject history(long user, long chatId, JsonObject paging) throws Exception {
    return call(Addresses.CHAT_MESSAGE_HISTORY, paging.copy().put("user_id", user).put("chat_id", chatId));
  }

  List<JsonObject> allMessages(long user, long chatId) throws Exception {
    return messages(history(user, chatId, new JsonObject().put("limit", 200)));
  }

  static List<JsonObject> messages(JsonObject page) {
    List<JsonObject> list = new ArrayList<>();
    page.getJsonArray("messages").forEach(m -> list.add((JsonObject) m));
    return list;
  }

  static List<Long> ids(List<JsonObject> objects) {
    return objects.stream().map(o -> o.getLong("id")).collect(Collectors.toList());
  }

  static List<Long> participantIds(JsonObject chat) {
    List<Long> ids = new ArrayList<>();
    chat.getJsonArray("participants").forEach(p -> ids.add(((JsonObject) p).getLong("id")));
    return ids;
  }

  // ---- events ------------------------------------------------------------------------

  /** Everything published on {@code chat.{id}} from now on. */
  List<JsonObject> recordEvents(long chatId) throws Exception {
    List<JsonObject> events = new CopyOnWriteArrayList<>();
    MessageConsumer<JsonObject> consumer =
      vertx.eventBus().consumer(Addresses.chatEvents(chatId), msg -> events.add(msg.body()));
    await(consumer.completion());
    return events;
  }

  static List<JsonObject> ofType(List<JsonObject> events, String type) {
    return events.stream().filter(e -> type.equals(e.getString("type"))).collect(Collectors.toList());
  }

  static void waitUntil(String what, BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        fail("timed out waiting until " + what);
      }
      Thread.sleep(5);
    }
    assertTrue(condition.getAsBoolean());
  }

  /**
   * Sends a marker message and waits for its event: events are delivered in publish order, so
   * whatever was published before it has arrived by then.
   */
  void flushEvents(List<JsonObject> events, long user, long chatId) throws Exception {
    long markerId = send(user, chatId, "marker").getLong("id");
    waitUntil("the marker event arrived", () -> events.stream()
      .anyMatch(e -> "message".equals(e.getString("type")) && e.getJsonObject("message").getLong("id") == markerId));
  }
}
