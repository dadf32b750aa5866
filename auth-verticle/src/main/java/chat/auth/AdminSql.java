package chat.auth;

import chat.shared.Actor;
import chat.shared.Audit;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * The SQL of the auth service's administration: paged user lists, user updates and the audit
 * log. The users' own statements are in {@link UserSql}; rows become users the same way.
 */
final class AdminSql {

  /** user_type filter (NULL = any) and a LIKE pattern on username (as typed or folded) or email. */
  private static final String FILTER = " WHERE (? IS NULL OR user_type = ?) AND (username LIKE ? ESCAPE '\\'"
    + " OR username_key LIKE ? ESCAPE '\\' OR email LIKE ? ESCAPE '\\')";

  private static final String AUDIT_COLUMNS = "id, actor_id, actor_username, action, target, details, created_at";

  private final Pool pool;

  AdminSql(Pool pool) {
    this.pool = pool;
  }

  /** See {@link UserSql#inTransaction(Pool, Function)}. */
  <T> Future<T> inTransaction(Function<SqlConnection, Future<T>> work) {
    return UserSql.inTransaction(pool, work);
  }

  Future<Long> countUsers(String userType, String fragment) {
    String pattern = like(fragment);
    return pool.preparedQuery("SELECT COUNT(*) AS n FROM users" + FILTER)
      .execute(Tuple.of(userType, userType, pattern, like(UserRules.usernameKey(fragment)), pattern))
      .map(rows -> rows.iterator().next().getLong("n"));
  }

  /** Users, active or not, by id. */
  Future<List<JsonObject>> pageUsers(String userType, String fragment, int limit, long offset) {
    String pattern = like(fragment);
    return pool.preparedQuery("SELECT " + UserSql.USER_COLUMNS + " FROM users" + FILTER
        + " ORDER BY id LIMIT ? OFFSET ?")
      .execute(Tuple.of(userType, userType, pattern, like(UserRules.usernameKey(fragment)), pattern, limit, offset))
      .map(UserSql::all);
  }

  /** The user, active or not, or null. */
  Future<JsonObject> user(long id) {
    return user(pool, id);
  }

  /** The user, active or not, or null; {@code tx} inside a transaction. */
  Future<JsonObject> user(SqlClient tx, long id) {
    return tx.preparedQuery("SELECT " + UserSql.USER_COLUMNS + " FROM users WHERE id = ?")
      .execute(Tuple.of(id))
      .map(UserSql::single);
  }

  Future<JsonObject> updateUser(SqlConnection tx, long id, String userType, boolean active) {
    return tx.preparedQuery("UPDATE users SET user_type = ?, is_active = ? WHERE id = ? RETURNING "
        + UserSql.USER_COLUMNS)
      .execute(Tuple.of(userType, active ? 1 : 0, id))
      .map(UserSql::single);
  }

  Future<Void> audit(SqlConnection tx, Actor actor, String action, String target, JsonObject details, String now) {
    return tx.preparedQuery("INSERT INTO audit_log (actor_id, actor_username, action, target, details, created_at)"
        + " VALUES (?, ?, ?, ?, ?, ?)")
      .execute(Tuple.of(actor.id(), actor.username(), action, target, details.encode(), now))
      .mapEmpty();
  }

  Future<Long> countAudit() {
    return pool.query("SELECT COUNT(*) AS n FROM audit_log").execute()
      .map(rows -> rows.iterator().next().getLong("n"));
  }

  /** The newest {@code limit} audit entries. */
  Future<List<JsonObject>> newestAudit(int limit) {
    return pool.preparedQuery("SELECT " + AUDIT_COLUMNS + " FROM audit_log ORDER BY created_at DESC, id DESC LIMIT ?")
      .execute(Tuple.of(limit))
      .map(rows -> {
        List<JsonObject> entries = new ArrayList<>(rows.size());
        for (Row row : rows) {
          entries.add(Audit.entry(row.getLong("id"), Audit.SERVICE_AUTH, row.getLong("actor_id"),
            row.getString("actor_username"), row.getString("action"), row.getString("target"),
            row.getString("details"), row.getString("created_at")));
        }
        return entries;
      });
  }

  private static String like(String fragment) {
    return "%" + UserSql.escapeLike(fragment) + "%";
  }
}
