package chat.app;

import chat.testing.TestStack;
import chat.testing.TestClient;

import chat.testing.BridgeSocket;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import chat.shared.Settings;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.junit5.VertxExtension;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * A full chat database seen from outside: sends answer the contract's 503 {@code unavailable}
 * JSON error and {@code /health} says 503 with {@code chat: DOWN} while it is full; once space is
 * freed, both recover without a restart. SQLITE_FULL is real, through the operator's size cap
 * {@code CHAT_DB_MAX_BYTES} (room for a few dozen long messages above the empty schema).
 */
@Tag("sqlite-only")
@ExtendWith(VertxExtension.class)
class StorageFullContractTest {

  private static final String LONG = "z".repeat(7000);

  @TempDir
  Path dataDir;
  TestStack stack;

  @AfterEach
  void undeploy() throws Exception {
    if (stack != null) {
      stack.undeploy();
    }
  }

  @Test
  void fullChatDatabaseAnswers503AndHealthDownUntilSpaceIsFreed(Vertx vertx) throws Exception {
    stack = TestStack.deploy(vertx, dataDir, new JsonObject().put(Settings.CHAT_DB_MAX_BYTES, 400 * 1024));
    TestClient alice = stack.client().signUp("full_alice", "student");
    TestClient bob = stack.client().signUp("full_bob", "student");
    long chatId = alice.createChat("filling up", bob.id());
    assertEquals(200, health().statusCode());

    HttpResponse<Buffer> refused = null;
    int stored = 0;
    for (int i = 0; i < 200 && refused == null; i++) {
      HttpResponse<Buffer> r = alice.post("/api/chats/" + chatId + "/messages",
        new JsonObject().put("content", "filler " + i + " " + LONG).put("client_id", "filler-" + i));
      if (r.statusCode() == 201) {
        stored++;
      } else {
        refused = r;
      }
    }
    assertNotNull(refused, "the capped database filled up");
    assertTrue(stored > 0);
    assertUnavailable(refused);
    HttpResponse<Buffer> down = health();
    assertEquals(503, down.statusCode(), down.bodyAsString());
    assertEquals("DOWN", down.bodyAsJsonObject().getString("chat"));
    assertEquals("UP", down.bodyAsJsonObject().getString("auth"));
    assertUnavailable(bob.post("/api/chats/" + chatId + "/messages",
      new JsonObject().put("content", "while full " + LONG).put("client_id", "while-full")));

    // An operator frees space through another connection.
    try (Connection operator = DriverManager.getConnection("jdbc:sqlite:" + dataDir.resolve("chat.db"));
         Statement s = operator.createStatement()) {
      s.execute("PRAGMA busy_timeout = 5000");
      // (The driver's update count includes the rows the search index's trigger changes: count the rows instead.)
      s.executeUpdate("DELETE FROM messages WHERE content LIKE 'filler %'");
      try (java.sql.ResultSet left = s.executeQuery("SELECT COUNT(*) FROM messages WHERE content LIKE 'filler %'")) {
        assertTrue(left.next() && left.getLong(1) == 0 && stored > 0, "the fillers are gone");
      }
    }
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (health().statusCode() != 200) {
      if (System.nanoTime() > deadline) {
        fail("/health did not come back to 200: " + health().bodyAsString());
      }
      Thread.sleep(50);
    }
    assertEquals("UP", health().bodyAsJsonObject().getString("chat"));

    try (BridgeSocket aliceWs = alice.bridge()) {
      aliceWs.subscribe(chatId);
      HttpResponse<Buffer> retried = bob.post("/api/chats/" + chatId + "/messages",
        new JsonObject().put("content", "while full " + LONG).put("client_id", "while-full"));
      assertEquals(201, retried.statusCode(), retried.bodyAsString());
      JsonObject live = aliceWs.event("chat." + chatId, "message").getJsonObject("body").getJsonObject("message");
      assertEquals(retried.bodyAsJsonObject(), live, "stored and published live again");
    }
    assertEquals(1, alice.history(chatId, "").size(), "the refused sends left nothing behind");
  }

  private HttpResponse<Buffer> health() {
    return stack.client().get("/health");
  }

  private static void assertUnavailable(HttpResponse<Buffer> r) {
    assertEquals(503, r.statusCode(), r.bodyAsString());
    assertTrue(r.getHeader("Content-Type").startsWith("application/json"), r.getHeader("Content-Type"));
    JsonObject error = r.bodyAsJsonObject().getJsonObject("error");
    assertEquals("unavailable", error.getString("code"), r.bodyAsString());
    assertFalse(error.getString("message").isBlank());
    assertFalse(r.bodyAsString().contains("SQLITE"), "no internals in the answer");
  }
}
