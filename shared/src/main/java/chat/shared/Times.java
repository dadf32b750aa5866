package chat.shared;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;

/** The contract's time format: ISO-8601 UTC with milliseconds, {@code 2026-11-23T10:15:30.123Z}. */
public final class Times {

  private static final DateTimeFormatter FORMAT =
    DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);
  private static final long SECONDS_PER_DAY = 86_400;
  /** 10000-01-01T00:00:00Z: from there on the year takes five digits and a sign (the formatter's way). */
  private static final long FIRST_FIVE_DIGIT_YEAR = LocalDate.of(10_000, 1, 1).toEpochDay() * SECONDS_PER_DAY;

  private Times() {
  }

  /**
   * The instant in the contract's format, its fraction cut to milliseconds. Every message view
   * formats one or more, so the years 1970 to 9999 are written digit by digit; others (never
   * stored, but possible) by the formatter, which writes the same for these.
   */
  public static String format(Instant instant) {
    long seconds = instant.getEpochSecond();
    if (seconds < 0 || seconds >= FIRST_FIVE_DIGIT_YEAR) {
      return FORMAT.format(instant);
    }
    LocalDate date = LocalDate.ofEpochDay(seconds / SECONDS_PER_DAY);
    int secondOfDay = (int) (seconds % SECONDS_PER_DAY);
    char[] text = new char[24];
    digits(text, 0, date.getYear(), 4);
    text[4] = '-';
    digits(text, 5, date.getMonthValue(), 2);
    text[7] = '-';
    digits(text, 8, date.getDayOfMonth(), 2);
    text[10] = 'T';
    digits(text, 11, secondOfDay / 3600, 2);
    text[13] = ':';
    digits(text, 14, secondOfDay / 60 % 60, 2);
    text[16] = ':';
    digits(text, 17, secondOfDay % 60, 2);
    text[19] = '.';
    digits(text, 20, instant.getNano() / 1_000_000, 3);
    text[23] = 'Z';
    return new String(text);
  }

  public static String now() {
    return format(Instant.now().truncatedTo(ChronoUnit.MILLIS));
  }

  public static Instant parse(String text) {
    return Instant.parse(text);
  }

  /** Writes {@code value} as exactly {@code width} decimal digits, zero-padded, at {@code at}. */
  private static void digits(char[] text, int at, int value, int width) {
    for (int i = at + width - 1; i >= at; i--) {
      text[i] = (char) ('0' + value % 10);
      value /= 10;
    }
  }
}
