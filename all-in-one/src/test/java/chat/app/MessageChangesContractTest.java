package chat.app;

import chat.testing.TestStack;
import chat.testing.TestClient;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import chat.testing.BridgeSocket;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.junit5.VertxExtension;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Editing and deleting messages, reactions and renaming a chat over real HTTP, and the events
 * they publish as bridge frames on {@code chat.{id}}, each with its seq. Bad percent-encodings
 * of an emoji are sent raw over TCP, as a broken client would.
 */
@ExtendWith(VertxExtension.class)
class MessageChangesContractTest {

  @TempDir
  static Path dataDir;
  static TestStack stack;

  @BeforeAll
  static void deploy(Vertx vertx) throws Exception {
    stack = TestStack.deploy(vertx, dataDir, new JsonObject());
  }

  @AfterAll
  static void undeploy() throws Exception {
    stack.undeploy();
  }

  static HttpResponse<Buffer> patch(TestClient c, String path, JsonObject body) {
    return c.send(HttpMethod.PATCH, path, body, true);
  }

  static HttpResponse<Buffer> put(TestClient c, String path) {
    return c.send(HttpMethod.PUT, path, null, true);
  }

  /** The emoji percent-encoded as a path segment (a form encoder's '+' for space is a literal '+' in a path). */
  static String reactionPath(long chatId, long messageId, String emoji) {
    return "/api/chats/" + chatId + "/messages/" + messageId + "/reactions/"
      + URLEncoder.encode(emoji, StandardCharsets.UTF_8).replace("+", "%20");
  }

  static void assertError(HttpResponse<Buffer> r, int status, String code) {
    assertEquals(status, r.statusCode(), r.bodyAsString());
    assertEquals(code, r.bodyAsJsonObject().getJsonObject("error").getString("code"), r.bodyAsString());
  }

  static JsonObject body(JsonObject frame) {
    return frame.getJsonObject("body");
  }

  /** Sends a marker and waits for it; returns the chat frames that arrived before it (others stay held). */
  static List<JsonObject> framesBeforeMarker(TestClient sender, BridgeSocket ws, long chatId) throws Exception {
    ws.message(chatId, sender.sendMessage(chatId, "marker " + System.nanoTime()).getString("content"));
    return ws.drain("chat." + chatId, 0);
  }

  static long lastSeq(TestClient c, long chatId) {
    return c.get("/api/chats/" + chatId).bodyAsJsonObject().getLong("last_seq");
  }

  @Test
  void senderEditsOverRestAndParticipantsGetMessageEditedWithItsSeq() throws Exception {
    TestClient alice = stack.client().signUp("ed_alice", "student");
    TestClient bob = stack.client().signUp("ed_bob", "student");
    long chatId = alice.createChat("edits", bob.id());
    try (BridgeSocket bobWs = bob.bridge()) {
      bobWs.subscribe(chatId);
      JsonObject sent = alice.sendMessage(chatId, "helo");
      bobWs.message(chatId, "helo");
      String path = "/api/chats/" + chatId + "/messages/" + sent.getLong("id");

      HttpResponse<Buffer> r = patch(alice, path, new JsonObject().put("content", "hello"));
      assertEquals(200, r.statusCode(), r.bodyAsString());
      JsonObject edited = r.bodyAsJsonObject();
      assertEquals("hello", edited.getString("content"));
      assertNotNull(edited.getString("edited_at"));
      JsonObject event = body(bobWs.event("chat." + chatId, "message_edited"));
      assertEquals(new JsonObject().put("type", "message_edited").put("message", edited)
        .put("seq", sent.getLong("seq") + 1), event);
      assertEquals(edited, bob.history(chatId, "").getJsonObject(0));
      JsonObject feed = bob.get("/api/chats/" + chatId + "/events?after_seq=" + sent.getLong("seq")).bodyAsJsonObject();
      assertEquals(event, feed.getJsonArray("events").getJsonObject(0));

      assertError(patch(bob, path, new JsonObject().put("content", "not yours")), 403, "forbidden");
      assertError(patch(alice, path, new JsonObject().put("content", "  ")), 400, "validation");
      assertError(patch(alice, path, new JsonObject().put("content", 5)), 400, "validation");
      assertError(alice.send(HttpMethod.PATCH, path, "{not json", true), 400, "validation");
      assertError(alice.send(HttpMethod.PATCH, path, new JsonObject().put("content", "x"), false), 403, "csrf");
      assertError(patch(alice, "/api/chats/" + chatId + "/messages/999999", new JsonObject().put("content", "x")),
        404, "not_found");
      assertError(patch(alice, "/api/chats/" + chatId + "/messages/abc", new JsonObject().put("content", "x")),
        404, "not_found");

      // The same content again: 200, the message as it is, and no event before the marker.
      long seqBefore = lastSeq(alice, chatId);
      HttpResponse<Buffer> same = patch(alice, path, new JsonObject().put("content", "hello"));
      assertEquals(200, same.statusCode());
      assertEquals(edited, same.bodyAsJsonObject());
      assertEquals(seqBefore, lastSeq(alice, chatId));
      assertTrue(framesBeforeMarker(alice, bobWs, chatId).stream()
        .noneMatch(f -> "message_edited".equals(body(f).getString("type"))), "a no-op edit publishes nothing");
    }
  }

