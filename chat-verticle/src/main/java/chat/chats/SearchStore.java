package chat.chats;

import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * Full-text search on the store (statement in {@link ChatSql#search}): SQLite's FTS5 table
 * {@code messages_fts}, PostgreSQL's tsvector column {@code messages.search}, both written in the
 * transaction of every change of a message (db/chat/&#42;/V6__search.sql). Reads on the reader
 * pool: committed data only.
 */
final class SearchStore {

  /** A page of matching messages, newest first, and whether more exist beyond it. */
  record Found(List<StoredMessage> messages, boolean hasMore) {
  }

  private final Pool reader;
  private final ChatSql sql;

  SearchStore(Pool reader, ChatSql sql) {
    this.reader = reader;
    this.sql = sql;
  }

  /** The {@code limit} newest messages of these chats matching the query with an id below {@code before} (0: none). */
  Future<Found> search(SearchQuery query, Collection<Long> chatIds, long before, int limit) {
    if (chatIds.isEmpty()) {
      return Future.succeededFuture(new Found(List.of(), false));
    }
    long bound = before > 0 ? before : Long.MAX_VALUE;
    return reader.preparedQuery(sql.search())
      .execute(sql.searchParams(query, chatIds, bound, limit + 1))
      .map(rows -> {
        List<StoredMessage> messages = new ArrayList<>(rows.size());
        for (Row row : rows) {
          messages.add(ChatStore.message(row));
        }
        boolean hasMore = messages.size() > limit;
        return new Found(hasMore ? messages.subList(0, limit) : messages, hasMore);
      });
  }
}
