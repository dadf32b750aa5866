package chat.chats;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The rows one group-commit batch writes, read back from the store: on SQLite its JDBC batches,
 * on PostgreSQL one statement per kind of row over arrays ({@link PostgresChatSql}), with the same
 * result. Each test decides what a batch holds: the sends submitted in one run on the writer's
 * context are one batch ({@link WriterUnderTest}).
 */
@ExtendWith(VertxExtension.class)
class GroupCommitRowsTest {

  private static final long ALICE = WriterUnderTest.ALICE;
  private static final long BOB = 2;
  private static final long CAROL = 3;

  @TempDir
  Path dataDir;

  private WriterUnderTest w;

  /** One send of a batch. */
  private record Send(long chatId, long senderId, String content, String clientId, List<Long> attachments) {
    Send(long chatId, long senderId, String content, String clientId) {
      this(chatId, senderId, content, clientId, List.of());
    }
  }

  @BeforeEach
  void open(Vertx vertx) throws Exception {
    w = WriterUnderTest.open(vertx, dataDir, "first");
    w.users(user(BOB, "bob"), user(CAROL, "carol"));
  }

  @AfterEach
  void close() throws Exception {
    w.close();
  }

  @Test
  void aBatchMixingNullAndNonNullClientIdsStoresEachAsSentAndAKeyOnce() throws Exception {
    long chatId = w.chat("mixed", BOB);
    long before = w.writer.batchesCommitted();
    List<JsonObject> replies = batch(List.of(
      new Send(chatId, ALICE, "a1", null),
      new Send(chatId, BOB, "b1", "key-b"),
      new Send(chatId, ALICE, "a2", "key-a"),
      new Send(chatId, BOB, "b2", null),
      new Send(chatId, BOB, "b1 again", "key-b")));
    assertEquals(1, w.writer.batchesCommitted() - before, "one batch");
    assertEquals(replies.get(1), replies.get(4), "the repeated key is answered with its message");

    List<Long> ids = replies.subList(0, 4).stream().map(r -> r.getLong("id")).toList();
    assertEquals(List.of(
        Arrays.asList(ids.get(0), ALICE, "a1", null, 1L, 1L),
        Arrays.asList(ids.get(1), BOB, "b1", "key-b", 2L, 2L),
        Arrays.asList(ids.get(2), ALICE, "a2", "key-a", 3L, 3L),
        Arrays.asList(ids.get(3), BOB, "b2", null, 4L, 4L)),
      rows("SELECT id, sender_id, content, client_id, seq, n FROM messages WHERE chat_id = ? ORDER BY id", chatId));
    // The message events: a message id each, no user, no name.
    assertEquals(List.of(
        Arrays.asList(1L, 1L, ids.get(0), null, null),
        Arrays.asList(2L, 1L, ids.get(1), null, null),
        Arrays.asList(3L, 1L, ids.get(2), null, null),
        Arrays.asList(4L, 1L, ids.get(3), null, null)),
      rows("SELECT seq, kind, message_id, user_id, name FROM chat_events WHERE chat_id = ? ORDER BY seq", chatId));

    // The next batch: a stored key again, and more without one.
    List<JsonObject> next = batch(List.of(
      new Send(chatId, ALICE, "a2", "key-a"),
      new Send(chatId, ALICE, "a3", null),
      new Send(chatId, BOB, "b3", null)));
    assertEquals(replies.get(2), next.get(0));
    assertEquals(List.of(Arrays.asList("a3", null, 5L), Arrays.asList("b3", null, 6L)),
      rows("SELECT content, client_id, seq FROM messages WHERE chat_id = ? AND seq > 4 ORDER BY id", chatId));
    assertEquals(List.of(List.of(6L, 6L)), rows("SELECT last_seq, message_count FROM chats WHERE id = ?", chatId));
  }

