package chat.chats;

import chat.shared.ErrorCode;
import chat.shared.ServiceError;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Checks and normalises request bodies. Each method returns the clean value or throws a
 * {@link ServiceError} naming the offending field; nothing here touches state.
 */
final class Validation {

  static final int MAX_NAME_LENGTH = 200;
  static final int MAX_PARTICIPANT_IDS = 500;
  static final int MAX_CLIENT_ID_LENGTH = 100;
  static final int DEFAULT_PAGE = 50;
  static final int MAX_PAGE = 200;

  /** A positive id written as a decimal string (path and query parameters), fits a long. */
  private static final Pattern ID_TEXT = Pattern.compile("[1-9][0-9]{0,17}");
  private static final Pattern INT_TEXT = Pattern.compile("-?[0-9]{1,18}");

  private Validation() {
  }

  /** The paging of a history request; at most one of before/after is set (0 = unset). */
  record Paging(int limit, long before, long after) {
  }

  /** The authenticated caller, put there by the gateway; without it there is nobody to serve. */
  static long caller(JsonObject body) {
    Long id = positiveLong(body.getValue("user_id"), true);
    if (id == null) {
      throw new ServiceError(ErrorCode.UNAUTHENTICATED, "No authenticated user");
    }
    return id;
  }

  /** {@code chat_id}: a positive integer, as a number or a decimal string (it comes from a path). */
  static long chatId(JsonObject body) {
    return id(body, "chat_id", "chat_id", true);
  }

  /** A required positive id under {@code key}; failures name {@code field}. */
  static long id(JsonObject body, String key, String field, boolean textAllowed) {
    Long id = positiveLong(body.getValue(key), textAllowed);
    if (id == null) {
      throw ServiceError.validation(field, "must be a positive integer");
    }
    return id;
  }

  /** An optional positive id (number or decimal string; empty string = absent); 0 when absent. */
  static long optionalId(JsonObject body, String field) {
    Object value = absentIfEmpty(body.getValue(field));
    if (value == null) {
      return 0;
    }
    Long id = positiveLong(value, true);
    if (id == null) {
      throw ServiceError.validation(field, "must be a positive integer");
    }
    return id;
  }

  /** Chat name: a string, trimmed, not blank, at most 200 characters. */
  static String chatName(JsonObject body) {
    Object value = body.getValue("name");
    if (!(value instanceof String)) {
      throw ServiceError.validation("name", "must be a string");
    }
    String name = ((String) value).strip();
    if (name.isEmpty()) {
      throw ServiceError.validation("name", "must not be empty");
    }
    if (name.codePointCount(0, name.length()) > MAX_NAME_LENGTH) {
      throw ServiceError.validation("name", "must be at most " + MAX_NAME_LENGTH + " characters");
    }
    return name;
  }

  /** {@code participant_ids}: absent, null or an array of at most 500 positive integers. */
  static List<Long> participantIds(JsonObject body) {
    Object value = body.getValue("participant_ids");
    if (value == null) {
      return List.of();
    }
    if (!(value instanceof JsonArray)) {
      throw ServiceError.validation("participant_ids", "must be an array of user ids");
    }
    JsonArray array = (JsonArray) value;
    if (array.size() > MAX_PARTICIPANT_IDS) {
      throw ServiceError.validation("participant_ids", "must hold at most " + MAX_PARTICIPANT_IDS + " user ids");
    }
    List<Long> ids = new ArrayList<>(array.size());
    for (Object item : array) {
      Long id = positiveLong(item, false);
      if (id == null) {
        throw ServiceError.validation("participant_ids", "must be an array of positive integers");
      }
      ids.add(id);
    }
    return ids;
  }

  /**
   * Message content: a string that is not empty or only white space, at most
   * {@code maxLength} Unicode code points. Returned exactly as given.
   */
  static String content(JsonObject body, int maxLength) {
    Object value = body.getValue("content");
    if (!(value instanceof String)) {
      throw ServiceError.validation("content", "must be a string");
    }
    String content = (String) value;
    if (!wellFormed(content)) {
      throw ServiceError.validation("content", "must be valid Unicode text");
    }
    if (isBlank(content)) {
      throw ServiceError.validation("content", "must not be empty");
    }
    if (content.codePointCount(0, content.length()) > maxLength) {
      throw ServiceError.validation("content", "must be at most " + maxLength + " characters");
    }
    return content;
  }

  /** {@code client_id}: absent or null, or a string of 1 to 100 characters. */
  static String clientId(JsonObject body) {
    Object value = body.getValue("client_id");
    if (value == null) {
      return null;
    }
    if (!(value instanceof String)) {
      throw ServiceError.validation("client_id", "must be a string");
    }
    String clientId = (String) value;
    int length = clientId.codePointCount(0, clientId.length());
    if (length < 1 || length > MAX_CLIENT_ID_LENGTH) {
      throw ServiceError.validation("client_id", "must be 1 to " + MAX_CLIENT_ID_LENGTH + " characters");
    }
    return clientId;
  }

