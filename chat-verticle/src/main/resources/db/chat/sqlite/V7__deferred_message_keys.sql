-- Ingest (issue 12): the two lookups of messages by sender, the idempotency key
-- (chat_id, sender_id, client_id) and the administration's messages of a sender, move out of
-- indexes on messages into two tables the group commit fills in bulk. An index entry keyed by
-- sender falls on a different page for every sender of a batch: one page per message, and SQLite
-- writes every page a transaction dirtied into the WAL and again into the file. The other rows and
-- entries of a new message append to a few pages per chat.
--
-- The group commit (chat.chats.SqliteMessageBatches) keeps the keys of its newest messages in
-- memory and writes them here a slot of senders at a time, sorted, inside its batches'
-- transactions: one page per sender for many messages. message_keys_state.watermark is the
-- message id up to which every message's keys are here; at start the writer first writes the keys
-- of the messages above it (writing a key twice does nothing). The group commit is the only
-- writer of new messages.

CREATE TABLE client_keys (
  chat_id    INTEGER NOT NULL,
  sender_id  INTEGER NOT NULL,
  client_id  TEXT    NOT NULL,
  message_id INTEGER NOT NULL,
  PRIMARY KEY (chat_id, sender_id, client_id)
) WITHOUT ROWID;

CREATE TABLE sender_messages (
  sender_id  INTEGER NOT NULL,
  message_id INTEGER NOT NULL,
  PRIMARY KEY (sender_id, message_id)
) WITHOUT ROWID;

CREATE TABLE message_keys_state (
  id        INTEGER PRIMARY KEY CHECK (id = 1),
  watermark INTEGER NOT NULL
);

INSERT INTO client_keys (chat_id, sender_id, client_id, message_id)
SELECT chat_id, sender_id, client_id, id FROM messages WHERE client_id IS NOT NULL;
INSERT INTO sender_messages (sender_id, message_id) SELECT sender_id, id FROM messages;
INSERT INTO message_keys_state (id, watermark) SELECT 1, COALESCE(MAX(id), 0) FROM messages;

-- The UNIQUE constraint of V1 cannot be dropped in place: the table is rebuilt as SQLite's
-- ALTER TABLE documentation describes (migrations run with foreign keys off, so dropping the old
-- table cascades to nothing), keeping ids, AUTOINCREMENT's high-water mark, the other indexes and
-- the search triggers. messages_sender_id goes: sender_messages replaces it.

CREATE TEMP TABLE v7_messages_seq AS SELECT seq FROM sqlite_sequence WHERE name = 'messages';

CREATE TABLE messages_v7 (
  id         INTEGER PRIMARY KEY AUTOINCREMENT,
  chat_id    INTEGER NOT NULL REFERENCES chats (id) ON DELETE CASCADE,
  sender_id  INTEGER NOT NULL REFERENCES users (id),
  content    TEXT    NOT NULL,
  created_at INTEGER NOT NULL,
  -- the sender's idempotency key, unique per (chat_id, sender_id): client_keys
  client_id  TEXT    NULL,
  seq        INTEGER NOT NULL DEFAULT 0,
  n          INTEGER NOT NULL DEFAULT 0,
  edited_at  INTEGER NULL,
  deleted_at INTEGER NULL
);

INSERT INTO messages_v7 (id, chat_id, sender_id, content, created_at, client_id, seq, n, edited_at, deleted_at)
SELECT id, chat_id, sender_id, content, created_at, client_id, seq, n, edited_at, deleted_at FROM messages;

DROP TABLE messages;

ALTER TABLE messages_v7 RENAME TO messages;

-- Ids are never used twice, also those of the newest messages if they were deleted.
UPDATE sqlite_sequence SET seq = MAX(seq, COALESCE((SELECT seq FROM temp.v7_messages_seq), 0))
WHERE name = 'messages';
INSERT INTO sqlite_sequence (name, seq)
SELECT 'messages', seq FROM temp.v7_messages_seq
WHERE NOT EXISTS (SELECT 1 FROM sqlite_sequence WHERE name = 'messages');
DROP TABLE temp.v7_messages_seq;

CREATE INDEX messages_chat_id_id ON messages (chat_id, id);
CREATE INDEX messages_deleted ON messages (chat_id, id) WHERE deleted_at IS NOT NULL;
CREATE INDEX messages_created_at ON messages (created_at);

-- V6's search triggers, dropped with the old table.
CREATE TRIGGER messages_fts_update AFTER UPDATE OF content, deleted_at ON messages
BEGIN
  DELETE FROM messages_fts WHERE rowid = old.id AND old.deleted_at IS NULL;
  INSERT INTO messages_fts (rowid, content) SELECT new.id, new.content WHERE new.deleted_at IS NULL;
END;

CREATE TRIGGER messages_fts_delete AFTER DELETE ON messages WHEN old.deleted_at IS NULL
BEGIN
  DELETE FROM messages_fts WHERE rowid = old.id;
END;

-- A message removed (its chat deleted) takes its keys along.
CREATE TRIGGER messages_keys_delete AFTER DELETE ON messages
BEGIN
  DELETE FROM client_keys WHERE chat_id = old.chat_id AND sender_id = old.sender_id AND client_id = old.client_id
    AND message_id = old.id;
  DELETE FROM sender_messages WHERE sender_id = old.sender_id AND message_id = old.id;
END;
