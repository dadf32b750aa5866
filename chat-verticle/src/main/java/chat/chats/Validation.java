package chat.chats;

import chat.shared.ErrorCode;
import chat.shared.ServiceError;
import chat.shared.validation.Fields;
import chat.shared.validation.Ids;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.OptionalLong;
import java.util.function.Function;

/**
 * The chat service's own field rules (chat name, content, client_id, the paging of history and
 * of the feed), written with the shared {@link Fields} toolkit; nothing here touches state.
 *
 * <p>Each rule comes twice: over a {@link Fields} it records its problem there, so an operation
 * reads all its fields and then reports every bad one at once ({@link Fields#throwIfInvalid()});
 * over a {@link JsonObject} it checks that one rule and throws at once (the older calls, kept).
 */
final class Validation {

  static final int MAX_NAME_LENGTH = 200;
  static final int MAX_PARTICIPANT_IDS = 500;
  static final int MAX_CLIENT_ID_LENGTH = 100;
  static final int DEFAULT_PAGE = 50;
  static final int MAX_PAGE = 200;
  static final int DEFAULT_FEED_PAGE = 100;
  static final int MAX_FEED_PAGE = 500;

  private static final String NOT_A_STRING = "must be a string";

  private Validation() {
  }

  /** The paging of a history request; at most one of before/after is set (0 = unset). */
  record Paging(int limit, long before, long after) {
  }

  /** The paging of a feed request: events with seq > afterSeq, at most limit of them. */
  record FeedPaging(long afterSeq, int limit) {
  }

  /**
   * The authenticated caller, put there by the gateway: an id, as a number or a decimal string.
   * Without it there is nobody to serve (UNAUTHENTICATED, thrown at once, before any field).
   */
  static long caller(JsonObject body) {
    OptionalLong id = Ids.of(body.getValue("user_id"), true);
    if (id.isEmpty()) {
      throw new ServiceError(ErrorCode.UNAUTHENTICATED, "No authenticated user");
    }
    return id.getAsLong();
  }

  /** {@code chat_id}: an id, as a number or a decimal string (it comes from a path). */
  static long chatId(Fields in) {
    return in.idOrText("chat_id");
  }

  /** A required id under {@code key}; problems name {@code field} (the name the client used). */
  static long id(Fields in, String key, String field, boolean textAllowed) {
    return in.id(key, field, textAllowed);
  }

  /** An optional id (number or decimal string; empty string = absent); 0 when absent. */
  static long optionalId(Fields in, String field) {
    return in.optionalIdOrText(field);
  }

  /** Chat name: a string, stripped, not blank, at most {@value #MAX_NAME_LENGTH} characters. */
  static String chatName(Fields in) {
    String value = string(in, "name");
    if (value == null) {
      return null;
    }
    String name = value.strip();
    if (name.isEmpty()) {
      in.reject("name", "must not be empty");
    } else if (name.codePointCount(0, name.length()) > MAX_NAME_LENGTH) {
      in.reject("name", "must be at most " + MAX_NAME_LENGTH + " characters");
    }
    return name;
  }

  /** {@code participant_ids}: absent, null or an array of at most {@value #MAX_PARTICIPANT_IDS} ids. */
  static List<Long> participantIds(Fields in) {
    return in.optionalIds("participant_ids", MAX_PARTICIPANT_IDS);
  }

  /**
   * Message content: a string (text as {@link Fields} reads every string), not empty or only white space, at most
   * {@code maxLength} code points. Returned exactly as given.
   */
  static String content(Fields in, int maxLength) {
    String content = string(in, "content");
    if (content == null) {
      return null;
    }
    if (isBlank(content)) {
      in.reject("content", "must not be empty");
    } else if (content.codePointCount(0, content.length()) > maxLength) {
      in.reject("content", "must be at most " + maxLength + " characters");
    }
    return content;
  }

  /**
   * Content of a message carrying attachments: absent or null is empty; else a string checked as
   * {@link #content(Fields, int)} checks it, except that it may be empty or white space.
   */
  static String optionalContent(Fields in, int maxLength) {
    Object raw = in.body().getValue("content");
    if (raw == null) {
      return "";
    }
    String content = string(in, "content");
    if (content == null) {
      return null;
    }
    if (content.codePointCount(0, content.length()) > maxLength) {
      in.reject("content", "must be at most " + maxLength + " characters");
    }
    return content;
  }

  /** {@code attachment_ids}: absent, null or an array of at most {@code max} ids (issue 14). */
  static List<Long> attachmentIds(Fields in, int max) {
    return in.optionalIds("attachment_ids", max);
  }