  @Test
  void deleteIs204ForSenderCreatorAndOwnersAndTheMessageLeavesHistory() throws Exception {
    TestClient alice = stack.client().signUp("del_alice", "student");
    TestClient bob = stack.client().signUp("del_bob", "student");
    TestClient carol = stack.client().signUp("del_carol", "student");
    TestClient olivia = stack.client().signUp("del_olivia", "owner");
    TestClient eve = stack.client().signUp("del_eve", "student");
    long chatId = alice.createChat("deletes", bob.id(), carol.id(), olivia.id());
    try (BridgeSocket carolWs = carol.bridge()) {
      carolWs.subscribe(chatId);
      long bobs = bob.sendMessage(chatId, "bob's").getLong("id");
      long carols = carol.sendMessage(chatId, "carol's").getLong("id");
      long more = bob.sendMessage(chatId, "bob's again").getLong("id");
      long last = bob.sendMessage(chatId, "bob's last").getLong("id");

      assertError(bob.delete("/api/chats/" + chatId + "/messages/" + carols), 403, "forbidden");
      assertError(eve.delete("/api/chats/" + chatId + "/messages/" + carols), 404, "not_found");
      assertError(bob.send(HttpMethod.DELETE, "/api/chats/" + chatId + "/messages/" + bobs, null, false), 403, "csrf");

      long seqBefore = lastSeq(alice, chatId);
      HttpResponse<Buffer> r = bob.delete("/api/chats/" + chatId + "/messages/" + bobs);
      assertEquals(204, r.statusCode(), r.bodyAsString());
      assertNull(r.body());
      JsonObject event = carolWs.await(f -> f.getJsonObject("body") != null
        && "message_deleted".equals(body(f).getString("type")), 10_000);
      assertEquals(new JsonObject().put("type", "message_deleted").put("chat_id", chatId).put("message_id", bobs)
        .put("seq", seqBefore + 1), body(event));
      assertEquals(204, alice.delete("/api/chats/" + chatId + "/messages/" + more).statusCode(), "the creator");
      assertEquals(204, olivia.delete("/api/chats/" + chatId + "/messages/" + last).statusCode(), "an owner");

      assertError(bob.delete("/api/chats/" + chatId + "/messages/" + bobs), 404, "not_found");
      List<Long> left = bob.history(chatId, "").stream().map(m -> ((JsonObject) m).getLong("id")).toList();
      assertEquals(List.of(carols), left);
      assertError(put(bob, reactionPath(chatId, bobs, "👍")), 404, "not_found");
      assertError(patch(bob, "/api/chats/" + chatId + "/messages/" + bobs, new JsonObject().put("content", "back")),
        404, "not_found");
    }
  }

