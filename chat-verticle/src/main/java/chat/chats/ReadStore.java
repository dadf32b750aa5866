package chat.chats;

import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.List;

/**
 * Read markers and unread counts on the store (statements in {@link ChatSql}). A participant's marker is the newest message it
 * read ({@code participants.last_read_message_id}, 0 = none) and that message's place in the
 * chat ({@code last_read_n}). Sending moves the sender's marker to its new message (see
 * {@link MessageWriter}), so every message after a marker is someone else's, and
 *
 * <pre>unread = chats.message_count - participants.last_read_n - (deleted messages after the marker)</pre>
 *
 * is exact. The subtraction of deleted messages reads only the partial index
 * {@code messages_deleted}: its cost is the number of deleted messages after the marker, so the
 * list of a user's chats computes every count in one query, whatever the chats hold.
 */
final class ReadStore {

  /** A chat as one user sees it: the row, and its marker and unread count (null marker: not a participant). */
  record ChatRead(ChatRow chat, Long lastReadMessageId, long unreadCount) {
  }

  /** One participant's marker: where it is, that message's place, and its unread count then. */
  record Marker(long lastReadMessageId, long lastReadN, long unreadCount) {
  }

  /** A participant's receipt: {@code readAt} null until it moved its marker itself (read or sent). */
  record Receipt(long userId, long lastReadMessageId, Long readAt) {
  }

  /** Where a participant's marker is, and the place of the message it asks to move to (null: not in the chat). */
  record Position(Marker marker, Long n) {
  }

  private final Pool reader;
  private final ChatSql sql;

  ReadStore(Pool reader, ChatSql sql) {
    this.reader = reader;
    this.sql = sql;
  }

  /** The user's chats, most recent activity first, each with the user's marker and unread count: one query. */
  Future<List<ChatRead>> chatsOf(long userId) {
    return reader.preparedQuery(sql.chatsOf())
      .execute(Tuple.of(userId))
      .map(rows -> {
        List<ChatRead> chats = new ArrayList<>(rows.size());
        for (Row row : rows) {
          chats.add(chatRead(row));
        }
        return chats;
      });
  }

  /** The chat as this user sees it, or null when the chat does not exist; a non-participant has no marker. */
  Future<ChatRead> chatOf(long chatId, long userId) {
    return reader.preparedQuery(sql.chatOf())
      .execute(Tuple.of(userId, chatId))
      .map(rows -> rows.size() == 0 ? null : chatRead(rows.iterator().next()));
  }

  /**
   * The participant's marker and the place of message {@code messageId} in the chat, on the
   * reader or inside a write transaction: null when the user is not a participant; a
   * {@link Position} with a null {@code n} when the message is not one of this chat's (deleted
   * ones count: a client may have read a message before it went).
   */
  Future<Position> position(SqlClient client, long chatId, long userId, long messageId) {
    return client.preparedQuery(sql.position())
      .execute(Tuple.of(messageId, chatId, userId))
      .map(rows -> {
        if (rows.size() == 0) {
          return null;
        }
        Row row = rows.iterator().next();
        return new Position(new Marker(row.getLong("last_read_message_id"), row.getLong("last_read_n"),
          row.getLong("unread_count")), row.getLong("n"));
      });
  }

  /**
   * The same inside a write transaction, the participant's row locked first, so that concurrent
   * moves of one marker decide one after the other (on SQLite the write lock does it).
   */
  Future<Position> lockedPosition(SqlConnection tx, long chatId, long userId, long messageId) {
    return tx.preparedQuery(sql.lockParticipant()).execute(Tuple.of(chatId, userId))
      .compose(locked -> position(tx, chatId, userId, messageId));
  }

  /** The same on the reader. */
  Future<Position> position(long chatId, long userId, long messageId) {
    return position(reader, chatId, userId, messageId);
  }

  /** The participant's marker and unread count, inside a write transaction (after moving it); null when not a participant. */
  Future<Marker> marker(SqlClient client, long chatId, long userId) {
    return client.preparedQuery(sql.marker())
      .execute(Tuple.of(chatId, userId))
      .map(rows -> {
        if (rows.size() == 0) {
          return null;
        }
        Row row = rows.iterator().next();
        return new Marker(row.getLong("last_read_message_id"), row.getLong("last_read_n"), row.getLong("unread_count"));
      });
  }

  /** Every participant's receipt, in the order they joined (the order of the chat's participants). */
  Future<List<Receipt>> receipts(long chatId) {
    return reader.preparedQuery(sql.receipts())
      .execute(Tuple.of(chatId))
      .map(rows -> {
        List<Receipt> receipts = new ArrayList<>(rows.size());
        for (Row row : rows) {
          receipts.add(new Receipt(row.getLong("user_id"), row.getLong("last_read_message_id"), row.getLong("read_at")));
        }
        return receipts;
      });
  }

  private static ChatRead chatRead(Row row) {
    return new ChatRead(ChatStore.chat(row), row.getLong("last_read_message_id"), row.getLong("unread_count"));
  }
}
