package chat.chats;

import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Who is in which chat, in memory: loaded from {@code participants} at start and changed only
 * after a participant change has been committed. Every permission check reads it, so a send
 * costs no database read. Used on the verticle's event loop only.
 */
final class Membership {

  private final Map<Long, Set<Long>> byChat = new HashMap<>();
  /** The same pairs by user: the chats a presence change is published to. */
  private final Map<Long, Set<Long>> byUser = new HashMap<>();

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
  }

  void remove(long chatId, long userId) {
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
