package chat.shared;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** {@link Times#format} writes what the contract's formatter writes, at the edges and anywhere between. */
class TimesTest {

  private static final DateTimeFormatter CONTRACT =
    DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

  @Test
  void formatsAsTheContractFormatter() {
    List<Instant> instants = new ArrayList<>(List.of(
      Instant.EPOCH, Instant.ofEpochMilli(1), Instant.ofEpochMilli(999), Instant.ofEpochSecond(59, 999_999_999),
      Instant.parse("2026-11-23T10:15:30.123Z"), Instant.parse("2024-02-29T23:59:59.999Z"),
      Instant.parse("2000-03-01T00:00:00Z"), Instant.parse("1999-12-31T23:59:59.5Z"),
      Instant.parse("9999-12-31T23:59:59.999Z"), Instant.parse("+10000-01-01T00:00:00Z"),
      Instant.parse("1969-12-31T23:59:59.999Z"), Instant.parse("0001-01-01T00:00:00Z"),
      Instant.ofEpochSecond(-1, 500_000_000)));
    SplittableRandom random = new SplittableRandom(12);
    for (int i = 0; i < 10_000; i++) {
      instants.add(Instant.ofEpochMilli(random.nextLong(0, 253_402_300_800_000L)));
    }
    for (Instant instant : instants) {
      assertEquals(CONTRACT.format(instant), Times.format(instant), instant.toString());
    }
  }

  @Test
  void readsWhatItWrites() {
    Instant instant = Instant.parse("2026-12-01T17:45:32.123Z");
    assertEquals(instant, Times.parse(Times.format(instant)));
  }
}
