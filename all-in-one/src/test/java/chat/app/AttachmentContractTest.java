package chat.app;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import chat.testing.BridgeSocket;
import chat.testing.Multipart;
import chat.testing.TestClient;
import chat.testing.TestPostgres;
import chat.testing.TestStack;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.junit5.VertxExtension;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Attachments (contract v2, "Attachments") over real HTTP on both stores: the round trip keeps
 * the bytes and their SHA-256, the type comes from the bytes, the size limit leaves nothing
 * behind, outsiders get 404, a message's attachment_ids are checked, and deleting what carries
 * an attachment removes its bytes once nothing names them.
 */
@ExtendWith(VertxExtension.class)
class AttachmentContractTest {

  static final int MAX = 10 * 1024 * 1024;

  @TempDir
  static Path dataDir;
  static TestStack stack;
  /** The PostgreSQL database of the stack (PostgreSQL runs only), to count the stored chunks. */
  static String pgUrl;

  @BeforeAll
  static void deploy(Vertx vertx) throws Exception {
    JsonObject config = new JsonObject();
    if (TestPostgres.selected()) {
      pgUrl = TestPostgres.freshDatabase();
      config.put("CHAT_PG_URL", pgUrl);
    }
    stack = TestStack.deploy(vertx, dataDir, config);
  }

  @AfterAll
  static void undeploy() throws Exception {
    stack.undeploy();
  }

  static void assertError(HttpResponse<Buffer> r, int status, String code) {
    assertEquals(status, r.statusCode(), r.bodyAsString());
    assertEquals(code, r.bodyAsJsonObject().getJsonObject("error").getString("code"), r.bodyAsString());
  }

  static byte[] random(int n, long seed) {
    byte[] bytes = new byte[n];
    new Random(seed).nextBytes(bytes);
    return bytes;
  }

  static byte[] concat(byte[] a, byte[] b) {
    byte[] both = new byte[a.length + b.length];
    System.arraycopy(a, 0, both, 0, a.length);
    System.arraycopy(b, 0, both, a.length, b.length);
    return both;
  }

  static String path(long chatId, long attachmentId) {
    return "/api/chats/" + chatId + "/attachments/" + attachmentId;
  }

  static JsonObject uploaded(TestClient c, long chatId, String name, String type, byte[] bytes) {
    HttpResponse<Buffer> r = c.upload(chatId, name, type, bytes);
    assertEquals(201, r.statusCode(), r.bodyAsString());
    return r.bodyAsJsonObject();
  }

  /** What the attachments occupy: every file under the data directory's attachments folder, and on PostgreSQL the chunk rows. */
  static List<String> stored() throws IOException {
    Path root = dataDir.resolve("attachments");
    List<String> files;
    if (!Files.exists(root)) {
      files = new java.util.ArrayList<>();
    } else {
      try (Stream<Path> walk = Files.walk(root)) {
        files = new java.util.ArrayList<>(walk.filter(Files::isRegularFile).map(p -> root.relativize(p).toString()).sorted().toList());
      }
    }
    if (pgUrl != null) {
      String out = TestPostgres.psql(pgUrl, "SELECT 'chunks=' || count(*) FROM chat.attachment_chunks");
      files.add(out.lines().filter(l -> l.contains("chunks=")).findFirst().orElse(out).strip());
    }
    return files;
  }

  @Test
  void uploadAndDownloadKeepTheBytesAndTheirSha256() {
    TestClient alice = stack.client().signUp("att_alice", "student");
    long chat = alice.createChat("files");
    byte[] bytes = random(700_000, 1);
    JsonObject a = uploaded(alice, chat, "../../etc/passwd.bin", "image/png", bytes);
    assertEquals(Multipart.sha256(bytes), a.getString("sha256"));
    assertEquals(bytes.length, a.getLong("size"));
    assertEquals("passwd.bin", a.getString("filename"));
    assertEquals("application/octet-stream", a.getString("content_type"));
    assertEquals(chat, a.getLong("chat_id"));
    assertTrue(a.getLong("id") > 0);

    HttpResponse<Buffer> down = alice.get(path(chat, a.getLong("id")));
    assertEquals(200, down.statusCode());
    assertArrayEquals(bytes, down.body().getBytes());
    assertEquals(Multipart.sha256(down.body().getBytes()), a.getString("sha256"));
    assertEquals("application/octet-stream", down.getHeader("Content-Type"));
    assertEquals(Integer.toString(bytes.length), down.getHeader("Content-Length"));
    assertEquals("nosniff", down.getHeader("X-Content-Type-Options"));
    assertEquals("private", down.getHeader("Cache-Control"));
    assertEquals("attachment; filename=\"passwd.bin\"; filename*=UTF-8''passwd.bin", down.getHeader("Content-Disposition"));
  }

