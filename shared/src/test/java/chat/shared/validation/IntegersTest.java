package chat.shared.validation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonObject;
import java.math.BigInteger;
import java.util.OptionalLong;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The one integer parser: JSON integers, and decimal strings spelled as JSON spells integers. */
class IntegersTest {

  @Test
  void jsonIntegersOfEveryWidthThatFitsALongAreIntegers() {
    assertEquals(OptionalLong.of(7), Integers.of(7, false));
    assertEquals(OptionalLong.of(-7), Integers.of(-7L, false));
    assertEquals(OptionalLong.of(3), Integers.of((short) 3, false));
    assertEquals(OptionalLong.of(3), Integers.of((byte) 3, false));
    assertEquals(OptionalLong.of(Long.MAX_VALUE), Integers.of(BigInteger.valueOf(Long.MAX_VALUE), false));
    assertEquals(OptionalLong.of(Long.MIN_VALUE), Integers.of(BigInteger.valueOf(Long.MIN_VALUE), false));
  }

  @Test
  void hugeNumbersFractionsBooleansAndOtherTypesAreNot() {
    BigInteger twoTo63 = BigInteger.ONE.shiftLeft(63);
    for (Object value : new Object[] {twoTo63, twoTo63.negate().subtract(BigInteger.ONE), new BigInteger("1" + "0".repeat(30)),
      1.0, 2.5, 1e3, -0.0, 1.0f, true, false, null, new JsonObject(), 'x'}) {
      assertEquals(OptionalLong.empty(), Integers.of(value, true), "for " + value);
    }
  }

  @Test
  void decodedJsonKeepsItsMeaning() {
    JsonObject json = new JsonObject("{\"a\":-0,\"b\":1.0,\"c\":1e3,\"d\":9223372036854775808,\"e\":9223372036854775807,"
      + "\"f\":-9223372036854775808,\"g\":true}");
    assertEquals(OptionalLong.of(0), Integers.of(json.getValue("a"), false), "negative zero is zero");
    assertEquals(OptionalLong.empty(), Integers.of(json.getValue("b"), false), "1.0 is a fraction");
    assertEquals(OptionalLong.empty(), Integers.of(json.getValue("c"), false), "1e3 is a fraction");
    assertEquals(OptionalLong.empty(), Integers.of(json.getValue("d"), false), "2^63 does not fit");
    assertEquals(OptionalLong.of(Long.MAX_VALUE), Integers.of(json.getValue("e"), false));
    assertEquals(OptionalLong.of(Long.MIN_VALUE), Integers.of(json.getValue("f"), false));
    assertEquals(OptionalLong.empty(), Integers.of(json.getValue("g"), false));
  }

  @Test
  void textIsAnIntegerOnlyWhereAllowed() {
    assertEquals(OptionalLong.of(12), Integers.of("12", true));
    assertEquals(OptionalLong.empty(), Integers.of("12", false));
  }

  @Test
  void textIsSpelledAsJsonSpellsAnInteger() {
    assertEquals(OptionalLong.of(0), Integers.parse("0"));
    assertEquals(OptionalLong.of(0), Integers.parse("-0"), "negative zero is zero");
    assertEquals(OptionalLong.of(-42), Integers.parse("-42"));
    assertEquals(OptionalLong.of(Long.MAX_VALUE), Integers.parse("9223372036854775807"));
    assertEquals(OptionalLong.of(Long.MIN_VALUE), Integers.parse("-9223372036854775808"));
    for (String text : new String[] {"", "-", "+1", " 1", "1 ", "\t1", "1\n", "01", "007", "-01", "00", "1.0", "1.",
      ".5", "1e3", "1E3", "0x10", "1_000", "1,000", "١", "１", "true", "NaN", "Infinity", "--1", "1-",
      "9223372036854775808", "-9223372036854775809", "99999999999999999999", "1" + "0".repeat(40)}) {
      assertEquals(OptionalLong.empty(), Integers.parse(text), "for '" + text + "'");
    }
  }

  @Test
  void textParserAgreesWithTheJdkOnTheGrammar() {
    Random random = new Random(11);
    String alphabet = "-0123456789";
    for (int i = 0; i < 50_000; i++) {
      StringBuilder b = new StringBuilder();
      int n = 1 + random.nextInt(21);
      for (int j = 0; j < n; j++) {
        b.append(alphabet.charAt(random.nextInt(alphabet.length())));
      }
      String text = b.toString();
      OptionalLong expected = OptionalLong.empty();
      if (text.matches("-?(0|[1-9][0-9]*)")) {
        BigInteger big = new BigInteger(text);
        if (big.bitLength() < 64) {
          expected = OptionalLong.of(big.longValue());
        }
      }
      assertEquals(expected, Integers.parse(text), text);
    }
  }

  @Test
  void aSliceIsReadExactly() {
    assertEquals(OptionalLong.of(42), Integers.parse("chat.42.send", 5, 7));
    assertTrue(Integers.parse("chat.42.send", 5, 8).isEmpty());
    assertTrue(Integers.parse("chat.", 5, 5).isEmpty());
  }
}
