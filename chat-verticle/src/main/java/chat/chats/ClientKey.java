package chat.chats;

import java.util.Objects;

/**
 * The idempotency key of a send: at most one message per (chat, sender, client_id).
 *
 * <p>{@code equals} and {@code hashCode} are written out: the group commit hashes every key of a
 * batch several times (held keys, the batch's own retries), and a record's generated ones, built
 * from method handles ({@code ObjectMethods}), showed in the writer's profile.
 */
record ClientKey(long chatId, long senderId, String clientId) {

  @Override
  public boolean equals(Object other) {
    return other instanceof ClientKey k && k.chatId == chatId && k.senderId == senderId
      && Objects.equals(k.clientId, clientId);
  }

  @Override
  public int hashCode() {
    int h = Long.hashCode(chatId);
    h = 31 * h + Long.hashCode(senderId);
    return 31 * h + (clientId == null ? 0 : clientId.hashCode());
  }
}