  @Test
  void aBatchOverSeveralChatsNumbersEachChatWithoutGapsAndMovesEachSendersMarker() throws Exception {
    long one = w.chat("one", BOB);
    long two = w.chat("two", BOB, CAROL);
    long three = w.chat("three", CAROL);
    // Chat two starts at seq 1 with no message (a rename), chat three with a message (seq 1, n 1).
    w.on(() -> w.store.inTransaction(tx -> w.store.renameChat(tx, two, "two renamed", 5)));
    long earlier = batch(List.of(new Send(three, CAROL, "earlier", null))).get(0).getLong("id");

    long[] chats = {one, two, three, two, one, two};
    long[] senders = {ALICE, BOB, CAROL};
    List<Send> sends = new ArrayList<>();
    for (int i = 0; i < 30; i++) {
      long chat = chats[i % chats.length];
      long sender = chat == three ? (i % 2 == 0 ? ALICE : CAROL) : senders[i % (chat == one ? 2 : 3)];
      sends.add(new Send(chat, sender, "m" + i, i % 3 == 0 ? null : "k" + i));
    }
    long before = w.writer.batchesCommitted();
    List<JsonObject> replies = batch(sends);
    assertEquals(1, w.writer.batchesCommitted() - before, "one batch");

    Map<Long, Long> startSeq = Map.of(one, 0L, two, 1L, three, 1L);
    Map<Long, Long> startN = Map.of(one, 0L, two, 0L, three, 1L);
    for (long chat : new long[] {one, two, three}) {
      List<JsonObject> mine = replies.stream().filter(r -> r.getLong("chat_id") == chat).toList();
      long k = mine.size();
      // In the order of the batch: ids ascending, seqs and places the next ones of the chat, no gap.
      List<List<Object>> expected = new ArrayList<>();
      for (int i = 0; i < k; i++) {
        JsonObject r = mine.get(i);
        expected.add(List.of(r.getLong("id"), r.getString("content"), startSeq.get(chat) + i + 1, startN.get(chat) + i + 1));
      }
      assertEquals(expected, rows("SELECT id, content, seq, n FROM messages WHERE chat_id = ? AND content <> 'earlier'"
        + " ORDER BY id", chat));
      long lastSeq = startSeq.get(chat) + k;
      assertEquals(List.of(List.of(lastSeq, startN.get(chat) + k)),
        rows("SELECT last_seq, message_count FROM chats WHERE id = ?", chat));
      assertEquals(LongStream.rangeClosed(1, lastSeq).boxed().map(s -> List.<Object>of(s)).toList(),
        rows("SELECT seq FROM chat_events WHERE chat_id = ? ORDER BY seq", chat), "the chat's log has no gap");
      // Each sender's marker at its newest message of the chat; a participant who sent nothing keeps 0.
      Map<Long, JsonObject> newest = new HashMap<>();
      mine.forEach(r -> newest.put(r.getJsonObject("sender").getLong("id"), r));
      for (List<Object> p : rows("SELECT user_id, last_read_message_id, last_read_n, read_at FROM participants"
        + " WHERE chat_id = ? ORDER BY user_id", chat)) {
        JsonObject last = newest.get((Long) p.get(0));
        if (last == null) {
          assertEquals(chat == three ? earlier : 0L, p.get(1), "marker of " + p.get(0) + " in " + chat);
        } else {
          long n = startN.get(chat) + mine.indexOf(last) + 1;
          assertEquals(Arrays.asList(p.get(0), last.getLong("id"), n, createdAt(last)), p);
        }
      }
    }
    // The rename's entry (written with one row): a name, no message, no user.
    assertEquals(List.of(Arrays.asList(7L, null, null, "two renamed")),
      rows("SELECT kind, message_id, user_id, name FROM chat_events WHERE chat_id = ? AND seq = 1", two));
  }