  @Test
  void reactionsOverRestArePublishedWithTheirSeqAndNoOpsPublishNothing() throws Exception {
    TestClient alice = stack.client().signUp("re_alice", "student");
    TestClient bob = stack.client().signUp("re_bob", "student");
    long chatId = alice.createChat("reactions", bob.id());
    try (BridgeSocket aliceWs = alice.bridge()) {
      aliceWs.subscribe(chatId);
      JsonObject sent = alice.sendMessage(chatId, "react");
      long messageId = sent.getLong("id");
      aliceWs.message(chatId, "react");
      String family = "\uD83D\uDC68\u200D\uD83D\uDC69\u200D\uD83D\uDC67\u200D\uD83D\uDC66";

      HttpResponse<Buffer> r = put(bob, reactionPath(chatId, messageId, "👍"));
      assertEquals(200, r.statusCode(), r.bodyAsString());
      JsonArray one = new JsonArray().add(new JsonObject().put("emoji", "👍").put("count", 1)
        .put("user_ids", new JsonArray().add(bob.id())));
      assertEquals(new JsonObject().put("reactions", one), r.bodyAsJsonObject());
      assertEquals(new JsonObject().put("type", "reaction_changed").put("chat_id", chatId).put("message_id", messageId)
        .put("reactions", one).put("seq", sent.getLong("seq") + 1), body(aliceWs.event("chat." + chatId, "reaction_changed")));

      HttpResponse<Buffer> zwj = put(bob, reactionPath(chatId, messageId, family));
      assertEquals(200, zwj.statusCode(), zwj.bodyAsString());
      assertEquals(family, zwj.bodyAsJsonObject().getJsonArray("reactions").getJsonObject(1).getString("emoji"));
      aliceWs.event("chat." + chatId, "reaction_changed");

      // Again, and removing one Alice never gave: 200 with the reactions, no seq, no event.
      long seqBefore = lastSeq(alice, chatId);
      assertEquals(200, put(bob, reactionPath(chatId, messageId, "👍")).statusCode());
      assertEquals(200, alice.delete(reactionPath(chatId, messageId, "👍")).statusCode());
      assertEquals(seqBefore, lastSeq(alice, chatId));
      assertTrue(framesBeforeMarker(alice, aliceWs, chatId).stream()
        .noneMatch(f -> "reaction_changed".equals(body(f).getString("type"))), "no-ops publish nothing");

      HttpResponse<Buffer> removed = bob.delete(reactionPath(chatId, messageId, "👍"));
      assertEquals(200, removed.statusCode());
      assertEquals(1, removed.bodyAsJsonObject().getJsonArray("reactions").size());
      assertEquals(family, bob.history(chatId, "").getJsonObject(0).getJsonArray("reactions").getJsonObject(0)
        .getString("emoji"));

      assertError(put(bob, reactionPath(chatId, messageId, "\uD83D\uDE00".repeat(17))), 400, "validation");
      assertError(put(bob, reactionPath(chatId, messageId, " ")), 400, "validation");
      // '+' in a path is a plus sign, not a space: a valid (if odd) reaction.
      assertEquals("+", put(bob, "/api/chats/" + chatId + "/messages/" + messageId + "/reactions/+")
        .bodyAsJsonObject().getJsonArray("reactions").getJsonObject(1).getString("emoji"));
      assertError(bob.send(HttpMethod.PUT, reactionPath(chatId, messageId, "👍"), null, false), 403, "csrf");
    }
  }

  @Test
  void rawBadPercentEncodingsOfTheEmojiAreValidationErrorsNever500() throws Exception {
    TestClient alice = stack.client().signUp("raw_alice", "student");
    long chatId = alice.createChat("raw");
    long messageId = alice.sendMessage(chatId, "target").getLong("id");
    String base = "/api/chats/" + chatId + "/messages/" + messageId + "/reactions/";
    List<String> bad = List.of(
      "%F0%9F",                 // a 4-byte sequence cut short
      "%F0%9F%91%8D%F0",        // a good emoji, then a lone lead byte
      "%C0%AF",                 // an overlong '/'
      "%E0%80%AF",              // an overlong '/', three bytes
      "%ED%A0%80",              // a UTF-16 surrogate encoded as UTF-8
      "%ED%A0%BD%ED%B1%8D",     // CESU-8 of 👍 (a surrogate pair)
      "%FF", "%80", "%F8%88%80%80%80",
      "%F4%90%80%80",           // above U+10FFFF
      "%ZZ", "%", "%F", "%%", "%%F0",
      "%20", "%0A", "%00", "%E2%80%8B%20",
      "%F0%9F%98%80%F0%9F%98%80%F0%9F%98%80%F0%9F%98%80%F0%9F%98%80%F0%9F%98%80%F0%9F%98%80%F0%9F%98%80"
        + "%F0%9F%98%80%F0%9F%98%80%F0%9F%98%80%F0%9F%98%80%F0%9F%98%80%F0%9F%98%80%F0%9F%98%80%F0%9F%98%80"
        + "%F0%9F%98%80");      // 17 code points
    for (String method : List.of("PUT", "DELETE")) {
      for (String emoji : bad) {
        String response = raw(alice, method, base + emoji);
        String what = method + " " + emoji + ": " + response;
        assertTrue(response.startsWith("HTTP/1.1 400 "), what);
        assertTrue(response.contains("\"code\":\"validation\""), what);
        assertFalse(response.contains("Exception"), what);
      }
    }
    assertEquals(new JsonArray(), alice.history(chatId, "").getJsonObject(0).getJsonArray("reactions"));
    // The same raw path with a well-formed emoji works.
    assertTrue(raw(alice, "PUT", base + "%F0%9F%91%8D").startsWith("HTTP/1.1 200 "));
    assertEquals("👍", alice.history(chatId, "").getJsonObject(0).getJsonArray("reactions").getJsonObject(0)
      .getString("emoji"));
  }