  @Test
  void theTypeComesFromTheBytesNotTheClaim() {
    TestClient alice = stack.client().signUp("att_types", "student");
    long chat = alice.createChat("types");
    byte[] png = concat(new byte[] {(byte) 0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A}, random(100, 2));
    byte[] webp = concat(Multipart.utf8("RIFF\u0010\u0000\u0000\u0000WEBPVP8 "), random(40, 3));
    Map<String, Object[]> table = new LinkedHashMap<>();
    table.put("a.png", new Object[] {"text/html", png, "image/png", "inline"});
    table.put("a.jpg", new Object[] {"text/plain", concat(new byte[] {(byte) 0xFF, (byte) 0xD8, (byte) 0xFF}, random(50, 4)),
      "image/jpeg", "inline"});
    table.put("a.gif", new Object[] {"image/png", Multipart.utf8("GIF89a\u0001\u0000\u0001\u0000"), "image/gif", "inline"});
    table.put("a.webp", new Object[] {"application/pdf", webp, "image/webp", "inline"});
    table.put("a.pdf", new Object[] {"image/png", Multipart.utf8("%PDF-1.7\n%...\n"), "application/pdf", "attachment"});
    table.put("page.html", new Object[] {"image/png", Multipart.utf8("<!DOCTYPE html><script>alert(1)</script>"),
      "application/octet-stream", "attachment"});
    table.put("pic.svg", new Object[] {"image/svg+xml", Multipart.utf8("\uFEFF  <svg xmlns=\"http://www.w3.org/2000/svg\"/>"),
      "application/octet-stream", "attachment"});
    table.put("notes.txt", new Object[] {"application/octet-stream", Multipart.utf8("héllo ✓ 漢字\n<3 and <- arrows\n"),
      "text/plain; charset=utf-8", "attachment"});
    table.put("latin1.txt", new Object[] {"text/plain", new byte[] {'c', 'a', 'f', (byte) 0xE9}, "application/octet-stream",
      "attachment"});
    table.put("nul.txt", new Object[] {"text/plain", new byte[] {'a', 0, 'b'}, "application/octet-stream", "attachment"});
    table.forEach((name, row) -> {
      JsonObject a = uploaded(alice, chat, name, (String) row[0], (byte[]) row[1]);
      assertEquals(row[2], a.getString("content_type"), name);
      HttpResponse<Buffer> down = alice.get(path(chat, a.getLong("id")));
      assertEquals(row[2], down.getHeader("Content-Type"), name);
      assertTrue(down.getHeader("Content-Disposition").startsWith(row[3] + ";"), name + ": " + down.getHeader("Content-Disposition"));
      assertArrayEquals((byte[]) row[1], down.body().getBytes(), name);
    });
  }

  @Test
  void overTheLimitIs413AndLeavesNothingBehind(Vertx vertx) throws Exception {
    TestClient alice = stack.client().signUp("att_big", "student");
    long chat = alice.createChat("big");
    List<String> before = stored();
    // Declared too large by its Content-Length: refused at once.
    assertError(alice.upload(chat, "big.bin", "application/octet-stream", new byte[MAX + 1]), 413, "payload_too_large");
    // No Content-Length (chunked): the stream crosses the limit and is aborted.
    HttpClient http = vertx.createHttpClient();
    try {
      JsonObject response = http.request(new RequestOptions().setMethod(HttpMethod.POST).setHost("127.0.0.1")
          .setPort(stack.port).setURI("/api/chats/" + chat + "/attachments")
          .putHeader("Cookie", alice.cookieHeader()).putHeader("X-XSRF-TOKEN", alice.cookie("XSRF-TOKEN"))
          .putHeader("Content-Type", Multipart.CONTENT_TYPE))
        .compose(request -> {
          request.setChunked(true);
          request.write(Multipart.head("file", "big.bin", "application/octet-stream"));
          byte[] mib = new byte[1024 * 1024];
          for (int i = 0; i < 10; i++) {
            request.write(Buffer.buffer(mib));
          }
          request.write(Buffer.buffer(new byte[1]));
          request.end(Multipart.tail());
          // The body is asked for as the response arrives, on the event loop.
          return request.response().compose(r -> r.body().map(body -> new JsonObject()
            .put("status", r.statusCode()).put("body", body.toString())));
        }).await(60, TimeUnit.SECONDS);
      assertEquals(413, response.getInteger("status"), response.encode());
      assertEquals("payload_too_large", new JsonObject(response.getString("body"))
        .getJsonObject("error").getString("code"));
    } finally {
      http.close();
    }
    // Exactly the limit passes.
    JsonObject limit = uploaded(alice, chat, "limit.bin", "application/octet-stream", new byte[MAX]);
    assertEquals(MAX, limit.getLong("size"));
    alice.deleteMessage(chat, alice.sendMessageWith(chat, "", limit.getLong("id")).getLong("id"));
    assertEquals(before, stored(), "no file, temp file or chunk left");
  }

