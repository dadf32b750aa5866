package chat.testing;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Which of a service's statements its store refuses, asked of the real server on the migrated
 * schema without running them: SQLite compiles each one ({@code prepareStatement}); PostgreSQL
 * parses and plans each one in its own dialect ({@code $1..$n}) with {@code PREPARE},
 * and runs the few that cannot be prepared (BEGIN, LOCK) in a transaction it rolls back. So a
 * typo, a missing column or a badly numbered placeholder fails a test of its own rather than
 * whichever test happens to run the statement.
 */
public final class StatementCheck {

  /** The first words of statements that PREPARE takes. */
  private static final Set<String> PREPARABLE = Set.of("SELECT", "INSERT", "UPDATE", "DELETE", "WITH", "VALUES");

  private StatementCheck() {
  }

  /**
   * The statements ({@code name -> text}) the store behind {@code conn} refuses, each as
   * "name: why" and its text; empty when it takes them all. {@code postgresql}: the texts are in
   * PostgreSQL's dialect, else in SQLite's.
   */
  public static List<String> refused(Connection conn, boolean postgresql, Map<String, String> texts) throws SQLException {
    List<String> refused = new ArrayList<>();
    for (Map.Entry<String, String> text : texts.entrySet()) {
      try {
        if (postgresql) {
          onPostgres(conn, text.getValue());
        } else {
          conn.prepareStatement(text.getValue()).close();
        }
      } catch (SQLException err) {
        refused.add(text.getKey() + ": " + err.getMessage() + "\n  " + text.getValue());
      }
    }
    return refused;
  }

  private static void onPostgres(Connection conn, String text) throws SQLException {
    String first = text.strip().split("\\s+", 2)[0].toUpperCase(Locale.ROOT);
    try (Statement s = conn.createStatement()) {
      if (PREPARABLE.contains(first)) {
        s.execute("PREPARE statement_check AS " + text);
        s.execute("DEALLOCATE statement_check");
        return;
      }
      boolean autoCommit = conn.getAutoCommit();
      conn.setAutoCommit(false);
      try {
        s.execute(text);
      } finally {
        conn.rollback();
        conn.setAutoCommit(autoCommit);
      }
    }
  }
}
