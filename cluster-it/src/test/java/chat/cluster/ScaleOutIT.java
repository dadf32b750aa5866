package chat.cluster;

import static chat.cluster.ClusterRig.awaitHealth;
import static chat.cluster.ClusterRig.freePorts;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import chat.shared.Settings;
import chat.testing.BridgeSocket;
import chat.testing.TestPostgres;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Issue 12's scale-out as separate JVMs: auth and TWO chat instances on one real PostgreSQL
 * (test-support {@link TestPostgres}: a database of its own), one gateway, on a Hazelcast
 * cluster. The gateway's requests go round-robin to the chat instances, so consecutive requests
 * are served by different ones. Every process is stopped through its own handle; one chat
 * instance is killed (SIGKILL) by its handle during sends.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ScaleOutIT {

  private static final Logger LOG = LoggerFactory.getLogger(ScaleOutIT.class);
  private static final Pattern READY = Pattern.compile("Ready: .* deployed");
  private static final long START_TIMEOUT_MS = 120_000;
  private static final Path WORK = Path.of(System.getProperty("chatbus.it.dir", "target/cluster-it"))
    .toAbsolutePath().resolveSibling("scale-out-it");
  private static final ClusterRig RIG = new ClusterRig(WORK);
  private static final AtomicInteger NAMES = new AtomicInteger();

  private static Vertx vertx;
  private static WebClient web;
  private static ServiceProcess chat1;
  private static ServiceProcess chat2;
  private static int port;

  @BeforeAll
  static void startCluster() throws Exception {
    Files.createDirectories(WORK);
    int[] ports = freePorts(5);
    port = ports[4];
    String members = Stream.of(0, 1, 2, 3).map(i -> "127.0.0.1:" + ports[i]).collect(Collectors.joining("\n"));
    String database = TestPostgres.freshDatabase();
    Map<String, String> common = new HashMap<>(Map.of(
      Settings.CLUSTER_NAME, "chatbus-scale-it-" + UUID.randomUUID().toString().substring(0, 8),
      Settings.CLUSTER_MEMBERS, members,
      Settings.CLUSTER_HOST, "127.0.0.1",
      Settings.HTTP_HOST, "127.0.0.1",
      Settings.PASSWORD_ITERATIONS, "1000",
      Settings.REGISTRATIONS_PER_HOUR, "1000000",
      Settings.PASSWORD_CHECKS_PER_ADDRESS, "1000",
      Settings.PASSWORD_QUEUE, "1000"));
    common.put(Settings.STORE, "postgresql");
    common.put(Settings.PG_URL, database);
    ServiceProcess auth = RIG.service("auth", "auth-verticle", common, ports[0], 0);
    chat1 = RIG.service("chat1", "chat-verticle", common, ports[1], 0);
    chat2 = RIG.service("chat2", "chat-verticle", common, ports[2], 0);
    ServiceProcess gateway = RIG.service("gateway", "gateway-verticle", common, ports[3], port);
    long started = System.nanoTime();
    auth.start();
    auth.awaitLine(READY, START_TIMEOUT_MS);
    for (ServiceProcess p : List.of(chat1, chat2, gateway)) {
      p.start();
    }
    for (ServiceProcess p : List.of(chat1, chat2, gateway)) {
      p.awaitLine(READY, START_TIMEOUT_MS);
    }
    // Each chat instance counts the other live.
    chat1.awaitLine(Pattern.compile("Chat instance .* (joined|ready, 2 live)"), 30_000);
    chat2.awaitLine(Pattern.compile("Chat instance .* (joined|ready, 2 live)"), 30_000);
    awaitHealth(port, 200, START_TIMEOUT_MS);
    LOG.info("auth, two chat instances and a gateway on PostgreSQL in {} ms", (System.nanoTime() - started) / 1_000_000);
    vertx = Vertx.vertx();
    web = WebClient.create(vertx);
  }

  @AfterAll
  static void stopCluster() throws Exception {
    if (vertx != null) {
      vertx.close().await(10, TimeUnit.SECONDS);
    }
    RIG.stopAll();
  }

  @Test
  @Order(1)
  void aParticipantAddedThroughOneInstanceSendsAtOnceThroughTheOtherAndOneRemovedCannot() {
    HttpUser alice = user("alice").signUp(port);
    HttpUser bob = user("bob").signUp(port);
    for (int round = 0; round < 6; round++) {
      long chatId = alice.createChat(port, "round " + round);
      HttpUser.expect(alice.post(port, "/api/chats/" + chatId + "/participants",
        new JsonObject().put("user_id", bob.id())), 200, "add bob");
      // The next request goes to the other instance: it lets bob send at once.
      assertEquals("hello " + round, bob.sendMessage(port, chatId, "hello " + round).getString("content"));
      HttpUser.expect(alice.delete(port, "/api/chats/" + chatId + "/participants/" + bob.id()), 200, "remove bob");
      for (int i = 0; i < 2; i++) {
        HttpResponse<Buffer> refused = bob.post(port, "/api/chats/" + chatId + "/messages",
          new JsonObject().put("content", "after removal"));
        HttpUser.expect(refused, 404, "a send of bob after his removal, try " + i);
      }
      HttpResponse<Buffer> history = alice.get(port, "/api/chats/" + chatId + "/messages?limit=50");
      HttpUser.expect(history, 200, "history");
      JsonArray stored = history.bodyAsJsonObject().getJsonArray("messages");
      assertEquals(1, stored.size(), "only bob's send from before his removal is stored: " + stored);
    }
  }

  @Test
  @Order(2)
  void aSocketsPipelinedSendsAreStoredInTheOrderItSentThemThroughTwoInstances() throws Exception {
    HttpUser erin = user("erin").signUp(port);
    long chatId = erin.createChat(port, "pipelined");
    BridgeSocket socket = erin.bridge(port);
    try {
      int count = 40;
      List<String> replies = new ArrayList<>();
      // All written at once, without waiting: the gateway hands them to the chat instances, which
      // take turns; each must still be stored after the one written before it.
      for (int i = 0; i < count; i++) {
        replies.add(socket.send("chat." + chatId + ".send", new JsonObject().put("content", "in order " + i)));
      }
      List<Long> seqs = new ArrayList<>();
      for (String replyAddress : replies) {
        JsonObject reply = socket.reply(replyAddress);
        assertEquals("rec", reply.getString("type"), reply::encode);
        seqs.add(reply.getJsonObject("body").getLong("seq"));
      }
      HttpResponse<Buffer> history = erin.get(port, "/api/chats/" + chatId + "/messages?limit=50");
      HttpUser.expect(history, 200, "history");
      List<String> stored = history.bodyAsJsonObject().getJsonArray("messages").stream()
        .map(m -> ((JsonObject) m).getString("content")).toList();
      List<String> sent = new ArrayList<>();
      for (int i = 0; i < count; i++) {
        sent.add("in order " + i);
      }
      assertEquals(sent, stored, "stored in the order the socket sent them");
      assertEquals(seqs.stream().sorted().toList(), seqs, "each reply's seq after the one before");
    } finally {
      socket.close();
    }
  }

  @Test
  @Order(3)
  void killingOneChatInstanceDuringSendsLosesNoAcknowledgedMessageAndRetriesStoreOnce() throws Exception {
    int writers = 4;
    int perWriter = 60;
    HttpUser owner = user("carol").signUp(port);
    List<HttpUser> senders = new ArrayList<>();
    long[] ids = new long[writers];
    for (int w = 0; w < writers; w++) {
      HttpUser sender = user("writer").signUp(port);
      senders.add(sender);
      ids[w] = sender.id();
    }
    long chatId = owner.createChat(port, "kill -9", ids);
    long first = owner.sendMessage(port, chatId, "before the sends").getLong("id");
    Map<String, Long> acknowledged = new ConcurrentHashMap<>();
    Map<String, Integer> unanswered = new ConcurrentHashMap<>();
    CountDownLatch someAcked = new CountDownLatch(writers * 10);
    ExecutorService pool = Executors.newFixedThreadPool(writers);
    List<java.util.concurrent.Future<?>> running = new ArrayList<>();
    for (int w = 0; w < writers; w++) {
      HttpUser sender = senders.get(w);
      int writer = w;
      running.add(pool.submit(() -> {
        for (int i = 0; i < perWriter; i++) {
          String clientId = "w" + writer + "-" + i;
          HttpResponse<Buffer> r = sender.send(HttpMethod.POST, port, "/api/chats/" + chatId + "/messages",
            new JsonObject().put("content", clientId).put("client_id", clientId));
          if (r.statusCode() == 201) {
            acknowledged.put(clientId, r.bodyAsJsonObject().getLong("id"));
            someAcked.countDown();
          } else {
            unanswered.put(clientId, r.statusCode());
          }
        }
        return null;
      }));
    }
    assertTrue(someAcked.await(60, TimeUnit.SECONDS), "sends are acknowledged before the kill");
    chat2.kill();
    LOG.info("chat2 killed (SIGKILL) after {} acknowledged sends", acknowledged.size());
    for (java.util.concurrent.Future<?> f : running) {
      f.get(300, TimeUnit.SECONDS);
    }
    pool.shutdown();
    LOG.info("Kill -9: {} sends acknowledged, {} not ({})", acknowledged.size(), unanswered.size(),
      unanswered.values().stream().distinct().toList());
    // Unanswered (a 503, or a 504 from a request lost with the killed instance) may still have
    // been stored: the retry with the same client_id answers that message, or stores it now.
    for (String clientId : unanswered.keySet()) {
      HttpUser sender = senders.get(Integer.parseInt(clientId.substring(1, clientId.indexOf('-'))));
      HttpResponse<Buffer> r = null;
      for (int attempt = 0; attempt < 20 && (r == null || r.statusCode() != 201); attempt++) {
        r = sender.post(port, "/api/chats/" + chatId + "/messages",
          new JsonObject().put("content", clientId).put("client_id", clientId));
      }
      HttpUser.expect(r, 201, "retry of " + clientId);
      Long earlier = acknowledged.put(clientId, r.bodyAsJsonObject().getLong("id"));
      assertEquals(null, earlier, clientId + " was acknowledged and not");
    }
    assertEquals(writers * perWriter, acknowledged.size(), "every send is acknowledged in the end");

    JsonArray history = owner.historyAfter(port, chatId, first);
    Map<String, Long> stored = new LinkedHashMap<>();
    List<Long> seqs = new ArrayList<>();
    for (Object o : history) {
      JsonObject m = (JsonObject) o;
      Long twice = stored.put(m.getString("content"), m.getLong("id"));
      assertEquals(null, twice, "stored twice: " + m.getString("content"));
      seqs.add(m.getLong("seq"));
    }
    assertEquals(acknowledged, stored, "every acknowledged message is stored once, under the id it was acknowledged with");
    List<Long> gapless = new ArrayList<>();
    for (long s = 2; s <= seqs.size() + 1; s++) {
      gapless.add(s);
    }
    // The first message took seq 1; nothing else of the chat takes one meanwhile.
    assertEquals(gapless, seqs, "the chat's seqs are 2..n+1 in id order: a killed transaction took none");
  }

  // ---- helpers -----------------------------------------------------------------------

  private static HttpUser user(String prefix) {
    return new HttpUser(vertx, web, prefix + "_" + ProcessHandle.current().pid() + "_" + NAMES.incrementAndGet());
  }

}
