package chat.chats;

/** One row of the {@code messages} table; {@code clientId} may be null. */
record StoredMessage(long id, long chatId, long senderId, String content, long createdAt, String clientId) {
}