  @Test
  void creatorAndOwnersRenameOverRestAndParticipantsGetChatRenamed() throws Exception {
    TestClient alice = stack.client().signUp("rn_alice", "student");
    TestClient bob = stack.client().signUp("rn_bob", "student");
    TestClient olivia = stack.client().signUp("rn_olivia", "owner");
    TestClient eve = stack.client().signUp("rn_eve", "owner");
    long chatId = alice.createChat("old name", bob.id(), olivia.id());
    String path = "/api/chats/" + chatId;
    try (BridgeSocket bobWs = bob.bridge()) {
      bobWs.subscribe(chatId);
      long seqBefore = lastSeq(alice, chatId);

      HttpResponse<Buffer> r = patch(alice, path, new JsonObject().put("name", " new name "));
      assertEquals(200, r.statusCode(), r.bodyAsString());
      assertEquals("new name", r.bodyAsJsonObject().getString("name"));
      assertEquals(seqBefore + 1, r.bodyAsJsonObject().getLong("last_seq"));
      assertEquals(new JsonObject().put("type", "chat_renamed").put("chat_id", chatId).put("name", "new name")
        .put("seq", seqBefore + 1), body(bobWs.event("chat." + chatId, "chat_renamed")));
      assertEquals("new name", bob.get(path).bodyAsJsonObject().getString("name"));

      assertError(patch(bob, path, new JsonObject().put("name", "bob's")), 403, "forbidden");
      assertError(patch(eve, path, new JsonObject().put("name", "eve's")), 404, "not_found");
      assertError(patch(alice, path, new JsonObject().put("name", "")), 400, "validation");
      assertError(patch(alice, path, new JsonObject().put("name", "n".repeat(201))), 400, "validation");
      assertError(alice.send(HttpMethod.PATCH, path, new JsonObject().put("name", "x"), false), 403, "csrf");

      HttpResponse<Buffer> same = patch(alice, path, new JsonObject().put("name", "new name"));
      assertEquals(200, same.statusCode());
      assertEquals(seqBefore + 1, same.bodyAsJsonObject().getLong("last_seq"));
      HttpResponse<Buffer> byOwner = patch(olivia, path, new JsonObject().put("name", "owner's name"));
      assertEquals(200, byOwner.statusCode(), byOwner.bodyAsString());
      JsonObject renamed = body(bobWs.event("chat." + chatId, "chat_renamed"));
      assertEquals("owner's name", renamed.getString("name"));
      assertEquals(seqBefore + 2, renamed.getLong("seq"), "the same-name rename took no seq");
    }
  }

  /** One request written as is over TCP with the client's cookies and XSRF header; the whole response. */
  private static String raw(TestClient c, String method, String path) throws IOException {
    try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), stack.port)) {
      socket.setSoTimeout(10_000);
      String request = method + " " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nCookie: " + c.cookieHeader()
        + "\r\nX-XSRF-TOKEN: " + c.cookie("XSRF-TOKEN") + "\r\nContent-Length: 0\r\nConnection: close\r\n\r\n";
      socket.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
      socket.getOutputStream().flush();
      InputStream in = socket.getInputStream();
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      in.transferTo(bytes);
      return bytes.toString(StandardCharsets.UTF_8);
    }
  }
}
