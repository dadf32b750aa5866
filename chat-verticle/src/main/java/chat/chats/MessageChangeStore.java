package chat.chats;

import io.vertx.core.Future;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;

/**
 * The SQL of changes to stored messages: edits and reactions (the soft delete is
 * {@link ChatStore#deleteMessages}, shared with the administration). Every method runs inside
 * the caller's write transaction ({@link ChatStore#inTransaction}).
 */
final class MessageChangeStore {

  /** A message as a change finds it, with the creator of its chat (who may delete it). */
  record Target(StoredMessage message, long chatCreatedBy) {
  }

  /** Where a message's reactions stand for one emoji and one user. */
  record EmojiState(int distinctEmoji, boolean emojiUsed, boolean mine) {
  }

  /** The message {@code messageId} of chat {@code chatId} (deleted or not), or null: another chat's is null too. */
  Future<Target> message(SqlConnection tx, long chatId, long messageId) {
    return tx.preparedQuery("SELECT " + ChatStore.MESSAGE_COLUMNS
        + ", (SELECT c.created_by FROM chats c WHERE c.id = messages.chat_id) AS chat_created_by"
        + " FROM messages WHERE id = ? AND chat_id = ?")
      .execute(Tuple.of(messageId, chatId))
      .map(rows -> {
        if (rows.size() == 0) {
          return null;
        }
        Row row = rows.iterator().next();
        return new Target(ChatStore.message(row), row.getLong("chat_created_by"));
      });
  }

  /** Replaces the content of a (not deleted) message and stamps {@code edited_at}. */
  Future<Void> edit(SqlConnection tx, long messageId, String content, long now) {
    return tx.preparedQuery("UPDATE messages SET content = ?, edited_at = ? WHERE id = ? AND deleted_at IS NULL")
      .execute(Tuple.of(content, now, messageId))
      .mapEmpty();
  }

  /** How many distinct emoji the message has, whether this one is among them, and whether the user gave it. */
  Future<EmojiState> emojiState(SqlConnection tx, long messageId, String emoji, long userId) {
    return tx.preparedQuery("SELECT COUNT(DISTINCT emoji) AS distinct_emoji,"
        + " COALESCE(MAX(emoji = ?), 0) AS used, COALESCE(MAX(emoji = ? AND user_id = ?), 0) AS mine"
        + " FROM reactions WHERE message_id = ?")
      .execute(Tuple.of(emoji, emoji, userId, messageId))
      .map(rows -> {
        Row row = rows.iterator().next();
        return new EmojiState(row.getInteger("distinct_emoji"), row.getInteger("used") != 0,
          row.getInteger("mine") != 0);
      });
  }

  /** Adds the user's reaction; false when it was there already. */
  Future<Boolean> addReaction(SqlConnection tx, long messageId, String emoji, long userId, long now) {
    return tx.preparedQuery("INSERT OR IGNORE INTO reactions (message_id, emoji, user_id, created_at) VALUES (?, ?, ?, ?)")
      .execute(Tuple.of(messageId, emoji, userId, now))
      .map(result -> result.rowCount() == 1);
  }

  /**
   * Removes the user's reaction; false when it had none. An emoji others still use keeps its
   * place: the rowid orders first use ({@link ChatStore#reactions}), so the emoji's earliest
   * remaining row takes over the removed row's rowid when that was earlier.
   */
  Future<Boolean> removeReaction(SqlConnection tx, long messageId, String emoji, long userId) {
    return tx.preparedQuery("DELETE FROM reactions WHERE message_id = ? AND emoji = ? AND user_id = ? RETURNING rowid AS r")
      .execute(Tuple.of(messageId, emoji, userId))
      .compose(rows -> {
        if (rows.size() == 0) {
          return Future.succeededFuture(false);
        }
        long removed = rows.iterator().next().getLong("r");
        return tx.preparedQuery("UPDATE reactions SET rowid = ? WHERE rowid ="
            + " (SELECT MIN(rowid) FROM reactions WHERE message_id = ? AND emoji = ?) AND rowid > ?")
          .execute(Tuple.of(removed, messageId, emoji, removed))
          .map(true);
      });
  }
}
