package chat.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import chat.shared.Addresses;
import chat.shared.ServiceBus;
import chat.shared.launch.ChatMetrics;
import chat.shared.metrics.DomainMetrics;
import chat.testing.BridgeSocket;
import chat.testing.TestClient;
import chat.testing.TestStack;
import io.micrometer.core.instrument.Counter;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 12's direct hand-over on the all-in-one system: with the gateway and the chat service on
 * one event loop ({@link OneLoop}) a send over REST or the bridge is handed to the chat service
 * directly (counted in {@link DomainMetrics#SERVICE_HANDOVERS}, never on the event bus), and its
 * answers, errors included, are byte for byte those of the system whose sends travel the bus
 * ({@code CHAT_SHARED_EVENT_LOOP=false}), where the bus is still used.
 */
class DirectHandOverTest {

  @TempDir
  static Path oneLoopDir;
  @TempDir
  static Path twoLoopsDir;
  static Vertx oneLoopVertx;
  static Vertx twoLoopsVertx;
  static TestStack oneLoop;
  static TestStack twoLoops;
  /** Bodies of send requests the event bus delivered, per stack. */
  static final List<Object> oneLoopBusSends = new CopyOnWriteArrayList<>();
  static final List<Object> twoLoopsBusSends = new CopyOnWriteArrayList<>();

  @BeforeAll
  static void deploy() throws Exception {
    JsonObject config = new JsonObject().put("CHAT_MAX_MESSAGE_LENGTH", 100);
    oneLoopVertx = ChatMetrics.builder(new VertxOptions()).build();
    twoLoopsVertx = ChatMetrics.builder(new VertxOptions()).build();
    recordBusSends(oneLoopVertx, oneLoopBusSends);
    recordBusSends(twoLoopsVertx, twoLoopsBusSends);
    oneLoop = TestStack.deploy(oneLoopVertx, oneLoopDir, config.copy());
    twoLoops = TestStack.deploy(twoLoopsVertx, twoLoopsDir, config.copy().put("CHAT_SHARED_EVENT_LOOP", false));
  }

  @AfterAll
  static void close() throws Exception {
    oneLoop.undeploy();
    twoLoops.undeploy();
    oneLoopVertx.close().await(30, TimeUnit.SECONDS);
    twoLoopsVertx.close().await(30, TimeUnit.SECONDS);
  }

  private static void recordBusSends(Vertx vertx, List<Object> sends) {
    vertx.eventBus().addInboundInterceptor(ctx -> {
      if (Addresses.CHAT_MESSAGE_SEND.equals(ctx.message().address())) {
        sends.add(ctx.body());
      }
      ctx.next();
    });
  }

  /** One send over REST, one over the bridge (acknowledged). */
  private static void sendOverRestAndTheBridge(TestClient alice, long chatId) throws Exception {
    alice.sendMessage(chatId, "over REST");
    try (BridgeSocket ws = alice.bridge()) {
      JsonObject ack = ws.reply(ws.send(Addresses.chatSend(chatId), new JsonObject().put("content", "over the bridge"), null));
      assertEquals("rec", ack.getString("type"), ack.encode());
    }
  }

  @Test
  void onOneLoopSendsOverRestAndTheBridgeAreHandedOverDirectly() throws Exception {
    TestClient alice = oneLoop.client().signUp("ho_alice", "student");
    long chatId = alice.createChat("hand-over");
    double handOvers = handOvers();
    int busSends = oneLoopBusSends.size();

    sendOverRestAndTheBridge(alice, chatId);
    assertEquals(handOvers + 2, handOvers());

    // The marker: a send from outside the loop (this thread) goes over the bus and is seen there,
    // so the two before it would have been seen too, had they travelled the bus.
    JsonObject marker = new JsonObject().put("user_id", alice.id()).put("chat_id", chatId).put("content", "marker");
    new ServiceBus(oneLoopVertx.eventBus()).handOver(Addresses.CHAT_MESSAGE_SEND, marker).await(10, TimeUnit.SECONDS);
    assertEquals(List.of(marker), oneLoopBusSends.subList(busSends, oneLoopBusSends.size()));
    assertEquals(handOvers + 2, handOvers());
    assertEquals(3, alice.history(chatId, "").size());
  }

  @Test
  void withoutTheSharedLoopSendsTravelTheBus() throws Exception {
    TestClient alice = twoLoops.client().signUp("bus_alice", "student");
    long chatId = alice.createChat("over the bus");
    double handOvers = handOvers();
    int busSends = twoLoopsBusSends.size();

    sendOverRestAndTheBridge(alice, chatId);
    assertEquals(2, twoLoopsBusSends.size() - busSends, twoLoopsBusSends.toString());
    assertEquals(handOvers, handOvers());
  }

  @Test
  void failedSendsAnswerWhatTheBusAnswers() throws Exception {
    double failures = failures();
    List<String> oneLoopAnswers = failedSends(oneLoop, "fo");
    assertTrue(failures() - failures >= 5, "the chat service's refusals were hand-overs: " + (failures() - failures));
    List<String> twoLoopsAnswers = failedSends(twoLoops, "fb");
    assertEquals(twoLoopsAnswers, oneLoopAnswers);
  }

  /**
   * The answers (REST status, Retry-After and body; bridge frame without its reply address) to
   * sends the chat service refuses: invalid content (with fields), a chat the sender is not in;
   * then a good send, answered as ever (the service lives on).
   */
  private static List<String> failedSends(TestStack stack, String prefix) throws Exception {
    TestClient alice = stack.client().signUp(prefix + "_alice", "student");
    TestClient mallory = stack.client().signUp(prefix + "_mallory", "student");
    long chatId = alice.createChat("refusals");
    List<JsonObject> bodies = List.of(new JsonObject().put("content", ""), new JsonObject().put("content", 5),
      new JsonObject().put("content", "z".repeat(101)), new JsonObject());
    List<String> answers = new ArrayList<>();
    String path = "/api/chats/" + chatId + "/messages";
    for (JsonObject body : bodies) {
      answers.add(rest(alice.post(path, body)));
    }
    answers.add(rest(mallory.post(path, new JsonObject().put("content", "not mine"))));
    try (BridgeSocket ws = alice.bridge()) {
      for (JsonObject body : bodies) {
        JsonObject err = ws.reply(ws.send(Addresses.chatSend(chatId), body, null));
        err.remove("address");
        answers.add(err.encode());
      }
    }
    HttpResponse<Buffer> fine = alice.post(path, new JsonObject().put("content", "fine"));
    answers.add(fine.statusCode() + " " + new TreeSet<>(fine.bodyAsJsonObject().fieldNames()));
    return answers;
  }

  private static String rest(HttpResponse<Buffer> r) {
    return r.statusCode() + " " + r.getHeader("Retry-After") + " " + r.bodyAsString();
  }

  private static double handOvers() {
    Counter counter = ChatMetrics.registry().find(DomainMetrics.SERVICE_HANDOVERS)
      .tag(DomainMetrics.ADDRESS, Addresses.CHAT_MESSAGE_SEND).counter();
    return counter == null ? 0 : counter.count();
  }

  private static double failures() {
    Counter counter = ChatMetrics.registry().find(DomainMetrics.SERVICE_HANDOVER_FAILURES)
      .tag(DomainMetrics.ADDRESS, Addresses.CHAT_MESSAGE_SEND).tag(DomainMetrics.FAILURE, "RECIPIENT_FAILURE").counter();
    return counter == null ? 0 : counter.count();
  }
}