  /**
   * History paging. Values may be JSON numbers or decimal strings (query parameters); an empty
   * string counts as absent. limit 1..200 (default 50); before/after positive, not both.
   */
  static Paging paging(JsonObject body) {
    Object limitValue = absentIfEmpty(body.getValue("limit"));
    int limit = DEFAULT_PAGE;
    if (limitValue != null) {
      Long parsed = anyLong(limitValue);
      if (parsed == null || parsed < 1 || parsed > MAX_PAGE) {
        throw ServiceError.validation("limit", "must be an integer from 1 to " + MAX_PAGE);
      }
      limit = parsed.intValue();
    }
    long before = optionalId(body, "before");
    long after = optionalId(body, "after");
    if (before > 0 && after > 0) {
      throw new ServiceError(ErrorCode.VALIDATION, "Use either before or after, not both",
        new JsonObject().put("before", "cannot be combined with after").put("after", "cannot be combined with before"));
    }
    return new Paging(limit, before, after);
  }

  /** The paging of a feed request: events with seq > afterSeq, at most limit of them. */
  record FeedPaging(long afterSeq, int limit) {
  }

  static final int DEFAULT_FEED_PAGE = 100;
  static final int MAX_FEED_PAGE = 500;

  /**
   * Feed paging: {@code after_seq} a whole number from 0 (default 0, the beginning),
   * {@code limit} 1..500 (default 100); numbers or decimal strings, an empty string is absent.
   */
  static FeedPaging feedPaging(JsonObject body) {
    Object afterValue = absentIfEmpty(body.getValue("after_seq"));
    long afterSeq = 0;
    if (afterValue != null) {
      Long parsed = anyLong(afterValue);
      if (parsed == null || parsed < 0) {
        throw ServiceError.validation("after_seq", "must be a whole number from 0");
      }
      afterSeq = parsed;
    }
    Object limitValue = absentIfEmpty(body.getValue("limit"));
    int limit = DEFAULT_FEED_PAGE;
    if (limitValue != null) {
      Long parsed = anyLong(limitValue);
      if (parsed == null || parsed < 1 || parsed > MAX_FEED_PAGE) {
        throw ServiceError.validation("limit", "must be an integer from 1 to " + MAX_FEED_PAGE);
      }
      limit = parsed.intValue();
    }
    return new FeedPaging(afterSeq, limit);
  }

  static final int MAX_EMOJI_CODE_POINTS = 16;

  /**
   * A reaction's {@code emoji}: 1 to 16 code points (a ZWJ sequence, a flag or a skin tone counts
   * each of its code points), well-formed, with no white space, control or bidirectional
   * formatting characters (the zero-width joiner and variation selectors are allowed).
   * Returned exactly as given: two spellings of one emoji are two reactions.
   */
  static String emoji(JsonObject body) {
    Object value = body.getValue("emoji");
    if (!(value instanceof String)) {
      throw ServiceError.validation("emoji", "must be a string");
    }
    String emoji = (String) value;
    if (!wellFormed(emoji)) {
      throw ServiceError.validation("emoji", "must be valid Unicode text");
    }
    int length = emoji.codePointCount(0, emoji.length());
    if (length < 1 || length > MAX_EMOJI_CODE_POINTS) {
      throw ServiceError.validation("emoji", "must be 1 to " + MAX_EMOJI_CODE_POINTS + " code points");
    }
    if (emoji.codePoints().anyMatch(Validation::notInEmoji)) {
      throw ServiceError.validation("emoji", "must not contain white space or control characters");
    }
    return emoji;
  }

  /** White space, controls, and the bidirectional marks, embeddings, overrides and isolates. */
  private static boolean notInEmoji(int cp) {
    return Character.isWhitespace(cp) || Character.isSpaceChar(cp) || Character.getType(cp) == Character.CONTROL
      || cp == 0x061C || cp == 0x200E || cp == 0x200F || (cp >= 0x202A && cp <= 0x202E)
      || (cp >= 0x2066 && cp <= 0x2069);
  }

  private static Object absentIfEmpty(Object value) {
    return value instanceof String && ((String) value).isEmpty() ? null : value;
  }

  /** True when the text has no code point other than white space (including no-break spaces). */
  static boolean isBlank(String text) {
    return text.codePoints().allMatch(cp -> Character.isWhitespace(cp) || Character.isSpaceChar(cp));
  }

  /** False when the text holds an unpaired surrogate, which could not be stored as it was given. */
  static boolean wellFormed(String text) {
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (Character.isHighSurrogate(c)) {
        if (i + 1 == text.length() || !Character.isLowSurrogate(text.charAt(i + 1))) {
          return false;
        }
        i++;
      } else if (Character.isLowSurrogate(c)) {
        return false;
      }
    }
    return true;
  }

  /** A positive integral JSON number (or decimal string when allowed) as a long, else null. */
  private static Long positiveLong(Object value, boolean textAllowed) {
    if (value instanceof String) {
      if (!textAllowed || !ID_TEXT.matcher((String) value).matches()) {
        return null;
      }
      return Long.parseLong((String) value);
    }
    Long number = integral(value);
    return number != null && number > 0 ? number : null;
  }

  /** Any integral JSON number or decimal string as a long, else null. */
  private static Long anyLong(Object value) {
    if (value instanceof String) {
      String text = (String) value;
      return INT_TEXT.matcher(text).matches() ? Long.parseLong(text) : null;
    }
    return integral(value);
  }

  private static Long integral(Object value) {
    if (value instanceof Integer || value instanceof Long || value instanceof Short || value instanceof Byte) {
      return ((Number) value).longValue();
    }
    if (value instanceof BigInteger && ((BigInteger) value).bitLength() < 64) {
      return ((BigInteger) value).longValue();
    }
    return null;
  }
}
