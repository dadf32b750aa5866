package chat.chats;

/** The idempotency key of a send: at most one message per (chat, sender, client_id). */
record ClientKey(long chatId, long senderId, String clientId) {
}