  @Test
  void aMarkerAheadOfTheBatchAndALastActivityAheadOfItStayWhereTheyAre() throws Exception {
    long chatId = w.chat("ahead", BOB, CAROL);
    long future = 4_102_444_800_000L;   // 2100-01-01
    try (Connection c = w.database()) {
      update(c, "UPDATE participants SET last_read_message_id = 1000000, last_read_n = 7, read_at = 11"
        + " WHERE chat_id = ? AND user_id = ?", chatId, BOB);
      update(c, "UPDATE chats SET last_activity_at = ? WHERE id = ?", future, chatId);
    }
    List<JsonObject> replies = batch(List.of(
      new Send(chatId, BOB, "b1", null),
      new Send(chatId, CAROL, "c1", "c-1"),
      new Send(chatId, BOB, "b2", "b-2")));

    JsonObject carol = replies.get(1);
    assertEquals(List.of(
        Arrays.asList(ALICE, 0L, 0L, null),
        Arrays.asList(BOB, 1_000_000L, 7L, 11L),
        Arrays.asList(CAROL, carol.getLong("id"), 2L, createdAt(carol))),
      rows("SELECT user_id, last_read_message_id, last_read_n, read_at FROM participants WHERE chat_id = ?"
        + " ORDER BY user_id", chatId), "bob's marker never moves back; carol's moves");
    assertEquals(List.of(List.of(future, 3L, 3L)),
      rows("SELECT last_activity_at, last_seq, message_count FROM chats WHERE id = ?", chatId),
      "the last activity never moves back; the counters advance");

    // A chat whose last activity is older moves to the batch's newest message.
    long older = w.chat("older", BOB);
    try (Connection c = w.database()) {
      update(c, "UPDATE chats SET last_activity_at = 1 WHERE id = ?", older);
    }
    List<JsonObject> two = batch(List.of(new Send(older, BOB, "x", null), new Send(older, ALICE, "y", null)));
    long newest = Math.max(createdAt(two.get(0)), createdAt(two.get(1)));
    assertEquals(List.of(List.of(newest)), rows("SELECT last_activity_at FROM chats WHERE id = ?", older));
  }

  @Test
  void theSendsOfABatchWithAttachmentsLinkEachUploadToItsMessage() throws Exception {
    long chatId = w.chat("files", BOB);
    long[] uploads = new long[3];
    for (int i = 0; i < uploads.length; i++) {
      String sha = String.format("%064x", i + 1);
      long uploader = i < 2 ? ALICE : BOB;
      uploads[i] = w.on(() -> w.store.inTransaction(tx -> w.store.attachments()
        .insert(tx, chatId, uploader, "f.txt", "text/plain", 3, sha, 1)));
    }
    List<JsonObject> replies = batch(List.of(
      new Send(chatId, ALICE, "two files", "with-files", List.of(uploads[0], uploads[1])),
      new Send(chatId, BOB, "no file", null),
      new Send(chatId, BOB, "one file", null, List.of(uploads[2]))));

    long first = replies.get(0).getLong("id");
    long third = replies.get(2).getLong("id");
    assertEquals(List.of(List.of(uploads[0], first), List.of(uploads[1], first), List.of(uploads[2], third)),
      rows("SELECT id, message_id FROM attachments WHERE chat_id = ? ORDER BY id", chatId));
    assertEquals(List.of(uploads[0], uploads[1]), replies.get(0).getJsonArray("attachments").stream()
      .map(a -> ((JsonObject) a).getLong("id")).toList());
  }

  @Test
  void aBatchOfOneAndABatchOfTheMostSendsABatchHoldsAreStoredWhole() throws Exception {
    long chatId = w.chat("sizes", BOB);
    long before = w.writer.batchesCommitted();
    JsonObject single = batch(List.of(new Send(chatId, BOB, "alone", "alone-1"))).get(0);
    assertEquals(1, w.writer.batchesCommitted() - before);
    assertEquals(1, w.writer.largestBatch());
    assertEquals(List.of(Arrays.asList(single.getLong("id"), "alone-1", 1L, 1L)),
      rows("SELECT id, client_id, seq, n FROM messages WHERE chat_id = ?", chatId));

    int count = MessageWriter.MAX_BATCH + 1;
    List<Send> sends = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      sends.add(new Send(chatId, i % 2 == 0 ? ALICE : BOB, "m" + i, i % 3 == 0 ? null : "k" + i));
    }
    List<JsonObject> replies = batch(sends);
    assertEquals(3, w.writer.batchesCommitted() - before, "the most a batch holds, then the one left");
    assertEquals(MessageWriter.MAX_BATCH, w.writer.largestBatch());

