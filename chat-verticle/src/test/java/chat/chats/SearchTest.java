package chat.chats;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import chat.shared.Addresses;
import chat.shared.ErrorCode;
import chat.shared.ServiceError;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Full-text search ({@link Addresses#CHAT_SEARCH}) on the real store, SQLite's FTS5 or
 * PostgreSQL's tsvector (both surefire executions run it): folding, phrases, prefixes, scope,
 * edits and deletes in step, paging, the chat_id filter, bad fields, and a corpus of malformed
 * queries that never fail otherwise than VALIDATION.
 */
class SearchTest extends ChatTestBase {

  private static final JsonObject ACTOR = new JsonObject().put("id", OLIVIA).put("username", "olivia");

  JsonObject search(long user, String q) throws Exception {
    return call(Addresses.CHAT_SEARCH, new JsonObject().put("user_id", user).put("q", q));
  }

  JsonObject search(long user, JsonObject request) throws Exception {
    return call(Addresses.CHAT_SEARCH, request.copy().put("user_id", user));
  }

  /** The ids of the found messages, in the order answered. */
  List<Long> found(long user, String q) throws Exception {
    return foundIds(search(user, q));
  }

  static List<Long> foundIds(JsonObject answer) {
    List<Long> ids = new ArrayList<>();
    answer.getJsonArray("results").forEach(r -> ids.add(((JsonObject) r).getJsonObject("message").getLong("id")));
    return ids;
  }

  long sendId(long user, long chatId, String content) throws Exception {
    return send(user, chatId, content).getLong("id");
  }

  @Test
  void wordsMatchWholeWordsWhateverTheirCaseAndAccents() throws Exception {
    long chatId = createChat(ALICE, "folding", BOB).getLong("id");
    long emile = sendId(ALICE, chatId, "Émile arrive demain");
    long ecole = sendId(BOB, chatId, "L'ÉCOLE est fermée");
    long plain = sendId(BOB, chatId, "emile and the ecole, plainly");
    sendId(BOB, chatId, "emiles ecoles");

    assertEquals(List.of(plain, emile), found(ALICE, "emile"));
    assertEquals(List.of(plain, emile), found(ALICE, "ÉMILE"));
    assertEquals(List.of(plain, ecole), found(BOB, "école"));
    assertEquals(List.of(plain, ecole), found(BOB, "ECOLE"));
    assertEquals(List.of(ecole), found(BOB, "fermee"));
    // Every word must match (AND), in any order.
    assertEquals(List.of(plain), found(BOB, "ecole emile"));
    assertEquals(List.of(), found(BOB, "emile fermée"));
  }

  @Test
  void aQuotedPhraseMatchesItsWordsInOrderAndAStarMatchesAPrefix() throws Exception {
    long chatId = createChat(ALICE, "phrases", BOB).getLong("id");
    long fox = sendId(ALICE, chatId, "the quick brown fox jumps");
    long reversed = sendId(ALICE, chatId, "brown and quick, not a phrase");
    long cafe = sendId(BOB, chatId, "Un café au CAFÉ-théâtre");
    long mail = sendId(BOB, chatId, "send me an e-mail");

    assertEquals(List.of(fox), found(ALICE, "\"quick brown\""));
    assertEquals(List.of(reversed, fox), found(ALICE, "quick brown"));
    assertEquals(List.of(), found(ALICE, "\"brown quick\""));
    assertEquals(List.of(fox), found(ALICE, "\"quick bro\"*"));
    assertEquals(List.of(cafe), found(ALICE, "caf*"));
    assertEquals(List.of(cafe), found(ALICE, "\"cafe theatre\""));
    assertEquals(List.of(cafe, fox), found(ALICE, "th*"));
    // A word with punctuation inside is the phrase of its parts.
    assertEquals(List.of(mail), found(BOB, "e-mail"));
    assertEquals(List.of(mail), found(BOB, "\"e mail\""));
    assertEquals(List.of(), found(BOB, "caf"));
  }

  @Test
  void onlyTheCallersChatsOfNowAreSearched() throws Exception {
    long ours = createChat(ALICE, "ours", BOB).getLong("id");
    long theirs = createChat(CAROL, "theirs", DAVE).getLong("id");
    long left = createChat(BOB, "left", ALICE).getLong("id");
    long mine = sendId(BOB, ours, "secret plans");
    sendId(CAROL, theirs, "secret plans of others");
    long before = sendId(BOB, left, "secret plans left behind");

    assertEquals(List.of(before, mine), found(ALICE, "secret"));
    assertEquals(1, found(DAVE, "secret").size());
    assertEquals(List.of(), found(OLIVIA, "secret"));

    call(Addresses.CHAT_REMOVE_PARTICIPANT, removeRequest(ALICE, "student", left, ALICE));
    assertEquals(List.of(mine), found(ALICE, "secret"));
    failure(ErrorCode.NOT_FOUND, Addresses.CHAT_SEARCH,
      new JsonObject().put("user_id", ALICE).put("q", "secret").put("chat_id", left));
    failure(ErrorCode.NOT_FOUND, Addresses.CHAT_SEARCH,
      new JsonObject().put("user_id", ALICE).put("q", "secret").put("chat_id", 999_999));
  }

  @Test
  void chatIdLimitsTheSearchToOneChat() throws Exception {
    long one = createChat(ALICE, "one", BOB).getLong("id");
    long two = createChat(ALICE, "two", CAROL).getLong("id");
    long inOne = sendId(BOB, one, "budget review");
    long inTwo = sendId(CAROL, two, "budget review");

    assertEquals(List.of(inTwo, inOne), found(ALICE, "budget"));
    assertEquals(List.of(inOne), foundIds(search(ALICE, new JsonObject().put("q", "budget").put("chat_id", one))));
    assertEquals(List.of(inTwo), foundIds(search(ALICE, new JsonObject().put("q", "budget").put("chat_id", "" + two))));
  }

  @Test
  void editsAndDeletesAreReflectedAtOnce() throws Exception {
    long chatId = createChat(ALICE, "changes", BOB, OLIVIA).getLong("id");
    long edited = sendId(BOB, chatId, "apple pie");
    long deleted = sendId(BOB, chatId, "apple tart");
    long bulk = sendId(ALICE, chatId, "apple crumble");
    assertEquals(List.of(bulk, deleted, edited), found(ALICE, "apple"));

    call(Addresses.CHAT_MESSAGE_EDIT, new JsonObject().put("user_id", BOB).put("chat_id", chatId)
      .put("message_id", edited).put("content", "banana pie"));
    assertEquals(List.of(bulk, deleted), found(ALICE, "apple"));
    JsonObject byNewText = search(ALICE, "banana").getJsonArray("results").getJsonObject(0);
    assertEquals(edited, byNewText.getJsonObject("message").getLong("id"));
    assertEquals("banana pie", byNewText.getJsonObject("message").getString("content"));
    assertEquals("banana pie", byNewText.getString("snippet"));

    call(Addresses.CHAT_MESSAGE_DELETE, new JsonObject().put("user_id", BOB).put("user_type", "student")
      .put("chat_id", chatId).put("message_id", deleted));
    assertEquals(List.of(bulk), found(ALICE, "apple"));
    assertEquals(List.of(), found(ALICE, "tart"));

    // An owner's deletes: messages by id, then the whole chat.
    call(Addresses.CHAT_ADMIN_MESSAGES_DELETE, new JsonObject().put("actor", ACTOR).put("ids", new JsonArray().add(bulk)));
    assertEquals(List.of(), found(ALICE, "apple"));
    assertEquals(List.of(edited), found(ALICE, "pie"));
    call(Addresses.CHAT_ADMIN_CHAT_DELETE, new JsonObject().put("actor", ACTOR).put("chat_id", chatId));
    assertEquals(List.of(), found(BOB, "pie"));

    // The index still agrees with the table: a new chat's messages are found, nothing else.
    long again = createChat(ALICE, "again", BOB).getLong("id");
    long fresh = sendId(ALICE, again, "pie again");
    assertEquals(List.of(fresh), found(BOB, "pie"));
  }

  @Test
  void pagesGoBackwardWithBeforeAndSayWhetherMoreExist() throws Exception {
    long chatId = createChat(ALICE, "paging", BOB).getLong("id");
    List<Long> ids = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      ids.add(sendId(i % 2 == 0 ? ALICE : BOB, chatId, "report number " + i));
      sendId(BOB, chatId, "noise " + i);
    }
    JsonObject first = search(ALICE, new JsonObject().put("q", "report").put("limit", 2));
    assertEquals(List.of(ids.get(4), ids.get(3)), foundIds(first));
    assertTrue(first.getBoolean("has_more"));
    JsonObject second = search(ALICE, new JsonObject().put("q", "report").put("limit", "2").put("before", ids.get(3)));
    assertEquals(List.of(ids.get(2), ids.get(1)), foundIds(second));
    assertTrue(second.getBoolean("has_more"));
    JsonObject last = search(ALICE, new JsonObject().put("q", "report").put("limit", 2).put("before", "" + ids.get(1)));
    assertEquals(List.of(ids.get(0)), foundIds(last));
    assertFalse(last.getBoolean("has_more"));
    JsonObject all = search(ALICE, "report");
    assertEquals(List.of(ids.get(4), ids.get(3), ids.get(2), ids.get(1), ids.get(0)), foundIds(all));
    assertFalse(all.getBoolean("has_more"));

    // Each result is a whole message object and a snippet.
    JsonObject result = all.getJsonArray("results").getJsonObject(0);
    JsonObject message = result.getJsonObject("message");
    assertEquals(chatId, message.getLong("chat_id"));
    assertEquals("report number 4", message.getString("content"));
    assertEquals(ALICE, message.getJsonObject("sender").getLong("id"));
    assertEquals("alice", message.getJsonObject("sender").getString("username"));
    assertTrue(message.containsKey("seq") && message.containsKey("reactions") && message.containsKey("created_at"));
    assertEquals("report number 4", result.getString("snippet"));
  }

  @Test
  void theSnippetIsAPlainWindowAroundTheFirstMatch() throws Exception {
    long chatId = createChat(ALICE, "snippets", BOB).getLong("id");
    String lead = "lorem ipsum dolor sit amet ".repeat(8);
    String tail = " consectetur adipiscing elit".repeat(10);
    sendId(ALICE, chatId, lead + "<b>Needle</b>\n\nin   the haystack" + tail);

    String snippet = search(BOB, "needle").getJsonArray("results").getJsonObject(0).getString("snippet");
    assertTrue(snippet.startsWith("…") && snippet.endsWith("…"), snippet);
    assertTrue(snippet.contains("<b>Needle</b> in the haystack"), snippet);
    assertTrue(snippet.length() <= SearchQuery.SNIPPET_LENGTH + 2, snippet);
  }

  @Test
  void badFieldsAreNamedTogether() throws Exception {
    createChat(ALICE, "fields", BOB);
    ServiceError error = failure(ErrorCode.VALIDATION, Addresses.CHAT_SEARCH, new JsonObject().put("user_id", ALICE)
      .put("q", 7).put("chat_id", "abc").put("limit", 0).put("before", "-1"));
    assertEquals(List.of("before", "chat_id", "limit", "q"), error.fields().fieldNames().stream().sorted().toList());
    for (Object limit : List.of(101, "x", "1.5", -3)) {
      ServiceError bad = failure(ErrorCode.VALIDATION, Addresses.CHAT_SEARCH,
        new JsonObject().put("user_id", ALICE).put("q", "fine").put("limit", limit));
      assertEquals("limit", bad.fields().fieldNames().iterator().next());
    }
    for (String q : List.of("", "   ", "*", "\"\"", "!!! ???", "a*", "x".repeat(SearchQuery.MAX_LENGTH + 1),
      "w ".repeat(SearchQuery.MAX_WORDS + 1))) {
      ServiceError bad = failure(ErrorCode.VALIDATION, Addresses.CHAT_SEARCH, new JsonObject().put("user_id", ALICE).put("q", q));
      assertTrue(bad.fields() != null && bad.fields().containsKey("q"), () -> "q " + q + ": " + bad.getMessage());
    }
    ServiceError missing = failure(ErrorCode.VALIDATION, Addresses.CHAT_SEARCH, new JsonObject().put("user_id", ALICE));
    assertEquals("is required", missing.fields().getString("q"));
  }

  /** Malformed and hostile queries: each answers results or VALIDATION naming q, never anything else. */
  @Test
  void malformedQueriesAnswerResultsOrValidationNeverAFailure() throws Exception {
    long chatId = createChat(ALICE, "corpus", BOB).getLong("id");
    long target = sendId(ALICE, chatId, "near and or not content x café 😀 שלום עולם 東京 path\\to");
    List<String> corpus = new ArrayList<>(List.of(
      "\"unbalanced", "unbalanced\"", "\"\"\"", "\"a\" \"", "*", "**", "* *", "a**", "*near", "NEAR(", "NEAR(a b)",
      "NEAR(\"a\" \"b\", 2)", "AND", "OR", "NOT", "AND OR NOT", "near AND", "x OR", "NOT x", "-x", "- -", "x -y",
      "^", "^x", "x^2", ":", "content:x", "content : x", "messages_fts:x", "{content}: x", "col:", "+", "x + y",
      "(", ")", "(x", "x)", "(x OR y) AND z", "'", "'x'", "x's", "\\", "\\\\", "x\\", "\\\"x\\\"", "path\\to",
      "%", "_", "x%", "&", "|", "!", "x & y", "x | y", "!x", "x:*", "x:A", "'x':*", "<->", "x <-> y", "<2>",
      "\u0000", "x\u0000y", "\u0000*", "😀", "😀*", "x😀", "\uD83D\uDE00\uD83D\uDE00", "שלום", "עולם*", "\u202Eabc",
      "\u200B", "x\u200Dy", "東京", "東*", "\u0301", "e\u0301", "ǅ", "ﬁ", "ß", "İ", "\t\n\r", "null", "undefined",
      ";DROP TABLE messages;--", "x'); DROP TABLE messages; --", "$1", "$$", "?", "?1", "@x", "#", "~x", "`x`",
      "x".repeat(SearchQuery.MAX_LENGTH), "é".repeat(SearchQuery.MAX_LENGTH), "😀".repeat(SearchQuery.MAX_LENGTH),
      "x".repeat(10_240), "\"x".repeat(100), "x* ".repeat(20), "a ".repeat(SearchQuery.MAX_WORDS)));
    corpus.add("\uD800");
    corpus.add("x\uDC00y");
    int answered = 0;
    for (String q : corpus) {
      try {
        JsonObject answer = search(BOB, q);
        assertTrue(answer.containsKey("results") && answer.containsKey("has_more"), q);
        answered++;
      } catch (ServiceError e) {
        assertEquals(ErrorCode.VALIDATION, e.code(), () -> "q " + q + ": " + e.getMessage());
        assertTrue(e.fields() != null && e.fields().containsKey("q"), () -> "q " + q + ": " + e.getMessage());
      }
    }
    assertTrue(answered > corpus.size() / 2, "most of the corpus is searchable text");
    // Syntax of the stores is only text: these words are found as words.
    for (String q : List.of("NEAR(", "AND OR NOT", "content:x", "path\\to", "שלום", "東京", "'near'")) {
      assertEquals(List.of(target), found(BOB, q), q);
    }
    // The service is still there.
    assertEquals(List.of(target), found(ALICE, "café"));
  }

  @Test
  void theCallerMustBeKnown() {
    ServiceError error = assertThrows(ServiceError.class, () -> call(Addresses.CHAT_SEARCH, new JsonObject().put("q", "x")));
    assertEquals(ErrorCode.UNAUTHENTICATED, error.code());
  }
}
