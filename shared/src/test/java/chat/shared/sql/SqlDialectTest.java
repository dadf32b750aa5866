package chat.shared.sql;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Collections;
import org.junit.jupiter.api.Test;

/** Placeholder numbering and list parameters: the only text the two dialects do not share. */
class SqlDialectTest {

  @Test
  void placeholdersAreNumberedInOrder() {
    assertEquals("SELECT a FROM t WHERE b = $1 AND c < $2 LIMIT $3",
      SqlDialect.numbered("SELECT a FROM t WHERE b = ? AND c < ? LIMIT ?"));
  }

  @Test
  void aQuestionMarkInsideALiteralIsText() {
    assertEquals("SELECT '?', 'a?b' FROM t WHERE x = $1 AND y = '?'",
      SqlDialect.numbered("SELECT '?', 'a?b' FROM t WHERE x = ? AND y = '?'"));
  }

  @Test
  void aDoubledQuoteDoesNotEndTheLiteral() {
    assertEquals("SELECT 'it''s ?' AS s, $1 AS p, '''?''' AS q, $2",
      SqlDialect.numbered("SELECT 'it''s ?' AS s, ? AS p, '''?''' AS q, ?"));
    // An empty literal, and a backslash that escapes nothing (standard strings): '\' is one character.
    assertEquals("UPDATE t SET c = '' WHERE n LIKE $1 ESCAPE '\\' AND d = $2",
      SqlDialect.numbered("UPDATE t SET c = '' WHERE n LIKE ? ESCAPE '\\' AND d = ?"));
  }

  @Test
  void aQuestionMarkInsideAQuotedIdentifierIsText() {
    assertEquals("SELECT \"col?\", \"a\"\"?\" FROM t WHERE \"x?\" = $1 ORDER BY k COLLATE \"C\" LIMIT $2",
      SqlDialect.numbered("SELECT \"col?\", \"a\"\"?\" FROM t WHERE \"x?\" = ? ORDER BY k COLLATE \"C\" LIMIT ?"));
  }

  @Test
  void aQuestionMarkInsideACommentIsText() {
    assertEquals("SELECT $1 -- why?\n, $2 /* or ? */ , $3",
      SqlDialect.numbered("SELECT ? -- why?\n, ? /* or ? */ , ?"));
  }

  @Test
  void aTextWithoutPlaceholdersIsUnchanged() {
    String text = "SELECT COUNT(*) AS n FROM users WHERE user_type = 'owner'";
    assertEquals(text, SqlDialect.numbered(text));
    assertEquals("", SqlDialect.numbered(""));
  }

  @Test
  void twelvePlaceholdersAreNumberedOneToTwelve() {
    String text = "INSERT INTO t VALUES (" + String.join(", ", Collections.nCopies(12, "?")) + ")";
    assertEquals("INSERT INTO t VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)", SqlDialect.numbered(text));
  }

  @Test
  void anUnclosedLiteralRunsToTheEnd() {
    assertEquals("SELECT $1, 'open ?", SqlDialect.numbered("SELECT ?, 'open ?"));
  }

  @Test
  void sqliteTakesTheTextAsWrittenAndOnePlaceholderPerListValue() {
    String text = "SELECT id FROM t WHERE id = ?";
    assertSame(text, SqlDialect.SQLITE.sql(text));
    assertEquals("IN (?)", SqlDialect.SQLITE.in(1));
    assertEquals("IN (?, ?, ?)", SqlDialect.SQLITE.in(3));
    assertThrows(IllegalArgumentException.class, () -> SqlDialect.SQLITE.in(0));
  }

  @Test
  void postgresqlNumbersOnceAndTakesAListAsOneArray() {
    String text = "SELECT id FROM t WHERE a = ? AND id " + SqlDialect.POSTGRESQL.in(500) + " AND b = ?";
    assertEquals("SELECT id FROM t WHERE a = $1 AND id = ANY($2) AND b = $3", SqlDialect.POSTGRESQL.sql(text));
    assertSame(SqlDialect.POSTGRESQL.sql(text), SqlDialect.POSTGRESQL.sql(text));
    assertEquals(SqlDialect.POSTGRESQL.in(1), SqlDialect.POSTGRESQL.in(1_000));
  }
}
