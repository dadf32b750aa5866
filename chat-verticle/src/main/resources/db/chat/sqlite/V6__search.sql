-- Full-text search of messages (contract v2 "Search"); the PostgreSQL twin is db/chat/postgresql/V6.
-- An FTS5 index of the content of every message that is not deleted, keyed by the message id.
-- Contentless (content=''): the text stays in messages only; contentless_delete=1 lets a row be
-- removed by its id alone. unicode61 with remove_diacritics 2 folds case and accents (É -> e);
-- the 2-letter prefix index keeps the shortest prefix queries (2 letters, SearchQuery.MIN_PREFIX)
-- cheap: without it, "ro*" over 1,000,000 messages merges the lists of every word starting
-- with "ro" (about 100-150 ms); longer prefixes are cheap without one (a few ms). Each index
-- entry costs on every insert, in the group commit's transaction: one prefix index, not more.
CREATE VIRTUAL TABLE messages_fts USING fts5(
  content,
  content = '',
  contentless_delete = 1,
  tokenize = 'unicode61 remove_diacritics 2',
  prefix = '2'
);

-- Kept in step in the same transaction as every statement that writes messages: the group
-- commit indexes each batch's new messages with one INSERT ... SELECT
-- (SqliteChatSql.INDEX_NEW_MESSAGES; FTS5 flushes its pending terms at the end of every statement,
-- so a trigger per inserted row costs several times more), and triggers follow an edit, a delete
-- (which empties the content and sets deleted_at: the message leaves the index), an owner's delete
-- of messages or of a chat (rows deleted, by the statement or by the foreign key's cascade). A
-- deleted message is not in the index.
CREATE TRIGGER messages_fts_update AFTER UPDATE OF content, deleted_at ON messages
BEGIN
  DELETE FROM messages_fts WHERE rowid = old.id AND old.deleted_at IS NULL;
  INSERT INTO messages_fts (rowid, content) SELECT new.id, new.content WHERE new.deleted_at IS NULL;
END;

CREATE TRIGGER messages_fts_delete AFTER DELETE ON messages WHEN old.deleted_at IS NULL
BEGIN
  DELETE FROM messages_fts WHERE rowid = old.id;
END;

-- Every message stored before this migration.
INSERT INTO messages_fts (rowid, content) SELECT id, content FROM messages WHERE deleted_at IS NULL;
