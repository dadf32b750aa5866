package chat.shared.validation;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The one id rule: positive, at most 18 digits, and {@link Ids#PATTERN} is exactly what the parser takes. */
class IdsTest {

  @Test
  void idsArePositiveWithAtMostEighteenDigits() {
    assertEquals(OptionalLong.of(1), Ids.of(1, false));
    assertEquals(OptionalLong.of(Ids.MAX), Ids.of(Ids.MAX, false));
    assertEquals(OptionalLong.of(Ids.MAX), Ids.parse("999999999999999999"));
    for (Object value : new Object[] {0, -1, -0, Ids.MAX + 1, Long.MAX_VALUE, Long.MIN_VALUE, BigInteger.ONE.shiftLeft(63),
      1.0, 1e3, true, null, "1"}) {
      assertEquals(OptionalLong.empty(), Ids.of(value, false), "for " + value);
    }
  }

  @Test
  void textIdsHaveNoSignSpaceOrLeadingZero() {
    assertEquals(OptionalLong.of(42), Ids.of("42", true));
    for (String text : new String[] {"", "0", "-0", "-1", "+1", " 1", "1 ", "01", "007", "1.0", "1e3", "abc",
      "1000000000000000000", "9223372036854775808"}) {
      assertEquals(OptionalLong.empty(), Ids.of(text, true), "for '" + text + "'");
    }
  }

  @Test
  void thePatternAcceptsExactlyWhatTheParserAccepts() {
    List<String> inputs = new ArrayList<>(List.of("1", "9", "10", "01", "0", "-1", "+1", "999999999999999999",
      "1000000000000000000", "123456789012345678", "1234567890123456789", "", " 1", "1a"));
    Random random = new Random(5);
    String alphabet = "0123456789-+ a";
    for (int i = 0; i < 20_000; i++) {
      StringBuilder b = new StringBuilder();
      int n = random.nextInt(22);
      for (int j = 0; j < n; j++) {
        b.append(alphabet.charAt(random.nextInt(random.nextInt(10) == 0 ? alphabet.length() : 10)));
      }
      inputs.add(b.toString());
    }
    for (String input : inputs) {
      assertEquals(input.matches(Ids.PATTERN), Ids.parse(input).isPresent(), "'" + input + "'");
    }
  }
}
