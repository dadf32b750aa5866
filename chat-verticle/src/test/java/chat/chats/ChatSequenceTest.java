package chat.chats;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import chat.shared.Addresses;
import chat.shared.ErrorCode;
import chat.shared.Events;
import chat.shared.ServiceError;
import chat.shared.Settings;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import java.util.stream.LongStream;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The per-chat sequence (contract v2) under the group commit: every durable change of a chat
 * takes the chat's next seq, gapless and strictly increasing, in the order the changes are
 * published and served by the feed; a failed batch takes none; a database written before the
 * sequence existed is numbered by the migration.
 */
class ChatSequenceTest extends ChatTestBase {

  private static final JsonObject ACTOR = new JsonObject().put("id", OLIVIA).put("username", "olivia");
  private static final long[] SENDERS = {ALICE, BOB, CAROL, DAVE};
  private static final String BIG = "z".repeat(7000);

  /** Room left under the size cap of the failing-batch test, in pages: two or three long messages. */
  private static final long ROOM_PAGES = 6;
  private long maxBytes;

  @Override
  JsonObject config() {
    // A commit window long enough that concurrent sends share batches; no send limit.
    JsonObject config = super.config().put(Settings.COMMIT_WINDOW_MS, 25).put(Settings.MESSAGE_BURST, 0);
    if (maxBytes > 0) {
      config.put(Settings.CHAT_DB_MAX_BYTES, maxBytes);
    }
    return config;
  }

  @Test
  void concurrentSendsInSeveralChatsTakeGaplessSeqsInPublishAndFeedOrder() throws Exception {
    int chats = 3;
    int perChat = 120;
    List<Long> chatIds = new ArrayList<>();
    Map<Long, List<JsonObject>> events = new LinkedHashMap<>();
    for (int c = 0; c < chats; c++) {
      long chatId = createChat(ALICE, "busy " + c, BOB, CAROL, DAVE).getLong("id");
      chatIds.add(chatId);
      events.put(chatId, recordEvents(chatId));
    }
    long batchesBefore = verticle.batchesCommitted();

    List<Supplier<Future<JsonObject>>> sends = new ArrayList<>();
    for (int i = 0; i < chats * perChat; i++) {
      long chatId = chatIds.get(i % chats);
      long sender = SENDERS[(i / chats) % SENDERS.length];
      String content = "m " + i;
      sends.add(() -> bus.request(Addresses.CHAT_MESSAGE_SEND, sendRequest(sender, chatId, content)));
    }
    List<JsonObject> replies = fireTogether(sends);

    // Batches really held several sends, of several chats.
    long batches = verticle.batchesCommitted() - batchesBefore;
    assertTrue(verticle.largestBatch() > chats, "largest batch " + verticle.largestBatch());
    assertTrue(batches < chats * perChat / 4, "batches committed: " + batches);

    Map<Long, Long> replySeqById = new HashMap<>();
    replies.forEach(r -> replySeqById.put(r.getLong("id"), r.getLong("seq")));
    for (long chatId : chatIds) {
      List<JsonObject> live = events.get(chatId);
      waitUntil("all message events of chat " + chatId, () -> live.size() >= perChat);
      assertEquals(perChat, live.size());
      // Published in seq order: 1..N, no gap, no repeat; each event's seq is its message's seq.
      assertEquals(oneTo(perChat), seqs(live));
      for (JsonObject event : live) {
        JsonObject message = event.getJsonObject("message");
        assertEquals(event.getLong("seq"), message.getLong("seq"));
        assertEquals(replySeqById.get(message.getLong("id")), message.getLong("seq"), "the reply's seq is the event's");
      }
      // Within a chat, seq order is id order (both follow acceptance order).
      List<Long> ids = live.stream().map(e -> e.getJsonObject("message").getLong("id")).toList();
      assertEquals(ids.stream().sorted().toList(), ids);
      // The feed serves the same events in the same order, page after page.
      assertEquals(live, feed(BOB, chatId, 0, 37));
      assertEquals(perChat, getChat(ALICE, chatId).getLong("last_seq"));
      // History carries the same seqs.
      Map<Long, Long> historySeq = new HashMap<>();
      allMessages(CAROL, chatId).forEach(m -> historySeq.put(m.getLong("id"), m.getLong("seq")));
      live.forEach(e -> assertEquals(e.getLong("seq"), historySeq.get(e.getJsonObject("message").getLong("id"))));
    }
  }

