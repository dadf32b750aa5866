package chat.chats;

import chat.shared.Settings;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import java.nio.file.Path;

/**
 * The chat service's store, chosen by {@code CHAT_STORE}: a SQLite file in the data directory
 * ({@link SqliteChatDatabase}, the default) or the schema {@code chat} of a PostgreSQL database
 * ({@link PostgresChatDatabase}). Either gives the schema migration, the two pools and the
 * dialect of the statements; everything above works the same on both.
 */
interface ChatDatabase {

  String SQLITE = "sqlite";
  String POSTGRESQL = "postgresql";

  /** The store the settings name. */
  static ChatDatabase of(Settings settings) {
    String store = settings.string(Settings.STORE).trim().toLowerCase(java.util.Locale.ROOT);
    switch (store) {
      case SQLITE:
        return new SqliteChatDatabase(Path.of(settings.string(Settings.DATA_DIR)),
          settings.number(Settings.CHAT_DB_MAX_BYTES));
      case POSTGRESQL:
        return PostgresChatDatabase.from(settings);
      default:
        throw new IllegalArgumentException(Settings.STORE + " must be sqlite or postgresql, not '" + store + "'");
    }
  }

  /** Creates what is missing and migrates the schema. Blocking: run it off the event loop. */
  void migrate() throws Exception;

  /** The pool of write transactions ({@link ChatStore#inTransaction} only). */
  Pool writerPool(Vertx vertx);

  /** History and list queries, beside the writer; they see committed data only. */
  Pool readerPool(Vertx vertx);

  /** The statements of this store. */
  ChatSql sql();

  /** Whether the database takes one write transaction at a time (see {@link ChatStore#exclusive}). */
  default boolean oneWriter() {
    return false;
  }

  /** How the group commit writes its batches on this store. */
  default MessageBatches messageBatches(Vertx vertx, ChatStore store) {
    return new MessageBatches.Pooled(store);
  }

  /** Where the data is, for the log (never a password). */
  String describe();
}
