package chat.chats;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import chat.shared.Addresses;
import chat.shared.ErrorCode;
import chat.shared.Events;
import chat.shared.ServiceError;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Reactions: order of first use, seqs and events, no-ops, the 20-emoji cap, what an emoji may be. */
class ReactionsTest extends ChatTestBase {

  static final String THUMBS = "👍";
  static final String HEART = "❤️";
  /** Family: man, ZWJ, woman, ZWJ, girl, ZWJ, boy: 7 code points, 11 UTF-16 units. */
  static final String FAMILY = "\uD83D\uDC68\u200D\uD83D\uDC69\u200D\uD83D\uDC67\u200D\uD83D\uDC66";

  long chatId;
  long messageId;

  @BeforeEach
  void aMessageOfAliceInAChatWithBobAndCarol() throws Exception {
    chatId = createChat(ALICE, "Study group", BOB, CAROL).getLong("id");
    messageId = send(ALICE, chatId, "react to me").getLong("id");
  }

  JsonObject request(long user, long message, Object emoji) {
    return new JsonObject().put("user_id", user).put("chat_id", chatId).put("message_id", message).put("emoji", emoji);
  }

  JsonArray put(long user, String emoji) throws Exception {
    return call(Addresses.CHAT_REACTION_ADD, request(user, messageId, emoji)).getJsonArray("reactions");
  }

  JsonArray remove(long user, String emoji) throws Exception {
    return call(Addresses.CHAT_REACTION_REMOVE, request(user, messageId, emoji)).getJsonArray("reactions");
  }

  static JsonObject reaction(String emoji, long... userIds) {
    JsonArray ids = new JsonArray();
    for (long id : userIds) {
      ids.add(id);
    }
    return new JsonObject().put("emoji", emoji).put("count", userIds.length).put("user_ids", ids);
  }

  long lastSeq() throws Exception {
    return getChat(ALICE, chatId).getLong("last_seq");
  }

  @Test
  void reactionsAreListedInOrderOfFirstUseEachChangeWithOneSeqAndEvent() throws Exception {
    List<JsonObject> published = recordEvents(chatId);
    long before = lastSeq();

    assertEquals(new JsonArray().add(reaction(THUMBS, BOB)), put(BOB, THUMBS));
    assertEquals(new JsonArray().add(reaction(THUMBS, BOB)).add(reaction(HEART, CAROL)), put(CAROL, HEART));
    JsonArray three = new JsonArray().add(reaction(THUMBS, BOB, ALICE)).add(reaction(HEART, CAROL));
    assertEquals(three, put(ALICE, THUMBS));
    // Bob takes his back; the thumbs stay first, first used before the heart.
    JsonArray after = new JsonArray().add(reaction(THUMBS, ALICE)).add(reaction(HEART, CAROL));
    assertEquals(after, remove(BOB, THUMBS));
    assertEquals(before + 4, lastSeq());
    // Gone altogether and used again, an emoji counts as first used now: it goes last.
    remove(CAROL, HEART);
    assertEquals(new JsonArray().add(reaction(THUMBS, ALICE)).add(reaction(HEART, BOB)), put(BOB, HEART));
    assertEquals(before + 6, lastSeq());

    flushEvents(published, ALICE, chatId);
    List<JsonObject> changes = ofType(published, Events.REACTION_CHANGED);
    assertEquals(6, changes.size());
    for (int i = 0; i < 4; i++) {
      assertEquals(before + 1 + i, changes.get(i).getLong("seq"));
      assertEquals(chatId, changes.get(i).getLong("chat_id"));
      assertEquals(messageId, changes.get(i).getLong("message_id"));
    }
    assertEquals(three, changes.get(2).getJsonArray("reactions"));
    assertEquals(after, changes.get(3).getJsonArray("reactions"));
    // History carries them on the message.
    assertEquals(changes.get(5).getJsonArray("reactions"), allMessages(BOB, chatId).get(0).getJsonArray("reactions"));
  }

  @Test
  void puttingOneYouHaveOrRemovingOneYouHaveNotChangesNothingAndTakesNoSeq() throws Exception {
    put(BOB, THUMBS);
    List<JsonObject> published = recordEvents(chatId);
    long before = lastSeq();

    assertEquals(new JsonArray().add(reaction(THUMBS, BOB)), put(BOB, THUMBS));
    assertEquals(new JsonArray().add(reaction(THUMBS, BOB)), remove(CAROL, THUMBS));
    assertEquals(new JsonArray().add(reaction(THUMBS, BOB)), remove(BOB, HEART));

    assertEquals(before, lastSeq());
    flushEvents(published, ALICE, chatId);
    assertEquals(List.of(), ofType(published, Events.REACTION_CHANGED));
  }

