package chat.chats;

import io.vertx.core.Future;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BiFunction;
import java.util.function.LongConsumer;

/**
 * Who is in which chat, in memory: loaded from {@code participants} at start and changed only
 * after a participant change has been committed. Every permission check reads it, so a send
 * costs no database read. Used on the verticle's event loop only.
 */
final class Membership {

  private final Map<Long, Set<Long>> byChat = new HashMap<>();
  /** The same pairs by user: the chats a presence change is published to. */
  private final Map<Long, Set<Long>> byUser = new HashMap<>();
  /** Told the chat of each change made through {@link #add} and {@link #remove} ({@link ChatChanges}). */
  private LongConsumer onChange = chatId -> { };

  /** How a cached "not a participant" is checked ({@link ChatChanges#confirm}); the cache's answer by default. */
  private BiFunction<Long, Long, Future<Boolean>> confirmer = (chatId, userId) -> Future.succeededFuture(false);

  void onChange(LongConsumer listener) {
    this.onChange = listener;
  }

  void confirmWith(BiFunction<Long, Long, Future<Boolean>> confirmer) {
    this.confirmer = confirmer;
  }

  /**
   * Whether the user is a participant: the cache's yes at once; a no is asked again of the
   * database when several instances share it (someone added on another one a moment ago).
   */
  Future<Boolean> confirm(long chatId, long userId) {
    return isMember(chatId, userId) ? Future.succeededFuture(true) : confirmer.apply(chatId, userId);
  }

  /** Loads (chat_id, user_id) pairs, each chat's participants in the order they joined. */
  void load(List<long[]> pairs) {
    byChat.clear();
    byUser.clear();
    for (long[] pair : pairs) {
      byChat.computeIfAbsent(pair[0], id -> new LinkedHashSet<>()).add(pair[1]);
      byUser.computeIfAbsent(pair[1], id -> new HashSet<>()).add(pair[0]);
    }
  }

  boolean isMember(long chatId, long userId) {
    Set<Long> members = byChat.get(chatId);
    return members != null && members.contains(userId);
  }

  /** The chat's participants in the order they joined; empty for an unknown chat. */
  List<Long> participants(long chatId) {
    Set<Long> members = byChat.get(chatId);
    return members == null ? List.of() : List.copyOf(members);
  }

  /** The chats the user is a participant of (a copy); empty for none. */
  List<Long> chatsOf(long userId) {
    Set<Long> chats = byUser.get(userId);
    return chats == null ? List.of() : List.copyOf(chats);
  }

  void add(long chatId, Collection<Long> userIds) {
    byChat.computeIfAbsent(chatId, id -> new LinkedHashSet<>()).addAll(userIds);
    for (long userId : userIds) {
      byUser.computeIfAbsent(userId, id -> new HashSet<>()).add(chatId);
    }
    onChange.accept(chatId);
  }

  void remove(long chatId, long userId) {
    drop(chatId, userId);
    onChange.accept(chatId);
  }

  /**
   * The chat's participants as the database holds them now (read again after another instance
   * changed them); empty for a chat gone. Not a change of this instance's: nobody is told.
   */
  void replace(long chatId, List<Long> userIds) {
    for (long userId : participants(chatId)) {
      drop(chatId, userId);
    }
    if (!userIds.isEmpty()) {
      byChat.put(chatId, new LinkedHashSet<>(userIds));
      for (long userId : userIds) {
        byUser.computeIfAbsent(userId, id -> new HashSet<>()).add(chatId);
      }
    }
  }

  private void drop(long chatId, long userId) {
    Set<Long> members = byChat.get(chatId);
    if (members != null) {
      members.remove(userId);
      if (members.isEmpty()) {
        byChat.remove(chatId);
      }
    }
    Set<Long> chats = byUser.get(userId);
    if (chats != null) {
      chats.remove(chatId);
      if (chats.isEmpty()) {
        byUser.remove(userId);
      }
    }
  }

  int chatCount() {
    return byChat.size();
  }
}
