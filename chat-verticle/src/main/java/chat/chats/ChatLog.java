package chat.chats;

import chat.shared.Events;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The numbered change log of every chat ({@code chat_events}): each durable change of a chat
 * takes the chat's next {@code seq} (1, 2, 3, ... no gaps) in the very transaction that makes the
 * change, and is kept for as long as the chat exists. An entry names what changed (a message, a
 * user, a new name); the feed shows it in its current state.
 *
 * <p>Seqs are taken under the writer's transaction (SQLite's single write lock, or PostgreSQL's
 * row lock on the chat, taken first: {@link ChatSql}), so concurrent changes of one chat get
 * consecutive seqs in commit order.
 */
final class ChatLog {

  /** What an entry records; {@code code} is what the table stores, {@code type} the event's type. */
  enum Kind {
    MESSAGE(1, Events.MESSAGE),
    MESSAGE_EDITED(2, Events.MESSAGE_EDITED),
    MESSAGE_DELETED(3, Events.MESSAGE_DELETED),
    REACTION_CHANGED(4, Events.REACTION_CHANGED),
    PARTICIPANT_ADDED(5, Events.PARTICIPANT_ADDED),
    PARTICIPANT_REMOVED(6, Events.PARTICIPANT_REMOVED),
    CHAT_RENAMED(7, Events.CHAT_RENAMED);

    final int code;
    final String type;

    Kind(int code, String type) {
      this.code = code;
      this.type = type;
    }

    static Kind of(int code) {
      for (Kind kind : values()) {
        if (kind.code == code) {
          return kind;
        }
      }
      throw new IllegalStateException("Unknown chat event kind " + code);
    }
  }

  /** One change: {@code messageId} for message kinds, {@code userId} for participant kinds, {@code name} for a rename. */
  record Entry(long chatId, long seq, Kind kind, Long messageId, Long userId, String name, long createdAt) {
  }

  /** A chat's counters as a transaction found them: its newest seq and how many messages it ever stored. */
  record Counters(long lastSeq, long messageCount) {
  }

  /** What the feed of one participant starts from: the chat's newest seq, and the participant's joined seq. */
  record FeedStart(long lastSeq, long joinedSeq) {
  }

  private final Pool reader;
  private final ChatSql sql;

  ChatLog(Pool reader, ChatSql sql) {
    this.reader = reader;
    this.sql = sql;
  }

  // ---- inside a write transaction -----------------------------------------------------

  /** Takes the chat's next seq and records one change. Fails when the chat does not exist. */
  Future<Entry> append(SqlConnection tx, long chatId, Kind kind, Long messageId, Long userId, String name,
                       long now) {
    return tx.preparedQuery(sql.nextSeq())
      .execute(Tuple.of(chatId))
      .compose(rows -> {
        if (rows.size() == 0) {
          return Future.failedFuture(new IllegalStateException("Chat " + chatId + " vanished inside its transaction"));
        }
        Entry entry = new Entry(chatId, rows.iterator().next().getLong("last_seq"), kind, messageId, userId, name, now);
        return insert(tx, List.of(entry)).map(entry);
      });
  }

  /**
   * The counters of these chats, locked, for the group commit, which assigns the seqs of a whole
   * batch itself and writes them back with the batch ({@link ChatStore#advanceChats}).
   */
  Future<Map<Long, Counters>> counters(SqlConnection tx, Collection<Long> chatIds) {
    if (chatIds.isEmpty()) {
      return Future.succeededFuture(Map.of());
    }
    return tx.preparedQuery(sql.lockCounters(chatIds.size()))
      .execute(sql.ids(chatIds))
      .map(rows -> {
        Map<Long, Counters> found = new HashMap<>();
        for (Row row : rows) {
          found.put(row.getLong("id"), new Counters(row.getLong("last_seq"), row.getLong("message_count")));
        }
        return found;
      });
  }

  /** Records entries whose seqs are already taken ({@link ChatSql#insertEvents}). */
  Future<Void> insert(SqlConnection tx, List<Entry> entries) {
    return sql.insertEvents(entries).run(tx);
  }

  // ---- reads ---------------------------------------------------------------------------

  /** The chat's newest seq and where this participant's feed starts; null when it is not a participant. */
  Future<FeedStart> feedStart(long chatId, long userId) {
    return reader.preparedQuery(sql.feedStart())
      .execute(Tuple.of(userId, chatId))
      .map(rows -> {
        if (rows.size() == 0) {
          return null;
        }
        Row row = rows.iterator().next();
        return new FeedStart(row.getLong("last_seq"), row.getLong("joined_seq"));
      });
  }

  /** Up to {@code limit} entries of the chat with {@code fromSeq <= seq <= toSeq}, ascending. */
  Future<List<Entry>> entries(long chatId, long fromSeq, long toSeq, int limit) {
    return reader.preparedQuery(sql.events())
      .execute(Tuple.of(chatId, fromSeq, toSeq, limit))
      .map(rows -> {
        List<Entry> entries = new ArrayList<>(rows.size());
        for (Row row : rows) {
          entries.add(new Entry(row.getLong("chat_id"), row.getLong("seq"), Kind.of(row.getInteger("kind")),
            row.getLong("message_id"), row.getLong("user_id"), row.getString("name"), row.getLong("created_at")));
        }
        return entries;
      });
  }
}
