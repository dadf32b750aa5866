package chat.chats;

import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The reads that keep several chat instances on one PostgreSQL database coherent: a chat's
 * participants and users read again after another instance changed them ({@link ChatChanges}),
 * and the group commit's check that each sender is still a participant ({@link MessageWriter}).
 */
final class ClusterStore {

  private final Pool reader;
  private final ChatSql sql;

  ClusterStore(Pool reader, ChatSql sql) {
    this.reader = reader;
    this.sql = sql;
  }

  /** The chat's participants in the order they joined; empty when it has none or is gone. */
  Future<List<Long>> participants(long chatId) {
    return reader.preparedQuery(sql.receipts()).execute(Tuple.of(chatId)).map(rows -> {
      List<Long> ids = new ArrayList<>(rows.size());
      rows.forEach(row -> ids.add(row.getLong("user_id")));
      return ids;
    });
  }

  /** The projection's rows of these users (the ones it has). */
  Future<List<UserRecord>> users(Collection<Long> ids) {
    if (ids.isEmpty()) {
      return Future.succeededFuture(List.of());
    }
    return reader.preparedQuery(sql.usersOf(ids.size())).execute(sql.ids(ids)).map(rows -> {
      List<UserRecord> users = new ArrayList<>(rows.size());
      rows.forEach(row -> users.add(ChatStore.user(row)));
      return users;
    });
  }

  /**
   * Inside a write transaction, after the chats' rows are locked: which of these (chat, sender)
   * pairs are participants now. A removal commits under the same row lock, so the answer holds
   * until this transaction commits. Pairs as {@code List.of(chatId, userId)}.
   */
  Future<Set<List<Long>>> participantsAmong(SqlConnection tx, Collection<long[]> pairs) {
    if (pairs.isEmpty()) {
      return Future.succeededFuture(Set.of());
    }
    return tx.preparedQuery(sql.participantsAmong(pairs.size())).execute(sql.pairs(pairs)).map(rows -> {
      Set<List<Long>> found = new HashSet<>();
      for (Row row : rows) {
        found.add(List.of(row.getLong("chat_id"), row.getLong("user_id")));
      }
      return found;
    });
  }
}
