package chat.auth;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.flywaydb.core.api.migration.BaseJavaMigration;
import org.flywaydb.core.api.migration.Context;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Flyway migration 3 (in Java: SQLite cannot normalise Unicode): adds {@code users.username_key}
 * ({@link UserRules#usernameKey}), fills it for every existing row and makes it the unique
 * index of usernames, replacing the ASCII-only {@code COLLATE NOCASE} one.
 *
 * <p>Existing rows that collide after folding (possible only for non-ASCII names, say "Émile"
 * and "émile", which the old index let through): the oldest account (lowest id) keeps its
 * name; each later one is renamed to {@code <name>-<id>} (shortened to fit 150 characters), so
 * every account stays reachable and none is silently merged. Each rename is logged at WARN so
 * an operator can tell the people concerned; the audit log is not written (no owner acted).
 */
public class V3__Username_key extends BaseJavaMigration {

  private static final Logger LOG = LoggerFactory.getLogger(V3__Username_key.class);

  @Override
  public void migrate(Context context) throws SQLException {
    Connection connection = context.getConnection();
    try (Statement statement = connection.createStatement()) {
      // NOT NULL needs a default for ALTER TABLE; every row is filled below, and the unique
      // index refuses a second empty key should a writer ever forget it.
      statement.execute("ALTER TABLE users ADD COLUMN username_key TEXT NOT NULL DEFAULT ''");
    }
    Map<Long, String> names = new LinkedHashMap<>();
    try (Statement statement = connection.createStatement();
         ResultSet rows = statement.executeQuery("SELECT id, username FROM users ORDER BY id")) {
      while (rows.next()) {
        names.put(rows.getLong("id"), rows.getString("username"));
      }
    }
    Set<String> taken = new HashSet<>();
    try (PreparedStatement update = connection.prepareStatement(
      "UPDATE users SET username = ?, username_key = ? WHERE id = ?")) {
      for (Map.Entry<Long, String> row : names.entrySet()) {
        long id = row.getKey();
        String name = row.getValue();
        String key = UserRules.usernameKey(name);
        for (int n = 1; taken.contains(key); n++) {
          String suffix = "-" + id + (n == 1 ? "" : "-" + n);
          name = shortened(row.getValue(), UserRules.USERNAME_MAX - suffix.length()) + suffix;
          key = UserRules.usernameKey(name);
        }
        if (!name.equals(row.getValue())) {
          LOG.warn("Username of user {} collides with an older account once case and Unicode forms are folded;"
            + " renamed from '{}' to '{}'", id, row.getValue(), name);
        }
        taken.add(key);
        update.setString(1, name);
        update.setString(2, key);
        update.setLong(3, id);
        update.addBatch();
      }
      update.executeBatch();
    }
    try (Statement statement = connection.createStatement()) {
      statement.execute("CREATE UNIQUE INDEX users_username_key ON users (username_key)");
      statement.execute("DROP INDEX users_username_nocase");
    }
  }

  private static String shortened(String name, int maxCodePoints) {
    if (name.codePointCount(0, name.length()) <= maxCodePoints) {
      return name;
    }
    return name.substring(0, name.offsetByCodePoints(0, maxCodePoints));
  }
}
