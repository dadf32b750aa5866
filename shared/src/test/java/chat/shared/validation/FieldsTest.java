package chat.shared.validation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import chat.shared.ErrorCode;
import chat.shared.Paging;
import chat.shared.ServiceError;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The request reader: typed fields, every problem collected, one VALIDATION error. */
class FieldsTest {

  private static ServiceError invalid(Fields in) {
    return assertThrows(ServiceError.class, in::throwIfInvalid);
  }

  @Test
  void everyBadFieldIsReportedInOneError() {
    Fields in = new Fields(new JsonObject().put("name", 5).put("id", "x").put("limit", 0).put("ids", "1,2"));
    assertNull(in.requiredString("name"));
    assertEquals(0, in.id("id"));
    assertEquals(50, in.boundedInt("limit", 50, 1, 200));
    assertEquals(List.of(), in.optionalIds("ids", 10));
    assertNull(in.requiredString("missing"));
    assertEquals("ok", in.optionalString("absent") == null ? "ok" : "no");

    ServiceError error = invalid(in);
    assertEquals(ErrorCode.VALIDATION, error.code());
    assertEquals(Set.of("name", "id", "limit", "ids", "missing"), error.fields().fieldNames());
    assertEquals("must be a string", error.fields().getString("name"));
    assertEquals("is required", error.fields().getString("missing"));
    assertEquals("must be an integer from 1 to 200", error.fields().getString("limit"));
    assertTrue(error.getMessage().startsWith("Invalid fields: "), error.getMessage());
  }

  @Test
  void oneBadFieldNamesItInTheMessageAndTheFirstProblemOfAFieldIsKept() {
    Fields in = new Fields(new JsonObject().put("content", ""));
    in.reject("content", "must not be empty").reject("content", "something else");
    ServiceError error = invalid(in);
    assertEquals("Invalid content: must not be empty", error.getMessage());
    assertEquals(new JsonObject().put("content", "must not be empty"), error.fields());
  }

  @Test
  void aValidRequestDoesNotThrow() {
    Fields in = new Fields(new JsonObject().put("id", 3));
    assertEquals(3, in.id("id"));
    in.throwIfInvalid();
    assertTrue(in.isValid());
  }

  @Test
  void aNullBodyReadsAsEmpty() {
    Fields in = new Fields(null);
    assertEquals(0, in.optionalIdOrText("chat_id"));
    in.throwIfInvalid();
  }

  @Test
  void bodyIdsAreJsonIntegersOnlyPathIdsMayBeText() {
    JsonObject body = new JsonObject().put("a", "12").put("b", "12").put("c", 12);
    Fields in = new Fields(body);
    assertEquals(0, in.id("a"));
    assertEquals(12, in.idOrText("b"));
    assertEquals(12, in.idOrText("c"));
    assertEquals(Set.of("a"), invalid(in).fields().fieldNames());
  }

  @Test
  void anIdReadUnderOneKeyIsReportedUnderTheClientsName() {
    Fields in = new Fields(new JsonObject().put("participant_id", -1));
    assertEquals(0, in.id("participant_id", "user_id", false));
    assertEquals(Set.of("user_id"), invalid(in).fields().fieldNames());
  }

  @Test
  void idEdgeCases() {
    for (Object value : new Object[] {0, -1, "0", "-0", "01", "+1", " 1", "1 ", 1.0, 1e3, true, 1_000_000_000_000_000_000L,
      Long.MAX_VALUE, "9223372036854775808", new JsonArray()}) {
      Fields in = new Fields(new JsonObject().put("id", value));
      assertEquals(0, in.idOrText("id"), "for " + value);
      assertFalse(in.isValid("id"), "for " + value);
    }
  }

  @Test
  void anEmptyStringIsAbsentForNumbersIdsAndInstants() {
    JsonObject body = new JsonObject().put("limit", "").put("after_seq", "").put("before", "").put("from", "")
      .put("chat_id", "");
    Fields in = new Fields(body);
    assertFalse(in.has("limit"));
    assertEquals(50, in.boundedInt("limit", 50, 1, 200));
    assertEquals(0, in.wholeNumber("after_seq", 0));
    assertEquals(0, in.optionalIdOrText("before"));
    assertNull(in.instant("from"));
    in.throwIfInvalid();
    assertEquals(0, in.idOrText("chat_id"));
    assertEquals("is required", invalid(in).fields().getString("chat_id"));
  }