  /** {@code client_id}: absent or null, or a string of 1 to {@value #MAX_CLIENT_ID_LENGTH} characters. */
  static String clientId(Fields in) {
    String clientId = in.optionalString("client_id");
    if (clientId == null) {
      return null;
    }
    int length = clientId.codePointCount(0, clientId.length());
    if (length < 1 || length > MAX_CLIENT_ID_LENGTH) {
      in.reject("client_id", "must be 1 to " + MAX_CLIENT_ID_LENGTH + " characters");
    }
    return clientId;
  }

  /**
   * History paging: numbers or decimal strings (query parameters), an empty string is absent.
   * {@code limit} 1..{@value #MAX_PAGE} (default {@value #DEFAULT_PAGE}); {@code before} and
   * {@code after} ids, not both.
   */
  static Paging paging(Fields in) {
    int limit = in.boundedInt("limit", DEFAULT_PAGE, 1, MAX_PAGE);
    long before = in.optionalIdOrText("before");
    long after = in.optionalIdOrText("after");
    if (before > 0 && after > 0) {
      in.reject("before", "cannot be combined with after").reject("after", "cannot be combined with before");
    }
    return new Paging(limit, before, after);
  }

  /**
   * Feed paging: {@code after_seq} a whole number (default 0, the beginning), {@code limit}
   * 1..{@value #MAX_FEED_PAGE} (default {@value #DEFAULT_FEED_PAGE}); numbers or decimal
   * strings, an empty string is absent.
   */
  static FeedPaging feedPaging(Fields in) {
    return new FeedPaging(in.wholeNumber("after_seq", 0), in.boundedInt("limit", DEFAULT_FEED_PAGE, 1, MAX_FEED_PAGE));
  }

  static final int MAX_EMOJI_CODE_POINTS = 16;

  /**
   * A reaction's {@code emoji}: 1 to 16 code points (a ZWJ sequence, a flag or a skin tone counts
   * each of its code points), well-formed, with no white space, control or bidirectional
   * formatting characters (the zero-width joiner and variation selectors are allowed).
   * Returned exactly as given: two spellings of one emoji are two reactions.
   */
  static String emoji(Fields in) {
    String emoji = string(in, "emoji");
    if (emoji == null) {
      return null;
    }
    int length = emoji.codePointCount(0, emoji.length());
    if (length < 1 || length > MAX_EMOJI_CODE_POINTS) {
      in.reject("emoji", "must be 1 to " + MAX_EMOJI_CODE_POINTS + " code points");
    } else if (emoji.codePoints().anyMatch(Validation::notInEmoji)) {
      in.reject("emoji", "must not contain white space or control characters");
    }
    return emoji;
  }

  /** White space, controls, and the bidirectional marks, embeddings, overrides and isolates. */
  private static boolean notInEmoji(int cp) {
    return Character.isWhitespace(cp) || Character.isSpaceChar(cp) || Character.getType(cp) == Character.CONTROL
      || cp == 0x061C || cp == 0x200E || cp == 0x200F || (cp >= 0x202A && cp <= 0x202E)
      || (cp >= 0x2066 && cp <= 0x2069);
  }

  // ---- the same rules, each thrown at once -------------------------------------------

  static long chatId(JsonObject body) {
    return checked(body, Validation::chatId);
  }

  static long id(JsonObject body, String key, String field, boolean textAllowed) {
    return checked(body, in -> id(in, key, field, textAllowed));
  }

  static long optionalId(JsonObject body, String field) {
    return checked(body, in -> optionalId(in, field));
  }

  static String chatName(JsonObject body) {
    return checked(body, Validation::chatName);
  }

  static List<Long> participantIds(JsonObject body) {
    return checked(body, Validation::participantIds);
  }

  static String content(JsonObject body, int maxLength) {
    return checked(body, in -> content(in, maxLength));
  }

  static String clientId(JsonObject body) {
    return checked(body, Validation::clientId);
  }

  static Paging paging(JsonObject body) {
    return checked(body, Validation::paging);
  }

  static FeedPaging feedPaging(JsonObject body) {
    return checked(body, Validation::feedPaging);
  }

  private static <T> T checked(JsonObject body, Function<Fields, T> rule) {
    Fields in = new Fields(body);
    T value = rule.apply(in);
    in.throwIfInvalid();
    return value;
  }

  // ---------------------------------------------------------------------------------------

  /** A required string; anything else (absent too) is "must be a string", as the chat API always said. */
  private static String string(Fields in, String field) {
    String value = in.optionalString(field);
    if (value == null && in.isValid(field)) {
      in.reject(field, NOT_A_STRING);
    }
    return value;
  }

  /** True when the text has no code point other than white space (including no-break spaces). */
  static boolean isBlank(String text) {
    // A plain loop (no stream per message); usually done at the first character.
    for (int i = 0; i < text.length(); ) {
      int cp = text.codePointAt(i);
      if (!Character.isWhitespace(cp) && !Character.isSpaceChar(cp)) {
        return false;
      }
      i += Character.charCount(cp);
    }
    return true;
  }
}