  @Test
  void participantChangesAndAdminDeletesTakeSeqsBetweenConcurrentSends() throws Exception {
    long chatId = createChat(ALICE, "mixed", BOB).getLong("id");
    List<JsonObject> live = recordEvents(chatId);
    List<Long> early = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      early.add(send(BOB, chatId, "early " + i).getLong("id"));
    }

    // Steps one after the other; each step fires 10 sends together with one change (or none),
    // so every change falls between the messages of the steps before and after it.
    List<Supplier<Future<JsonObject>>> changes = List.of(
      () -> bus.request(Addresses.CHAT_ADD_PARTICIPANT,
        new JsonObject().put("user_id", ALICE).put("chat_id", chatId).put("participant_id", CAROL)),
      () -> bus.request(Addresses.CHAT_ADMIN_MESSAGES_DELETE,
        new JsonObject().put("actor", ACTOR).put("ids", new JsonArray().add(early.get(0)).add(early.get(3)))),
      () -> bus.request(Addresses.CHAT_REMOVE_PARTICIPANT, removeRequest(ALICE, "student", chatId, CAROL)),
      () -> bus.request(Addresses.CHAT_ADMIN_ADD_PARTICIPANT,
        new JsonObject().put("actor", ACTOR).put("chat_id", chatId).put("participant_id", DAVE)),
      () -> bus.request(Addresses.CHAT_ADMIN_REMOVE_PARTICIPANT,
        new JsonObject().put("actor", ACTOR).put("chat_id", chatId).put("participant_id", DAVE)),
      () -> bus.request(Addresses.CHAT_ADMIN_MESSAGES_DELETE,
        new JsonObject().put("actor", ACTOR).put("ids", new JsonArray().add(early.get(5)))));
    int steps = 15;
    for (int step = 0; step < steps; step++) {
      List<Supplier<Future<JsonObject>>> together = new ArrayList<>();
      for (int i = 0; i < 10; i++) {
        long sender = i % 2 == 0 ? ALICE : BOB;
        String content = "busy " + step + "." + i;
        together.add(() -> bus.request(Addresses.CHAT_MESSAGE_SEND, sendRequest(sender, chatId, content)));
      }
      if (step % 2 == 1 && step / 2 < changes.size()) {
        together.add(5, changes.get(step / 2));
      }
      fireTogether(together);
    }
    int total = 6 + 150 + 1 + 2 + 1 + 1 + 1 + 1;
    waitUntil("every change was published", () -> live.size() >= total);

    assertEquals(total, live.size());
    assertEquals(oneTo(total), seqs(live), "published in seq order, gapless");
    Map<String, Long> byType = live.stream().collect(Collectors.groupingBy(e -> e.getString("type"), Collectors.counting()));
    assertEquals(Map.of(Events.MESSAGE, 156L, Events.PARTICIPANT_ADDED, 2L, Events.PARTICIPANT_REMOVED, 2L,
      Events.MESSAGE_DELETED, 3L), byType);
    assertEquals(total, getChat(ALICE, chatId).getLong("last_seq"));

