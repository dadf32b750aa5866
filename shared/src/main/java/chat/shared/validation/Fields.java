package chat.shared.validation;

import chat.shared.ErrorCode;
import chat.shared.ServiceError;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;

/**
 * Reads the fields of one request and collects every problem, so that the caller learns about
 * all bad fields at once: {@link #throwIfInvalid()} fails with one VALIDATION error whose
 * {@code fields} name each of them. A reader that records a problem returns a neutral value (null,
 * 0, the default, an empty list) so the others can go on reading; the first problem of a field
 * is the one kept. Nothing here touches state.
 *
 * <p>Numbers and ids follow {@link Integers} and {@link Ids}. Readers of values that may come
 * from a path or query string ({@code ...OrText}, {@link #boundedInt}, {@link #wholeNumber},
 * {@link #instant}) also take decimal strings; an empty string counts as absent for them (a
 * query parameter left empty), unless the reader was made {@link #keepingEmptyStrings}. String
 * readers always return an empty string as it is.
 *
 * <p>Every string read here must be text both stores can keep as it was given: no unpaired
 * surrogate (UTF-8 cannot encode one; Java writes {@code ?} instead, so two spellings would
 * become one value) and no U+0000 (PostgreSQL's text types refuse it). Anything else is
 * recorded as {@value #NOT_TEXT}, so every field of every service follows one rule.
 */
public final class Fields {

  /** The longest text taken as an instant; longer is refused before parsing. */
  public static final int MAX_INSTANT_LENGTH = 64;
  /** Instants a millisecond clock can hold: {@code Instant.ofEpochMilli(Long.MIN_VALUE / MAX_VALUE)}. */
  private static final Instant EARLIEST = Instant.ofEpochMilli(Long.MIN_VALUE);
  private static final Instant LATEST = Instant.ofEpochMilli(Long.MAX_VALUE);

  static final String REQUIRED = "is required";
  static final String NOT_A_STRING = "must be a string";
  static final String NOT_TEXT = "must be valid Unicode text, without NUL characters";
  static final String NOT_AN_ID = "must be a positive integer of at most " + Ids.MAX_DIGITS + " digits";
  static final String NOT_AN_INSTANT = "must be an ISO-8601 instant such as 2026-11-23T10:15:30.123Z";

  private final JsonObject body;
  private final JsonObject problems;
  private final boolean emptyIsAbsent;

  /**
   * The fields of {@code body} (null reads as an empty body); an empty string counts as absent
   * for the readers of numbers, ids and instants.
   */
  public Fields(JsonObject body) {
    this(body == null ? new JsonObject() : body, new JsonObject(), true);
  }

  private Fields(JsonObject body, JsonObject problems, boolean emptyIsAbsent) {
    this.body = body;
    this.problems = problems;
    this.emptyIsAbsent = emptyIsAbsent;
  }

  /**
   * The fields of {@code body} where an empty string is a value like any other (a number reader
   * refuses it): for the requests whose contract answers an empty parameter with 400
   * ({@code GET /api/users?limit=}).
   */
  public static Fields keepingEmptyStrings(JsonObject body) {
    return new Fields(body == null ? new JsonObject() : body, new JsonObject(), false);
  }

  /**
   * The fields of a nested object of the same request (say {@code changes}): read with the same
   * rules, its problems are recorded here, under their own names.
   */
  public Fields nested(JsonObject object) {
    return new Fields(object == null ? new JsonObject() : object, problems, emptyIsAbsent);
  }

  /** The request body as given. */
  public JsonObject body() {
    return body;
  }

  /** True when the field is given: present, not null, and not an empty string where that means absent. */
  public boolean has(String field) {
    return value(field) != null;
  }

  /** True when the body holds the key at all, even with a null value. */
  public boolean containsKey(String field) {
    return body.containsKey(field);
  }

  // ---- strings -------------------------------------------------------------------------

  /** The field as a string, or null after recording "is required", "must be a string" or {@value #NOT_TEXT}. */
  public String requiredString(String field) {
    Object value = body.getValue(field);
    if (value == null) {
      reject(field, REQUIRED);
      return null;
    }
    if (!(value instanceof String)) {
      reject(field, NOT_A_STRING);
      return null;
    }
    return text(field, (String) value);
  }