  @Test
  void outsidersGet404OnUploadAndDownload() {
    TestClient alice = stack.client().signUp("att_own", "student");
    TestClient eve = stack.client().signUp("att_eve", "student");
    long chat = alice.createChat("private");
    long other = eve.createChat("eve's");
    JsonObject a = uploaded(alice, chat, "secret.txt", "text/plain", Multipart.utf8("secret"));
    assertError(eve.upload(chat, "x.txt", "text/plain", Multipart.utf8("x")), 404, "not_found");
    assertError(eve.get(path(chat, a.getLong("id"))), 404, "not_found");
    // Through a chat of her own, the id of another chat's attachment finds nothing either.
    assertError(eve.get(path(other, a.getLong("id"))), 404, "not_found");
    assertError(alice.get(path(chat, 999_999_999L)), 404, "not_found");
    assertError(alice.get("/api/chats/" + chat + "/attachments/abc"), 404, "not_found");
    // A body that is not multipart, or has no part named file.
    HttpResponse<Buffer> json = alice.post("/api/chats/" + chat + "/attachments", new JsonObject());
    assertError(json, 400, "validation");
  }

  @Test
  void messagesCarryTheirSendersUploadsOnly() {
    TestClient alice = stack.client().signUp("att_send", "student");
    TestClient bob = stack.client().signUp("att_bob", "student");
    long chat = alice.createChat("with files", bob.id());
    long elsewhere = alice.createChat("elsewhere");
    JsonObject mine = uploaded(alice, chat, "a.txt", "text/plain", Multipart.utf8("a"));
    JsonObject second = uploaded(alice, chat, "b.txt", "text/plain", Multipart.utf8("b"));
    JsonObject bobs = uploaded(bob, chat, "bob.txt", "text/plain", Multipart.utf8("bob"));
    JsonObject otherChat = uploaded(alice, elsewhere, "c.txt", "text/plain", Multipart.utf8("c"));
    String messages = "/api/chats/" + chat + "/messages";

    for (Object bad : List.of(new JsonArray().add(bobs.getLong("id")), new JsonArray().add(otherChat.getLong("id")),
      new JsonArray().add(987_654_321L), new JsonArray().add("x"), "1",
      new JsonArray(java.util.Collections.nCopies(11, mine.getLong("id"))),
      new JsonArray().add(mine.getLong("id")).add(mine.getLong("id")))) {
      HttpResponse<Buffer> r = alice.post(messages, new JsonObject().put("content", "").put("attachment_ids", bad));
      assertError(r, 400, "validation");
      assertTrue(r.bodyAsJsonObject().getJsonObject("error").getJsonObject("fields").containsKey("attachment_ids"), bad.toString());
    }
    // Neither content nor attachments.
    assertError(alice.post(messages, new JsonObject().put("content", "").put("attachment_ids", new JsonArray())), 400,
      "validation");

    HttpResponse<Buffer> sent = alice.post(messages, new JsonObject()
      .put("attachment_ids", new JsonArray().add(mine.getLong("id")).add(second.getLong("id"))));
    assertEquals(201, sent.statusCode(), sent.bodyAsString());
    JsonObject message = sent.bodyAsJsonObject();
    assertEquals("", message.getString("content"));
    JsonArray attached = message.getJsonArray("attachments");
    assertEquals(2, attached.size());
    assertEquals(mine.getLong("id"), attached.getJsonObject(0).getLong("id"));
    for (String key : List.of("id", "filename", "content_type", "size", "sha256", "created_at")) {
      assertEquals(mine.getValue(key), attached.getJsonObject(0).getValue(key), key);
    }
    // Already attached.
    assertError(alice.post(messages, new JsonObject().put("content", "again")
      .put("attachment_ids", new JsonArray().add(mine.getLong("id")))), 400, "validation");
    // Shown in history and in the feed, to every participant; bob downloads it.
    JsonObject inHistory = bob.history(chat).getJsonObject(0);
    assertEquals(attached, inHistory.getJsonArray("attachments"));
    JsonArray events = bob.get("/api/chats/" + chat + "/events?after_seq=0").bodyAsJsonObject().getJsonArray("events");
    JsonObject event = events.stream().map(JsonObject.class::cast).filter(e -> "message".equals(e.getString("type")))
      .findFirst().orElseThrow();
    assertEquals(attached, event.getJsonObject("message").getJsonArray("attachments"));
    assertEquals("a", bob.get(path(chat, mine.getLong("id"))).bodyAsString());
    // A plain message still has an empty list.
    assertEquals(new JsonArray(), alice.sendMessage(chat, "plain").getJsonArray("attachments"));
    // A search result shows the message with its attachments, as history does.
    JsonObject report = uploaded(alice, chat, "q3.txt", "text/plain", Multipart.utf8("figures"));
    HttpResponse<Buffer> captioned = alice.post(messages, new JsonObject().put("content", "quarterly figures")
      .put("attachment_ids", new JsonArray().add(report.getLong("id"))));
    assertEquals(201, captioned.statusCode(), captioned.bodyAsString());
    JsonArray found = bob.get("/api/search?q=quarterly").bodyAsJsonObject().getJsonArray("results");
    assertEquals(1, found.size(), found.encode());
    assertEquals(captioned.bodyAsJsonObject().getJsonArray("attachments"),
      found.getJsonObject(0).getJsonObject("message").getJsonArray("attachments"));
  }

