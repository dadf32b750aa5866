package chat.chats;

import chat.shared.ServiceError;
import io.vertx.core.Future;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.util.List;

/**
 * Changes to stored messages on the store (statements in {@link ChatSql}): edits and reactions
 * (the soft delete is {@link ChatStore#deleteMessages}, shared with the administration). Every
 * method runs inside the caller's write transaction ({@link ChatStore#inTransaction}).
 */
final class MessageChangeStore {

  private final ChatStore store;
  private final ChatSql sql;
  /** With several instances on one database: where {@link #message} checks that the caller is still a participant. */
  private ClusterStore participants;

  MessageChangeStore(ChatStore store) {
    this.store = store;
    this.sql = store.sql();
  }

  /** A message as a change finds it, with the creator of its chat (who may delete it). */
  record Target(StoredMessage message, long chatCreatedBy) {
  }

  /** Where a message's reactions stand for one emoji and one user. */
  record EmojiState(int distinctEmoji, boolean emojiUsed, boolean mine) {
  }

  /**
   * With several chat instances on one database (PostgreSQL): {@link #message} also checks,
   * under the chat's lock, that the caller is a participant now. This instance's membership cache
   * may still say yes for a moment after another instance removed it; a removal commits under the
   * same lock, so the answer holds until the change commits.
   */
  void checkParticipantsWith(ClusterStore participants) {
    this.participants = participants;
  }

  /**
   * The message {@code messageId} of chat {@code chatId} (deleted or not), or null: another chat's
   * is null too. The chat is locked first: a change of the message takes a seq of it. With
   * {@link #checkParticipantsWith}, fails NOT_FOUND (the chat, as for any non-participant) when
   * {@code caller} is no participant any more.
   */
  Future<Target> message(SqlConnection tx, long chatId, long messageId, long caller) {
    Future<?> locked = store.lockChats(tx, List.of(chatId));
    if (participants != null) {
      locked = locked.compose(v -> participants.participantsAmong(tx, List.<long[]>of(new long[] {chatId, caller})))
        .compose(found -> found.isEmpty() ? Future.failedFuture(ServiceError.notFound("Chat")) : Future.succeededFuture());
    }
    return locked
      .compose(v -> tx.preparedQuery(sql.messageWithCreator()).execute(Tuple.of(messageId, chatId)))
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
    return tx.preparedQuery(sql.editMessage())
      .execute(Tuple.of(content, now, messageId))
      .mapEmpty();
  }

  /** How many distinct emoji the message has, whether this one is among them, and whether the user gave it. */
  Future<EmojiState> emojiState(SqlConnection tx, long messageId, String emoji, long userId) {
    return tx.preparedQuery(sql.emojiState())
      .execute(Tuple.of(emoji, emoji, userId, messageId))
      .map(rows -> {
        Row row = rows.iterator().next();
        return new EmojiState(row.getInteger("distinct_emoji"), row.getInteger("used") != 0,
          row.getInteger("mine") != 0);
      });
  }

  /** Adds the user's reaction; false when it was there already. */
  Future<Boolean> addReaction(SqlConnection tx, long messageId, String emoji, long userId, long now) {
    return tx.preparedQuery(sql.addReaction())
      .execute(Tuple.of(messageId, emoji, userId, now))
      .map(result -> result.rowCount() == 1);
  }

  /**
   * Removes the user's reaction; false when it had none. An emoji others still use keeps its
   * place: the id orders first use ({@link ChatStore#reactions}), so the emoji's earliest
   * remaining row takes over the removed row's id when that was earlier.
   */
  Future<Boolean> removeReaction(SqlConnection tx, long messageId, String emoji, long userId) {
    return tx.preparedQuery(sql.removeReaction())
      .execute(Tuple.of(messageId, emoji, userId))
      .compose(rows -> {
        if (rows.size() == 0) {
          return Future.succeededFuture(false);
        }
        long removed = rows.iterator().next().getLong("r");
        return tx.preparedQuery(sql.moveReactionId())
          .execute(Tuple.of(removed, messageId, emoji, removed))
          .map(true);
      });
  }
}