  /** The field as a string, null when absent, or null after recording "must be a string" or {@value #NOT_TEXT}. */
  public String optionalString(String field) {
    Object value = body.getValue(field);
    if (value == null) {
      return null;
    }
    if (value instanceof String) {
      return text(field, (String) value);
    }
    reject(field, NOT_A_STRING);
    return null;
  }

  /** The string, or null after recording {@value #NOT_TEXT}. */
  private String text(String field, String value) {
    if (isStorableText(value)) {
      return value;
    }
    reject(field, NOT_TEXT);
    return null;
  }

  /**
   * True when the text has no unpaired surrogate and no U+0000: what every store keeps exactly as
   * given. A plain loop over the chars: this runs on every string of every request.
   */
  static boolean isStorableText(String text) {
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c == '\0' || Character.isLowSurrogate(c)) {
        return false;
      }
      if (Character.isHighSurrogate(c)) {
        if (i + 1 == text.length() || !Character.isLowSurrogate(text.charAt(i + 1))) {
          return false;
        }
        i++;
      }
    }
    return true;
  }

  /**
   * An optional string, stripped of surrounding white space, of at most {@code maxLength} code
   * points (counted after stripping); {@code ""} when absent or after a problem. For search text.
   */
  public String strippedString(String field, int maxLength) {
    String value = optionalString(field);
    if (value == null) {
      return "";
    }
    String stripped = value.strip();
    if (stripped.codePointCount(0, stripped.length()) > maxLength) {
      reject(field, "must be at most " + maxLength + " characters");
      return "";
    }
    return stripped;
  }

  /** An optional boolean: null when absent or after recording "must be true or false". */
  public Boolean optionalBoolean(String field) {
    Object value = body.getValue(field);
    if (value == null || value instanceof Boolean) {
      return (Boolean) value;
    }
    reject(field, "must be true or false");
    return null;
  }

  /** An optional JSON object: empty when absent, or after recording "must be an object". */
  public JsonObject optionalObject(String field) {
    Object value = body.getValue(field);
    if (value instanceof JsonObject) {
      return (JsonObject) value;
    }
    if (value != null) {
      reject(field, "must be an object");
    }
    return new JsonObject();
  }

  // ---- ids -----------------------------------------------------------------------------

  /** A required id given as a JSON integer (a request body's field); 0 after recording a problem. */
  public long id(String field) {
    return id(field, field, false);
  }

  /** A required id given as a JSON integer or a decimal string (it comes from a path); 0 after a problem. */
  public long idOrText(String field) {
    return id(field, field, true);
  }

  /**
   * A required id read under {@code key} whose problems are reported under {@code field}, the
   * name the client used (the gateway may forward a body's field under another key); a JSON
   * integer, or also a decimal string when {@code textAllowed}. 0 after recording a problem.
   */
  public long id(String key, String field, boolean textAllowed) {
    Object value = textAllowed ? value(key) : body.getValue(key);
    if (value == null) {
      reject(field, REQUIRED);
      return 0;
    }
    OptionalLong id = Ids.of(value, textAllowed);
    if (id.isEmpty()) {
      reject(field, NOT_AN_ID);
      return 0;
    }
    return id.getAsLong();
  }

  /** An optional id, a JSON integer or a decimal string (a query parameter); 0 when absent or after a problem. */
  public long optionalIdOrText(String field) {
    Object value = value(field);
    if (value == null) {
      return 0;
    }
    OptionalLong id = Ids.of(value, true);
    if (id.isEmpty()) {
      reject(field, NOT_AN_ID);
      return 0;
    }
    return id.getAsLong();
  }

  // ---- numbers -------------------------------------------------------------------------

  /**
   * An optional integer from {@code min} to {@code max}, a JSON integer or a decimal string;
   * {@code defaultValue} when absent or after recording "must be an integer from min to max".
   */
  public int boundedInt(String field, int defaultValue, int min, int max) {
    Object value = value(field);
    if (value == null) {
      return defaultValue;
    }
    OptionalLong number = Integers.of(value, true);
    if (number.isEmpty() || number.getAsLong() < min || number.getAsLong() > max) {
      reject(field, "must be an integer from " + min + " to " + max);
      return defaultValue;
    }
    return (int) number.getAsLong();
  }

  /**
   * An optional whole number (an integer from 0), a JSON integer or a decimal string;
   * {@code defaultValue} when absent or after recording "must be a whole number from 0".
   */
  public long wholeNumber(String field, long defaultValue) {
    Object value = value(field);
    if (value == null) {
      return defaultValue;
    }
    OptionalLong number = Integers.of(value, true);
    if (number.isEmpty() || number.getAsLong() < 0) {
      reject(field, "must be a whole number from 0");
      return defaultValue;
    }
    return number.getAsLong();
  }

  // ---- instants ------------------------------------------------------------------------

  /**
   * An optional ISO-8601 instant ({@code 2026-11-23T10:15:30.123Z}, at most
   * {@value #MAX_INSTANT_LENGTH} characters, within the range of epoch milliseconds); null when
   * absent or after recording a problem.
   */
  public Instant instant(String field) {
    Object value = value(field);
    if (value == null) {
      return null;
    }
    if (value instanceof String && ((String) value).length() <= MAX_INSTANT_LENGTH) {
      try {
        Instant instant = Instant.parse((String) value);
        if (!instant.isBefore(EARLIEST) && !instant.isAfter(LATEST)) {
          return instant;
        }
      } catch (DateTimeParseException e) {
        // recorded below
      }
    }
    reject(field, NOT_AN_INSTANT);
    return null;
  }

  // ---- lists ---------------------------------------------------------------------------

  /**
   * A required list of {@code minSize} to {@code maxSize} ids given as JSON integers, in the
   * order given (repeats kept); an empty list after recording a problem.
   */
  public List<Long> ids(String field, int minSize, int maxSize) {
    return list(field, minSize, maxSize, true, true);
  }

  /** The same, where absent or null is an empty list. */
  public List<Long> optionalIds(String field, int maxSize) {
    return list(field, 0, maxSize, true, false);
  }

  /**
   * A required list of any integers (JSON integers that fit a long, not only ids): for look-ups,
   * where a number that cannot be an id simply finds nothing.
   */
  public List<Long> integers(String field, int minSize, int maxSize) {
    return list(field, minSize, maxSize, false, true);
  }

  private List<Long> list(String field, int minSize, int maxSize, boolean idsOnly, boolean required) {
    String what = idsOnly ? "ids" : "integers";
    Object value = body.getValue(field);
    if (value == null) {
      if (required) {
        reject(field, REQUIRED);
      }
      return List.of();
    }
    if (!(value instanceof JsonArray)) {
      reject(field, "must be an array of " + what);
      return List.of();
    }
    JsonArray array = (JsonArray) value;
    if (array.size() < minSize || array.size() > maxSize) {
      reject(field, minSize > 0 ? "must hold " + minSize + " to " + maxSize + " " + what
        : "must hold at most " + maxSize + " " + what);
      return List.of();
    }
    List<Long> numbers = new ArrayList<>(array.size());
    for (Object item : array) {
      OptionalLong number = idsOnly ? Ids.of(item, false) : Integers.of(item, false);
      if (number.isEmpty()) {
        reject(field, idsOnly ? "must hold only positive integers of at most " + Ids.MAX_DIGITS + " digits"
          : "must hold only integers");
        return List.of();
      }
      numbers.add(number.getAsLong());
    }
    return numbers;
  }

  // ---- problems ------------------------------------------------------------------------

  /** Records a problem of the field, unless it has one already (the first one is kept). */
  public Fields reject(String field, String problem) {
    if (!problems.containsKey(field)) {
      problems.put(field, problem);
    }
    return this;
  }

  /** False once a problem of the field is recorded. */
  public boolean isValid(String field) {
    return !problems.containsKey(field);
  }

  /** True while no problem is recorded. */
  public boolean isValid() {
    return problems.isEmpty();
  }

  /** Fails with one VALIDATION error naming every bad field, if there is any. */
  public void throwIfInvalid() {
    if (problems.isEmpty()) {
      return;
    }
    if (problems.size() == 1) {
      String field = problems.fieldNames().iterator().next();
      throw ServiceError.validation(field, problems.getString(field));
    }
    throw new ServiceError(ErrorCode.VALIDATION, "Invalid fields: " + String.join(", ", problems.fieldNames()),
      problems.copy());
  }

  /** The value of the field, null when absent, null or (where that means absent) an empty string. */
  private Object value(String field) {
    Object value = body.getValue(field);
    return emptyIsAbsent && "".equals(value) ? null : value;
  }
}