    // The feed serves the same changes in the same order; an event names what it names now.
    List<JsonObject> served = feed(ALICE, chatId, 0, 500);
    assertEquals(seqs(live), seqs(served));
    Set<Long> deleted = Set.of(early.get(0), early.get(3), early.get(5));
    for (int i = 0; i < total; i++) {
      JsonObject was = live.get(i);
      JsonObject now = served.get(i);
      assertEquals(was.getString("type"), now.getString("type"));
      if (Events.MESSAGE.equals(was.getString("type")) && deleted.contains(was.getJsonObject("message").getLong("id"))) {
        assertEquals("", now.getJsonObject("message").getString("content"));
        assertNotNull(now.getJsonObject("message").getString("deleted_at"));
        assertEquals(was.getJsonObject("message").getLong("id"), now.getJsonObject("message").getLong("id"));
      } else {
        assertEquals(was, now);
      }
    }
    // Each change lies between messages of the steps around it.
    List<String> types = live.stream().map(e -> e.getString("type")).toList();
    for (String type : List.of(Events.PARTICIPANT_ADDED, Events.PARTICIPANT_REMOVED, Events.MESSAGE_DELETED)) {
      int at = types.indexOf(type);
      assertTrue(at > 6 && types.subList(at, total).contains(Events.MESSAGE), type + " between messages: " + types);
    }
    // Each deletion comes after the message it deletes.
    for (JsonObject event : ofType(live, Events.MESSAGE_DELETED)) {
      long id = event.getLong("message_id");
      long created = live.stream().filter(e -> Events.MESSAGE.equals(e.getString("type"))
        && e.getJsonObject("message").getLong("id") == id).findFirst().orElseThrow().getLong("seq");
      assertTrue(created < event.getLong("seq"));
    }
    assertEquals(total, countRows("SELECT COUNT(*) FROM chat_events WHERE chat_id = " + chatId));
  }

  /**
   * The same messages deleted at once by their sender and by an owner, while others react to them
   * and send: each deletion happens once (one {@code message_deleted}, one seq), whoever wins, and
   * the log stays gapless. On PostgreSQL the transactions really run side by side.
   */
  @Test
  void racingDeletesOfOneMessageDeleteItOnceAndTheLogStaysGapless() throws Exception {
    long chatId = createChat(ALICE, "racing deletes", BOB).getLong("id");
    List<JsonObject> live = recordEvents(chatId);
    int rounds = 12;
    for (int round = 0; round < rounds; round++) {
      long messageId = send(BOB, chatId, "doomed " + round).getLong("id");
      List<Supplier<Future<JsonObject>>> together = new ArrayList<>();
      together.add(() -> bus.request(Addresses.CHAT_MESSAGE_DELETE, new JsonObject().put("user_id", BOB)
        .put("user_type", "student").put("chat_id", chatId).put("message_id", messageId)));
      together.add(() -> bus.request(Addresses.CHAT_ADMIN_MESSAGES_DELETE,
        new JsonObject().put("actor", ACTOR).put("ids", new JsonArray().add(messageId))));
      together.add(() -> bus.request(Addresses.CHAT_MESSAGE_SEND, sendRequest(ALICE, chatId, "beside " + messageId)));
      List<Future<JsonObject>> outcomes = fireAll(together);
      // The sender's delete either won or found the message gone (404); the owner's deleted it or none.
      long deletedBySender = outcomes.get(0).succeeded() ? 1 : 0;
      if (!outcomes.get(0).succeeded()) {
        assertEquals(ErrorCode.NOT_FOUND, ServiceError.from(outcomes.get(0).cause()).code());
      }
      long deletedByOwner = outcomes.get(1).result().getLong("deleted");
      assertEquals(1, deletedBySender + deletedByOwner, "deleted once, round " + round);
      assertTrue(outcomes.get(2).succeeded());
    }
    long total = 3L * rounds;
    waitUntil("every change was published", () -> live.size() >= total);
    assertEquals(oneTo(total), seqs(live), "published in seq order, gapless");
    assertEquals(rounds, ofType(live, Events.MESSAGE_DELETED).size());
    assertEquals(oneTo(total), seqs(feed(ALICE, chatId, 0, 500)));
    assertEquals(rounds, countRows("SELECT COUNT(*) FROM chat_events WHERE kind = 3 AND chat_id = " + chatId));
  }

  @Test
  @Tag("sqlite-only")
  void aFailedBatchTakesNoSeqNoGapNoRepeat() throws Exception {
    long chatId = createChat(ALICE, "full", BOB).getLong("id");
    List<Long> stored = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      stored.add(send(ALICE, chatId, "before " + i).getLong("seq"));
    }
    // Ballast that the operator will drop to free room; then cap the file a few pages above its size.
    try (Connection c = DriverManager.getConnection(jdbcUrl()); Statement s = c.createStatement()) {
      s.execute("PRAGMA busy_timeout = 5000");
      s.execute("CREATE TABLE ballast (filler BLOB NOT NULL)");
      s.execute("INSERT INTO ballast (filler) VALUES (zeroblob(200000))");
    }
    maxBytes = (pageCount() + ROOM_PAGES) * SqliteChatDatabase.PAGE_SIZE;
    restart();
    List<JsonObject> live = recordEvents(chatId);

    // Long sends until the file would have to grow past the cap.
    ServiceError full = null;
    for (int i = 0; i < 50 && full == null; i++) {
      try {
        stored.add(call(Addresses.CHAT_MESSAGE_SEND, sendRequest(ALICE, chatId, "fill " + i + " " + BIG)).getLong("seq"));
      } catch (ServiceError e) {
        full = e;
      }
    }
    assertNotNull(full, "the capped database filled up");
    assertEquals(ErrorCode.UNAVAILABLE, full.code());
    // Several sends failing together in one batch.
    List<Supplier<Future<JsonObject>>> doomed = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      String content = "while full " + i + " " + BIG;
      long sender = i % 2 == 0 ? ALICE : BOB;
      doomed.add(() -> bus.request(Addresses.CHAT_MESSAGE_SEND, sendRequest(sender, chatId, content)));
    }
    List<Future<JsonObject>> outcomes = fireAll(doomed);
    for (Future<JsonObject> outcome : outcomes) {
      assertTrue(outcome.failed(), "stored while full");
      assertEquals(ErrorCode.UNAVAILABLE, ServiceError.from(outcome.cause()).code());
    }
    long lastSeqWhileFull = getChat(ALICE, chatId).getLong("last_seq");
    assertEquals(stored.size(), lastSeqWhileFull, "no failed send took a seq");

    try (Connection c = DriverManager.getConnection(jdbcUrl()); Statement s = c.createStatement()) {
      s.execute("PRAGMA busy_timeout = 5000");
      s.execute("DROP TABLE ballast");
    }
    waitUntil("the service can write again", () -> {
      try {
        return "UP".equals(call(Addresses.CHAT_PING, new JsonObject()).getString("status"));
      } catch (Exception e) {
        return false;
      }
    });

    // The next changes continue the sequence where the committed ones stopped.
    List<Supplier<Future<JsonObject>>> after = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      long sender = i % 2 == 0 ? ALICE : BOB;
      String content = "after " + i;
      after.add(() -> bus.request(Addresses.CHAT_MESSAGE_SEND, sendRequest(sender, chatId, content)));
    }
    fireTogether(after);
    addParticipant(ALICE, chatId, CAROL);
    int total = stored.size() + 21;
    waitUntil("the new changes were published", () -> live.size() >= total - 5);

    assertEquals(oneTo(total), seqs(feed(ALICE, chatId, 0, 500)), "gapless, no repeat");
    List<Long> liveSeqs = seqs(live);
    assertEquals(LongStream.rangeClosed(6, total).boxed().toList(), liveSeqs, "published in seq order");
    assertEquals(total, getChat(ALICE, chatId).getLong("last_seq"));
    assertEquals(total, countRows("SELECT COUNT(DISTINCT seq) FROM chat_events WHERE chat_id = " + chatId));
    assertEquals(total - 1, countRows("SELECT COUNT(DISTINCT seq) FROM messages WHERE chat_id = " + chatId));
    assertEquals(0, countRows("SELECT COUNT(*) FROM messages WHERE content LIKE 'while full %'"));
  }

  @Test
  @Tag("sqlite-only")
  void migrationNumbersMessagesWrittenBeforeTheSequencePerChat() throws Exception {
    // Replace the service's database by one written under V1 to V3.
    await(vertx.undeploy(deploymentId));
    deploymentId = null;
    for (String suffix : List.of("", "-wal", "-shm")) {
      Files.deleteIfExists(dataDir.resolve(SqliteChatDatabase.FILE_NAME + suffix));
    }
    String url = new SqliteChatDatabase(dataDir).url();
    Flyway.configure(SqliteChatDatabase.class.getClassLoader()).dataSource(url, null, null)
      .locations(SqliteChatDatabase.MIGRATIONS).target("3").load().migrate();
    long first;
    long second;
    long empty;
    try (Connection c = DriverManager.getConnection(jdbcUrl()); Statement s = c.createStatement()) {
      s.execute("PRAGMA foreign_keys = ON");
      for (long id : new long[] {ALICE, BOB, CAROL, DAVE}) {
        JsonObject u = AUTH_USERS.get(id);
        s.execute("INSERT INTO users (id, username, email, user_type, date_joined, is_active) VALUES (" + id + ", '"
          + u.getString("username") + "', '" + u.getString("email") + "', '" + u.getString("user_type") + "', '"
          + u.getString("date_joined") + "', 1)");
      }
      first = insertChat(s, "old one", ALICE, ALICE, BOB, CAROL);
      second = insertChat(s, "old two", BOB, BOB, DAVE);
      empty = insertChat(s, "old empty", CAROL, CAROL, ALICE);
      // Interleaved ids across the two chats; carol never writes in the first.
      try (PreparedStatement insert = c.prepareStatement(
          "INSERT INTO messages (chat_id, sender_id, content, created_at, client_id) VALUES (?, ?, ?, ?, ?)")) {
        long[][] rows = {
          {first, ALICE}, {second, BOB}, {first, BOB}, {first, ALICE}, {second, DAVE}, {first, BOB}, {second, BOB}};
        for (int i = 0; i < rows.length; i++) {
          insert.setLong(1, rows[i][0]);
          insert.setLong(2, rows[i][1]);
          insert.setString(3, "old " + i);
          insert.setLong(4, 1_700_000_000_000L + i);
          insert.setString(5, i == 0 ? "old-key" : null);
          insert.executeUpdate();
        }
      }
    }
    deploy();

    // Each chat's messages are numbered 1..N in id order, and the feed serves them.
    List<JsonObject> firstFeed = feed(CAROL, first, 0, 500);
    assertEquals(List.of(1L, 2L, 3L, 4L), seqs(firstFeed));
    assertEquals(List.of("old 0", "old 2", "old 3", "old 5"), contents(firstFeed));
    firstFeed.forEach(e -> assertEquals(e.getLong("seq"), e.getJsonObject("message").getLong("seq")));
    List<JsonObject> secondFeed = feed(DAVE, second, 0, 2);
    assertEquals(List.of(1L, 2L, 3L), seqs(secondFeed));
    assertEquals(List.of("old 1", "old 4", "old 6"), contents(secondFeed));
    assertEquals(List.of(), feed(ALICE, empty, 0, 500));
    assertEquals(4, getChat(ALICE, first).getLong("last_seq"));
    assertEquals(3, getChat(BOB, second).getLong("last_seq"));
    assertEquals(0, getChat(CAROL, empty).getLong("last_seq"));
    assertEquals(List.of(1L, 2L, 3L, 4L), allMessages(BOB, first).stream().map(m -> m.getLong("seq")).toList());

    // Each participant's marker is its own newest message (0 when it wrote none).
    List<Long> firstIds = allMessages(ALICE, first).stream().map(m -> m.getLong("id")).toList();
    List<Long> secondIds = allMessages(BOB, second).stream().map(m -> m.getLong("id")).toList();
    assertEquals(List.of(firstIds.get(2), 3L), marker(first, ALICE));
    assertEquals(List.of(firstIds.get(3), 4L), marker(first, BOB));
    assertEquals(List.of(0L, 0L), marker(first, CAROL));
    assertEquals(List.of(secondIds.get(2), 3L), marker(second, BOB));
    assertEquals(List.of(secondIds.get(1), 2L), marker(second, DAVE));
    assertEquals(List.of(0L, 0L), marker(empty, CAROL));
    assertEquals(4, countRows("SELECT message_count FROM chats WHERE id = " + first));

    // New changes continue each chat's sequence; an old client_id still answers its message.
    JsonObject next = send(CAROL, first, "new after the migration");
    assertEquals(5, next.getLong("seq"));
    assertTrue(next.getLong("id") > secondIds.get(2), "ids keep growing");
    JsonObject repeat = call(Addresses.CHAT_MESSAGE_SEND, sendRequest(ALICE, first, "old 0").put("client_id", "old-key"));
    assertEquals(1, repeat.getLong("seq"));
    assertEquals(4, addParticipant(BOB, second, ALICE).getLong("last_seq"));
    assertEquals(List.of(4L), seqs(feed(ALICE, second, 0, 500)), "a participant added later sees the feed from its joining");
    assertEquals(List.of(secondIds.get(2), 3L), marker(second, ALICE));
  }

  // ---- helpers -----------------------------------------------------------------------------

  /** Starts every piece of work at once from one event-loop context; fails if any failed. */
  private List<JsonObject> fireTogether(List<Supplier<Future<JsonObject>>> work) throws Exception {
    List<Future<JsonObject>> outcomes = fireAll(work);
    List<JsonObject> results = new ArrayList<>();
    for (Future<JsonObject> outcome : outcomes) {
      if (outcome.failed()) {
        throw new AssertionError("a concurrent request failed", outcome.cause());
      }
      results.add(outcome.result());
    }
    return results;
  }

  /** Starts every piece of work at once and waits until each has its outcome. */
  private List<Future<JsonObject>> fireAll(List<Supplier<Future<JsonObject>>> work) throws Exception {
    Promise<List<Future<JsonObject>>> done = Promise.promise();
    vertx.runOnContext(v -> {
      List<Future<JsonObject>> started = new ArrayList<>();
      work.forEach(w -> started.add(w.get()));
      Future.join(started).onComplete(ar -> done.complete(started));
    });
    return await(done.future());
  }

  /** The whole feed after {@code afterSeq}, page by page; each page consistent with the one before. */
  private List<JsonObject> feed(long user, long chatId, long afterSeq, int limit) throws Exception {
    List<JsonObject> all = new ArrayList<>();
    long after = afterSeq;
    while (true) {
      JsonObject page = call(Addresses.CHAT_EVENTS_FEED, new JsonObject().put("user_id", user).put("chat_id", chatId)
        .put("after_seq", after).put("limit", limit));
      JsonArray events = page.getJsonArray("events");
      assertTrue(events.size() <= limit);
      events.forEach(e -> all.add((JsonObject) e));
      if (!page.getBoolean("has_more")) {
        assertEquals(all.isEmpty() ? page.getLong("last_seq") : all.get(all.size() - 1).getLong("seq"),
          page.getLong("last_seq"), "the last page ends at last_seq");
        return all;
      }
      assertEquals(limit, events.size(), "a page with more after it is full");
      after = events.getJsonObject(events.size() - 1).getLong("seq");
    }
  }

  private static List<Long> seqs(List<JsonObject> events) {
    return events.stream().map(e -> e.getLong("seq")).toList();
  }

  private static List<String> contents(List<JsonObject> events) {
    return events.stream().map(e -> e.getJsonObject("message").getString("content")).toList();
  }

  private static List<Long> oneTo(long n) {
    return LongStream.rangeClosed(1, n).boxed().toList();
  }

  private static long insertChat(Statement s, String name, long creator, long... participants) throws Exception {
    s.execute("INSERT INTO chats (name, created_by, created_at, last_activity_at) VALUES ('" + name + "', " + creator
      + ", 1700000000000, 1700000000000)");
    long id;
    try (ResultSet rows = s.executeQuery("SELECT last_insert_rowid()")) {
      rows.next();
      id = rows.getLong(1);
    }
    for (long p : participants) {
      s.execute("INSERT INTO participants (chat_id, user_id, added_at) VALUES (" + id + ", " + p + ", 1700000000000)");
    }
    return id;
  }

  /** A participant's read marker as stored: {@code [last_read_message_id, last_read_n]}. */
  private List<Long> marker(long chatId, long userId) throws Exception {
    try (Connection c = database(); Statement s = c.createStatement();
         ResultSet rows = s.executeQuery("SELECT last_read_message_id, last_read_n FROM participants WHERE chat_id = "
           + chatId + " AND user_id = " + userId)) {
      assertTrue(rows.next(), "a participant");
      return List.of(rows.getLong(1), rows.getLong(2));
    }
  }

  private long countRows(String sql) throws Exception {
    return queryLong(sql);
  }

  private long pageCount() throws Exception {
    return countRows("PRAGMA page_count");
  }

  private String jdbcUrl() {
    return "jdbc:sqlite:" + dataDir.toAbsolutePath().resolve(SqliteChatDatabase.FILE_NAME);
  }

}