    List<List<Object>> expected = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      expected.add(Arrays.asList(replies.get(i).getLong("id"), "m" + i, i % 3 == 0 ? null : "k" + i, i + 2L, i + 2L));
    }
    assertEquals(expected,
      rows("SELECT id, content, client_id, seq, n FROM messages WHERE chat_id = ? AND seq > 1 ORDER BY id", chatId));
    long last = count + 1;
    assertEquals(List.of(List.of(last, last, last)),
      rows("SELECT last_seq, message_count, (SELECT COUNT(*) FROM chat_events e WHERE e.chat_id = c.id)"
        + " FROM chats c WHERE id = ?", chatId));
    long alicesLast = replies.get(count - 1).getLong("id");   // count - 1 is even: alice's
    long bobsLast = replies.get(count - 2).getLong("id");
    assertEquals(List.of(List.of(ALICE, alicesLast, last), List.of(BOB, bobsLast, last - 1)),
      rows("SELECT user_id, last_read_message_id, last_read_n FROM participants WHERE chat_id = ? ORDER BY user_id",
        chatId));
  }

  // ---- helpers -----------------------------------------------------------------------------

  private static UserRecord user(long id, String name) {
    return new UserRecord(id, name, name + "@example.org", "student", "2026-01-01T00:00:00.000Z", true);
  }

  /** Submits the sends in one run on the writer's context (one batch, up to MAX_BATCH): their replies. */
  private List<JsonObject> batch(List<Send> sends) throws Exception {
    List<Future<JsonObject>> replies = w.on(() -> Future.succeededFuture(sends.stream()
      .map(s -> s.attachments().isEmpty()
        ? w.writer.submit(s.chatId(), s.senderId(), s.content(), s.clientId())
        : w.writer.submit(s.chatId(), s.senderId(), s.content(), s.clientId(), s.attachments(), views(s.attachments())))
      .collect(Collectors.toList())));
    w.on(() -> Future.all(replies));
    return replies.stream().map(Future::result).toList();
  }

  /** The stored created_at (epoch ms) of a message. */
  private long createdAt(JsonObject message) throws SQLException {
    return (Long) rows("SELECT created_at FROM messages WHERE id = ?", message.getLong("id")).get(0).get(0);
  }

  private static JsonArray views(List<Long> ids) {
    JsonArray views = new JsonArray();
    ids.forEach(id -> views.add(new JsonObject().put("id", id)));
    return views;
  }

  /** The rows of a query on the store, each as its columns (integers as Long, NULL as null). */
  private List<List<Object>> rows(String sql, Object... params) throws SQLException {
    try (Connection c = w.database(); PreparedStatement s = c.prepareStatement(sql)) {
      for (int i = 0; i < params.length; i++) {
        s.setObject(i + 1, params[i]);
      }
      List<List<Object>> rows = new ArrayList<>();
      try (ResultSet r = s.executeQuery()) {
        int columns = r.getMetaData().getColumnCount();
        while (r.next()) {
          List<Object> row = new ArrayList<>(columns);
          for (int i = 1; i <= columns; i++) {
            Object value = r.getObject(i);
            row.add(value instanceof Number number && !(value instanceof Double) ? (Object) number.longValue() : value);
          }
          rows.add(row);
        }
      }
      return rows;
    }
  }

  private static void update(Connection c, String sql, Object... params) throws SQLException {
    try (PreparedStatement s = c.prepareStatement(sql)) {
      for (int i = 0; i < params.length; i++) {
        s.setObject(i + 1, params[i]);
      }
      assertTrue(s.executeUpdate() > 0, sql);
    }
  }
}
