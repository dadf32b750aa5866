package chat.chats;

/** One row of the {@code chats} table; times are epoch milliseconds, {@code lastSeq} the newest seq. */
record ChatRow(long id, String name, long createdBy, long createdAt, long lastActivityAt, long lastSeq) {
}
