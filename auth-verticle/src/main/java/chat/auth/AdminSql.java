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
 * The queries of the auth service's administration: paged user lists, user updates and the
 * audit log, in the store's dialect ({@link AuthStore} holds the statements). The users' own
 * queries are in {@link UserSql}; rows become users the same way.
 */
final class AdminSql {

  private final AuthStore store;
  private final Pool pool;

  AdminSql(AuthStore store) {
    this.store = store;
    this.pool = store.pool();
  }

  /**
   * See {@link AuthStore#inTransaction}; the transaction first takes {@link AuthStore#lockUsers},
   * so what it reads about the acting owner still holds when it commits.
   */
  <T> Future<T> inTransaction(Function<SqlConnection, Future<T>> work) {
    return store.inTransaction(tx -> store.lockUsers(tx).compose(locked -> work.apply(tx)));
  }

  Future<Long> countUsers(String userType, String fragment) {
    String pattern = like(fragment);
    return pool.preparedQuery(store.countUsers())
      .execute(Tuple.of(userType, userType, pattern, like(UserRules.usernameKey(fragment)), pattern))
      .map(rows -> rows.iterator().next().getLong("n"));
  }

  /** Users, active or not, by id. */
  Future<List<JsonObject>> pageUsers(String userType, String fragment, int limit, long offset) {
    String pattern = like(fragment);
    return pool.preparedQuery(store.pageUsers())
      .execute(Tuple.of(userType, userType, pattern, like(UserRules.usernameKey(fragment)), pattern, limit, offset))
      .map(UserSql::all);
  }

  /** The user, active or not, or null. */
  Future<JsonObject> user(long id) {
    return user(pool, id);
  }

  /** The user, active or not, or null; {@code tx} inside a transaction. */
  Future<JsonObject> user(SqlClient tx, long id) {
    return tx.preparedQuery(store.userById())
      .execute(Tuple.of(id))
      .map(UserSql::single);
  }

  Future<JsonObject> updateUser(SqlConnection tx, long id, String userType, boolean active) {
    return tx.preparedQuery(store.updateUser())
      .execute(Tuple.of(userType, active ? 1 : 0, id))
      .map(UserSql::single);
  }

  Future<Void> audit(SqlConnection tx, Actor actor, String action, String target, JsonObject details, String now) {
    return tx.preparedQuery(store.insertAudit())
      .execute(Tuple.of(actor.id(), actor.username(), action, target, details.encode(), now))
      .mapEmpty();
  }

  Future<Long> countAudit() {
    return pool.query(store.countAudit()).execute()
      .map(rows -> rows.iterator().next().getLong("n"));
  }

  /** The newest {@code limit} audit entries. */
  Future<List<JsonObject>> newestAudit(int limit) {
    return pool.preparedQuery(store.newestAudit())
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
