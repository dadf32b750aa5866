package chat.chats;

/**
 * One row of the {@code messages} table; {@code clientId} may be null. {@code seq} is the chat
 * seq of its creation, {@code n} its place among the chat's messages; {@code editedAt} and
 * {@code deletedAt} are epoch milliseconds or null. A deleted message's content is empty.
 */
record StoredMessage(long id, long chatId, long senderId, String content, long createdAt, String clientId,
                     long seq, long n, Long editedAt, Long deletedAt) {

  boolean deleted() {
    return deletedAt != null;
  }
}