  @Test
  void aMessageHoldsAtMostTwentyDistinctEmojiButMorePeopleMayUseThem() throws Exception {
    for (int i = 0; i < Reactions.MAX_DISTINCT_EMOJI; i++) {
      put(i % 2 == 0 ? ALICE : BOB, new String(Character.toChars(0x1F600 + i)));
    }
    long before = lastSeq();

    ServiceError error = failure(ErrorCode.VALIDATION, Addresses.CHAT_REACTION_ADD, request(CAROL, messageId, "🦄"));
    assertTrue(error.fields().containsKey("emoji"));
    assertEquals(before, lastSeq());

    // One of the twenty, by someone else: allowed. Freeing one makes room for another.
    assertEquals(2, put(CAROL, "\uD83D\uDE00").getJsonObject(0).getInteger("count"));
    remove(BOB, "\uD83D\uDE01");
    JsonArray now = put(CAROL, "🦄");
    assertEquals(Reactions.MAX_DISTINCT_EMOJI, now.size());
    assertEquals("🦄", now.getJsonObject(Reactions.MAX_DISTINCT_EMOJI - 1).getString("emoji"));
  }

  @Test
  void emojiMayBeOneToSixteenCodePointsCountedAsCodePoints() throws Exception {
    // ZWJ sequences, flags, skin tones, keycaps and variation selectors are ordinary emoji.
    String flag = "\uD83C\uDDEB\uD83C\uDDF7";
    String skinTone = "\uD83D\uDC4D\uD83C\uDFFD";
    String keycap = "1\uFE0F\u20E3";
    String england = "\uD83C\uDFF4\uDB40\uDC67\uDB40\uDC62\uDB40\uDC65\uDB40\uDC6E\uDB40\uDC67\uDB40\uDC7F";
    String sixteen = "\uD83D\uDE00".repeat(16);
    for (String emoji : List.of("a", "+1", THUMBS, HEART, FAMILY, flag, skinTone, keycap, england, sixteen)) {
      JsonArray reactions = put(BOB, emoji);
      assertEquals(emoji, reactions.getJsonObject(reactions.size() - 1).getString("emoji"), emoji);
    }
    assertEquals(11, FAMILY.length());
    assertEquals(32, sixteen.length(), "16 code points are 32 UTF-16 units, still allowed");
  }

  @Test
  void emojiValidationTable() throws Exception {
    Object[] bad = {
      null, 1, new JsonArray(), "",
      "\uD83D\uDE00".repeat(17),   // 17 code points
      "a".repeat(17),
      "\uD83D",                    // a lone high surrogate
      "\uDC4D",                    // a lone low surrogate
      "\uDC4D\uD83D",              // a pair in the wrong order
      " ", "👍 ", "\t", "\n", "\u00A0", "\u2003", "\u2028", "\u3000",
      "\u0000", "\u0007", "\u007F", "\u0085", "\u001B[31m",
      "\u202Eabc", "\u2066x", "\u200F",
    };
    long before = lastSeq();
    for (Object emoji : bad) {
      ServiceError error = failure(ErrorCode.VALIDATION, Addresses.CHAT_REACTION_ADD, request(BOB, messageId, emoji));
      assertTrue(error.fields().containsKey("emoji"), () -> "emoji field for " + emoji);
      failure(ErrorCode.VALIDATION, Addresses.CHAT_REACTION_REMOVE, request(BOB, messageId, emoji));
    }
    assertEquals(before, lastSeq());
    assertEquals(new JsonArray(), allMessages(BOB, chatId).get(0).getJsonArray("reactions"));
  }

  @Test
  void reactionsOnADeletedUnknownOrAnotherChatsMessageAreNotFoundAndStrangersToo() throws Exception {
    long otherChat = createChat(BOB, "elsewhere", ALICE).getLong("id");
    long elsewhere = send(BOB, otherChat, "over there").getLong("id");
    long deleted = send(BOB, chatId, "gone").getLong("id");
    call(Addresses.CHAT_MESSAGE_DELETE, new JsonObject().put("user_id", BOB).put("chat_id", chatId)
      .put("message_id", deleted));

    for (long message : new long[] {deleted, elsewhere, 999_999}) {
      failure(ErrorCode.NOT_FOUND, Addresses.CHAT_REACTION_ADD, request(BOB, message, THUMBS));
      failure(ErrorCode.NOT_FOUND, Addresses.CHAT_REACTION_REMOVE, request(BOB, message, THUMBS));
    }
    failure(ErrorCode.NOT_FOUND, Addresses.CHAT_REACTION_ADD, request(DAVE, messageId, THUMBS));
    assertEquals(new JsonArray(), allMessages(BOB, otherChat).get(0).getJsonArray("reactions"));
  }

  @Test
  void deletingAMessageRemovesItsReactionsAndTheFeedShowsThemGone() throws Exception {
    put(BOB, THUMBS);
    put(CAROL, HEART);
    call(Addresses.CHAT_MESSAGE_DELETE, new JsonObject().put("user_id", ALICE).put("chat_id", chatId)
      .put("message_id", messageId));

    JsonObject feed = call(Addresses.CHAT_EVENTS_FEED, new JsonObject().put("user_id", BOB).put("chat_id", chatId));
    List<JsonObject> changes = ofType(feed.getJsonArray("events").stream().map(e -> (JsonObject) e).toList(),
      Events.REACTION_CHANGED);
    assertEquals(2, changes.size());
    changes.forEach(c -> assertEquals(new JsonArray(), c.getJsonArray("reactions"), "shown as they are now"));
  }
}
