package chat.chats;

/** One row of the {@code attachments} table; {@code messageId} is null until a message carries it. */
record AttachmentRow(long id, long chatId, long uploaderId, Long messageId, String filename, String contentType,
                     long size, String sha256, long createdAt) {
}