  @Test
  void anEmptyStringStaysAStringForStringReaders() {
    Fields in = new Fields(new JsonObject().put("search", "").put("username", ""));
    assertEquals("", in.optionalString("search"));
    assertEquals("", in.requiredString("username"));
    in.throwIfInvalid();
  }

  @Test
  void keepingEmptyStringsRefusesThemAsNumbers() {
    Fields in = Fields.keepingEmptyStrings(new JsonObject().put("limit", ""));
    assertTrue(in.has("limit"));
    assertEquals(20, in.boundedInt("limit", 20, 1, 100));
    assertEquals(Set.of("limit"), invalid(in).fields().fieldNames());
  }

  @Test
  void boundedIntEdgeCases() {
    JsonObject good = new JsonObject().put("a", 1).put("b", "200").put("c", "-0").put("d", 7L);
    Fields ok = new Fields(good);
    assertEquals(1, ok.boundedInt("a", 50, 1, 200));
    assertEquals(200, ok.boundedInt("b", 50, 1, 200));
    assertEquals(0, ok.boundedInt("c", 50, 0, 10), "negative zero is zero");
    assertEquals(7, ok.boundedInt("d", 50, 1, 200));
    assertEquals(50, ok.boundedInt("absent", 50, 1, 200));
    ok.throwIfInvalid();

    for (Object value : new Object[] {0, 201, -1, "0", "201", "007", "+1", " 1", "1 ", "1.0", 1.0, 1e3, "1e3", true,
      "abc", "NaN", Long.MAX_VALUE, "9223372036854775808", "99999999999999999999", new JsonObject()}) {
      Fields in = new Fields(new JsonObject().put("limit", value));
      assertEquals(50, in.boundedInt("limit", 50, 1, 200), "for " + value);
      assertEquals("must be an integer from 1 to 200", invalid(in).fields().getString("limit"), "for " + value);
    }
  }

  @Test
  void everyStringReadIsTextBothStoresKeep() {
    Fields in = new Fields(new JsonObject().put("pair", "a\ud83d\ude00b").put("plain", "caf\u00e9").put("empty", ""));
    assertEquals("a\ud83d\ude00b", in.requiredString("pair"));
    assertEquals("caf\u00e9", in.optionalString("plain"));
    assertEquals("", in.optionalString("empty"));
    in.throwIfInvalid();
    for (String bad : new String[] {"\u0000", "a\u0000", "\ud800", "a\ud800b", "a\udc00", "\ude00\ud83d", "end\ud83d"}) {
      Fields required = new Fields(new JsonObject().put("f", bad));
      assertNull(required.requiredString("f"), "for " + bad.codePoints().boxed().toList());
      assertEquals(Fields.NOT_TEXT, invalid(required).fields().getString("f"));
      Fields optional = new Fields(new JsonObject().put("f", bad));
      assertNull(optional.optionalString("f"));
      assertEquals(Fields.NOT_TEXT, invalid(optional).fields().getString("f"));
      Fields stripped = new Fields(new JsonObject().put("f", " " + bad + " "));
      assertEquals("", stripped.strippedString("f", 100));
      assertEquals(Fields.NOT_TEXT, invalid(stripped).fields().getString("f"));
      assertFalse(Fields.isStorableText(bad));
    }
    assertTrue(Fields.isStorableText("\ud83d\udc68\u200d\ud83d\udc69"));
  }

  @Test
  void wholeNumbersStartAtZero() {
    Fields in = new Fields(new JsonObject().put("a", 0).put("b", "0").put("c", Long.MAX_VALUE).put("d", "-0"));
    assertEquals(0, in.wholeNumber("a", 9));
    assertEquals(0, in.wholeNumber("b", 9));
    assertEquals(Long.MAX_VALUE, in.wholeNumber("c", 9));
    assertEquals(0, in.wholeNumber("d", 9));
    assertEquals(9, in.wholeNumber("absent", 9));
    in.throwIfInvalid();
    for (Object value : new Object[] {-1, "-1", "01", "+1", 1.0, true, "9223372036854775808"}) {
      Fields bad = new Fields(new JsonObject().put("after_seq", value));
      assertEquals(0, bad.wholeNumber("after_seq", 0), "for " + value);
      assertEquals("must be a whole number from 0", invalid(bad).fields().getString("after_seq"), "for " + value);
    }
  }