  @Test
  void aBridgeSendCarriesAttachmentsAndItsEventShowsThem() throws Exception {
    TestClient alice = stack.client().signUp("att_bridge", "student");
    TestClient bob = stack.client().signUp("att_listen", "student");
    long chat = alice.createChat("bridge files", bob.id());
    JsonObject a = uploaded(alice, chat, "pic.gif", "image/gif", Multipart.utf8("GIF89a\u0001\u0000\u0001\u0000;"));
    JsonObject someoneElses = uploaded(bob, chat, "b.txt", "text/plain", Multipart.utf8("b"));
    try (BridgeSocket aliceWs = alice.bridge(); BridgeSocket bobWs = bob.bridge()) {
      bobWs.subscribe(chat);
      JsonObject refused = aliceWs.reply(aliceWs.send("chat." + chat + ".send",
        new JsonObject().put("content", "").put("attachment_ids", new JsonArray().add(someoneElses.getLong("id")))));
      assertEquals("err", refused.getString("type"), refused.encode());
      assertEquals(400, refused.getInteger("failureCode"), refused.encode());
      JsonObject reply = aliceWs.reply(aliceWs.send("chat." + chat + ".send",
        new JsonObject().put("content", "see").put("attachment_ids", new JsonArray().add(a.getLong("id")))));
      assertEquals("rec", reply.getString("type"), reply.encode());
      JsonArray attached = reply.getJsonObject("body").getJsonArray("attachments");
      assertEquals(1, attached.size());
      assertEquals(a.getLong("id"), attached.getJsonObject(0).getLong("id"));
      assertEquals("image/gif", attached.getJsonObject(0).getString("content_type"));
      JsonObject event = bobWs.message(chat, "see");
      assertEquals(attached, event.getJsonArray("attachments"), event.encode());
    }
  }

  @Test
  void deletingRemovesTheBytesOnceNothingNamesThem() throws Exception {
    TestClient alice = stack.client().signUp("att_del", "student");
    TestClient owner = stack.client().signUp("att_owner", "owner");
    long chat = alice.createChat("to delete", owner.id());
    List<String> before = stored();
    byte[] bytes = random(300_000, 9);
    JsonObject one = uploaded(alice, chat, "one.bin", "application/octet-stream", bytes);
    JsonObject two = uploaded(alice, chat, "two.bin", "application/octet-stream", bytes);
    assertEquals(one.getString("sha256"), two.getString("sha256"));
    long first = alice.sendMessageWith(chat, "first", one.getLong("id")).getLong("id");
    alice.sendMessageWith(chat, "second", two.getLong("id"));
    List<String> withFile = stored();
    assertFalse(withFile.equals(before), "the bytes are stored");
    if (pgUrl == null) {
      String sha = one.getString("sha256");
      assertTrue(withFile.contains(sha.substring(0, 2) + "/" + sha.substring(2, 4) + "/" + sha), withFile.toString());
    }
    // The sender deletes the first message: the bytes stay, the second still names them.
    alice.deleteMessage(chat, first);
    assertError(alice.get(path(chat, one.getLong("id"))), 404, "not_found");
    assertEquals(withFile, stored());
    assertArrayEquals(bytes, alice.get(path(chat, two.getLong("id"))).body().getBytes());
    // An unattached upload goes with its chat too.
    uploaded(alice, chat, "loose.txt", "text/plain", Multipart.utf8("loose"));
    // The owner deletes the chat: nothing names the bytes any more.
    assertEquals(204, owner.delete("/api/admin/chats/" + chat).statusCode());
    assertEquals(before, stored());
  }
}
