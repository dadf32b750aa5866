package chat.chats;

import chat.shared.Actor;
import chat.shared.Audit;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * The chat service's administration on the store (statements in {@link ChatSql}): lists across
 * every chat, chat and message deletion, the audit log. Reads use the reader pool; writes take the
 * transaction's connection, which only {@link ChatStore#inTransaction} hands out.
 */
final class AdminStore {

  private final Pool reader;
  private final ChatSql sql;

  AdminStore(Pool reader, ChatSql sql) {
    this.reader = reader;
    this.sql = sql;
  }

  /** A chat of the administration's list and how many messages it holds. */
  record CountedChat(ChatRow chat, long messageCount) {
  }

  /** Filters of the message list; 0 or null means "any". Times are epoch ms, from inclusive, to exclusive. */
  record MessageFilter(long chatId, long senderId, Long fromMs, Long toMs) {

    /**
     * The WHERE clause of the filter, with {@code ?} placeholders; {@code sentBy} is the store's
     * clause for "sent by the sender" ({@link ChatSql#sentBy}).
     */
    String where(String sentBy) {
      StringBuilder sql = new StringBuilder(" WHERE deleted_at IS NULL");
      if (chatId > 0) {
        sql.append(" AND chat_id = ?");
      }
      if (senderId > 0) {
        sql.append(" AND ").append(sentBy);
      }
      if (fromMs != null) {
        sql.append(" AND created_at >= ?");
      }
      if (toMs != null) {
        sql.append(" AND created_at < ?");
      }
      return sql.toString();
    }

    /** The parameters of {@link #where}: the sender's id once per {@code ?} of {@code sentBy}. */
    Tuple params(String sentBy) {
      Tuple params = Tuple.tuple();
      if (chatId > 0) {
        params.addLong(chatId);
      }
      if (senderId > 0) {
        sentBy.chars().filter(c -> c == '?').forEach(c -> params.addLong(senderId));
      }
      if (fromMs != null) {
        params.addLong(fromMs);
      }
      if (toMs != null) {
        params.addLong(toMs);
      }
      return params;
    }
  }

  // ---- reads ---------------------------------------------------------------------------

  Future<Long> countChats(String fragment) {
    return reader.preparedQuery(sql.countChats())
      .execute(Tuple.of(like(fragment)))
      .map(AdminStore::count);
  }

  /** Chats whose name contains the fragment, newest first. */
  Future<List<CountedChat>> pageChats(String fragment, int limit, long offset) {
    return reader.preparedQuery(sql.pageChats())
      .execute(Tuple.of(like(fragment), limit, offset))
      .map(rows -> {
        List<CountedChat> chats = new ArrayList<>(rows.size());
        for (Row row : rows) {
          chats.add(new CountedChat(ChatStore.chat(row), row.getLong("message_count")));
        }
        return chats;
      });
  }

  Future<Long> messageCount(long chatId) {
    return reader.preparedQuery(sql.messageCount())
      .execute(Tuple.of(chatId))
      .map(AdminStore::count);
  }

  Future<Long> countMessages(MessageFilter filter) {
    return reader.preparedQuery(sql.countMessages(filter))
      .execute(filter.params(sql.sentBy()))
      .map(AdminStore::count);
  }

  /** Messages matching the filter, newest (highest id) first. */
  Future<List<StoredMessage>> pageMessages(MessageFilter filter, int limit, long offset) {
    return reader.preparedQuery(sql.pageMessages(filter))
      .execute(filter.params(sql.sentBy()).addInteger(limit).addLong(offset))
      .map(rows -> {
        List<StoredMessage> messages = new ArrayList<>(rows.size());
        rows.forEach(row -> messages.add(ChatStore.message(row)));
        return messages;
      });
  }

  Future<Long> countAudit() {
    return reader.query(sql.countAudit()).execute().map(AdminStore::count);
  }

  /** The newest {@code limit} audit entries. */
  Future<List<JsonObject>> newestAudit(int limit) {
    return reader.preparedQuery(sql.newestAudit())
      .execute(Tuple.of(limit))
      .map(rows -> {
        List<JsonObject> entries = new ArrayList<>(rows.size());
        for (Row row : rows) {
          entries.add(Audit.entry(row.getLong("id"), Audit.SERVICE_CHAT, row.getLong("actor_id"),
            row.getString("actor_username"), row.getString("action"), row.getString("target"),
            row.getString("details"), Views.time(row.getLong("created_at"))));
        }
        return entries;
      });
  }

  // ---- inside a transaction -------------------------------------------------------------

  /** The chat, locked for the rest of the transaction (it may be deleted), or null. */
  Future<ChatRow> chat(SqlConnection tx, long chatId) {
    return tx.preparedQuery(sql.lockChat())
      .execute(Tuple.of(chatId))
      .map(rows -> rows.size() == 0 ? null : ChatStore.chat(rows.iterator().next()));
  }

  /** Deletes the chat with its messages and participants; answers how many messages went. */
  Future<Long> deleteChat(SqlConnection tx, long chatId) {
    Tuple id = Tuple.of(chatId);
    return tx.preparedQuery(sql.deleteMessagesOfChat()).execute(id)
      .compose(messages -> tx.preparedQuery(sql.deleteParticipantsOfChat()).execute(id)
        .compose(participants -> tx.preparedQuery(sql.deleteChat()).execute(id))
        .map(chat -> (long) messages.rowCount()));
  }

  /**
   * The (id, chat_id) of the messages among these ids that exist and are not deleted, by chat then
   * id, with their chats locked: read, the chats locked (every change of a message locks its chat
   * first), and read again, so that none of them is deleted meanwhile by another transaction.
   */
  Future<List<long[]>> existingMessages(SqlConnection tx, Collection<Long> ids) {
    return findMessages(tx, ids).compose(first -> {
      Set<Long> chats = new TreeSet<>();
      first.forEach(pair -> chats.add(pair[1]));
      return chats.isEmpty()
        ? Future.succeededFuture(first)
        : tx.preparedQuery(sql.lockChats(chats.size())).execute(sql.ids(chats)).compose(locked -> findMessages(tx, ids));
    });
  }

  private Future<List<long[]>> findMessages(SqlConnection tx, Collection<Long> ids) {
    return tx.preparedQuery(sql.existingMessages(ids.size()))
      .execute(sql.ids(ids))
      .map(rows -> {
        List<long[]> found = new ArrayList<>(rows.size());
        rows.forEach(row -> found.add(new long[] {row.getLong("id"), row.getLong("chat_id")}));
        return found;
      });
  }

  Future<Void> audit(SqlConnection tx, Actor actor, String action, String target, JsonObject details, long now) {
    return tx.preparedQuery(sql.insertAudit())
      .execute(Tuple.of(actor.id(), actor.username(), action, target, details.encode(), now))
      .mapEmpty();
  }

  // ---------------------------------------------------------------------------------------

  private static long count(io.vertx.sqlclient.RowSet<Row> rows) {
    return rows.iterator().next().getLong("n");
  }

  /** A LIKE pattern matching names containing the fragment, its wildcards escaped ('\' escapes). */
  private static String like(String fragment) {
    StringBuilder sb = new StringBuilder(fragment.length() + 8).append('%');
    for (int i = 0; i < fragment.length(); i++) {
      char c = fragment.charAt(i);
      if (c == '\\' || c == '%' || c == '_') {
        sb.append('\\');
      }
      sb.append(c);
    }
    return sb.append('%').toString();
  }
}