  @Test
  void instants() {
    Fields in = new Fields(new JsonObject().put("from", "2026-11-23T10:15:30.123Z").put("to", "2026-11-23T10:15:30.1234567Z"));
    assertEquals(Instant.parse("2026-11-23T10:15:30.123Z"), in.instant("from"));
    assertEquals(Instant.parse("2026-11-23T10:15:30.1234567Z"), in.instant("to"));
    assertNull(in.instant("absent"));
    in.throwIfInvalid();
    for (Object value : new Object[] {"yesterday", "2026-13-01T00:00:00Z", "2026-11-23", "2026-11-23T10:15:30", 5,
      "+1000000000-01-01T00:00:00Z", "2026-11-23T10:15:30." + "1".repeat(60) + "Z"}) {
      Fields bad = new Fields(new JsonObject().put("from", value));
      assertNull(bad.instant("from"), "for " + value);
      assertFalse(bad.isValid("from"), "for " + value);
    }
  }

  @Test
  void idListsKeepTheOrderGivenAndRefuseAnythingElse() {
    Fields in = new Fields(new JsonObject().put("ids", new JsonArray().add(3).add(1).add(3)));
    assertEquals(List.of(3L, 1L, 3L), in.ids("ids", 1, 3));
    assertEquals(List.of(), in.optionalIds("absent", 3), "absent is empty where the list is optional");
    assertEquals(List.of(), new Fields(new JsonObject().putNull("ids")).optionalIds("ids", 3));
    assertEquals(List.of(), new Fields(new JsonObject().put("ids", new JsonArray())).integers("ids", 0, 3));
    in.throwIfInvalid();
    Fields required = new Fields(new JsonObject());
    required.integers("ids", 0, 3);
    assertEquals("is required", invalid(required).fields().getString("ids"));

    for (Object value : new Object[] {null, "1,2", 2, new JsonObject(), new JsonArray(), new JsonArray().add(1).add(2).add(3).add(4),
      new JsonArray().add(0), new JsonArray().add(-3), new JsonArray().add("2"), new JsonArray().add(2.5),
      new JsonArray().add(true), new JsonArray().addNull(), new JsonArray().add(Ids.MAX + 1)}) {
      Fields bad = new Fields(new JsonObject().put("ids", value));
      assertEquals(List.of(), bad.ids("ids", 1, 3), "for " + value);
      assertFalse(bad.isValid("ids"), "for " + value);
    }
  }

  @Test
  void integerListsTakeAnyInteger() {
    Fields in = new Fields(new JsonObject().put("ids", new JsonArray().add(-1).add(0).add(Long.MAX_VALUE)));
    assertEquals(List.of(-1L, 0L, Long.MAX_VALUE), in.integers("ids", 1, 5));
    in.throwIfInvalid();
    Fields bad = new Fields(new JsonObject().put("ids", new JsonArray().add("1")));
    bad.integers("ids", 1, 5);
    assertFalse(bad.isValid("ids"));
  }

  @Test
  void strippedStringsCountCodePointsAfterStripping() {
    Fields in = new Fields(new JsonObject().put("a", "  ab  ").put("b", "😀😀").put("c", "abc").put("d", 5));
    assertEquals("ab", in.strippedString("a", 2));
    assertEquals("😀😀", in.strippedString("b", 2));
    assertEquals("", in.strippedString("c", 2));
    assertEquals("", in.strippedString("d", 2));
    assertEquals("", in.strippedString("absent", 2));
    assertEquals(Set.of("c", "d"), invalid(in).fields().fieldNames());
  }

  @Test
  void booleansAndNestedObjectsReportIntoTheSameRequest() {
    Fields in = new Fields(new JsonObject().put("changes", new JsonObject().put("is_active", "yes")).put("x", 1));
    Fields changes = in.nested(in.optionalObject("changes"));
    assertNull(changes.optionalBoolean("is_active"));
    assertEquals(new JsonObject(), in.optionalObject("x"));
    assertEquals(Set.of("is_active", "x"), invalid(in).fields().fieldNames());
    assertEquals(Boolean.TRUE, new Fields(new JsonObject().put("b", true)).optionalBoolean("b"));
  }

  @Test
  void pagingReportsBothFieldsAtOnce() {
    assertEquals(new Paging(1, Paging.DEFAULT_PAGE_SIZE), Paging.from(new JsonObject()));
    assertEquals(new Paging(2, 3), Paging.from(new JsonObject().put("page", "2").put("page_size", 3)));
    assertEquals(new Paging(1, Paging.DEFAULT_PAGE_SIZE), Paging.from(new JsonObject().put("page", "").put("page_size", "")));
    ServiceError error = assertThrows(ServiceError.class,
      () -> Paging.from(new JsonObject().put("page", 0).put("page_size", "101")));
    assertEquals(Set.of("page", "page_size"), error.fields().fieldNames());
  }
}
