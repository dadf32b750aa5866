-- Conversation state (contract v2): every durable change of a chat is numbered by the chat's own
-- counter and kept as an event for as long as the chat exists; read markers; edits, deletes and
-- reactions. Existing data is numbered as if it had been written under these rules.

-- The chat's newest seq, and how many messages it ever stored (deleted ones included).
ALTER TABLE chats ADD COLUMN last_seq INTEGER NOT NULL DEFAULT 0;
ALTER TABLE chats ADD COLUMN message_count INTEGER NOT NULL DEFAULT 0;

-- seq: the chat seq of the message's creation. n: its place among the chat's messages (1, 2, ...),
-- so that "messages after the marker" is message_count - n(marker). A deleted message keeps its
-- row (ids, seq and n stay meaningful) but loses its content and reactions.
ALTER TABLE messages ADD COLUMN seq INTEGER NOT NULL DEFAULT 0;
ALTER TABLE messages ADD COLUMN n INTEGER NOT NULL DEFAULT 0;
ALTER TABLE messages ADD COLUMN edited_at INTEGER NULL;
ALTER TABLE messages ADD COLUMN deleted_at INTEGER NULL;

-- Unread counts subtract the deleted messages after a marker: few, and found by this index alone.
CREATE INDEX messages_deleted ON messages (chat_id, id) WHERE deleted_at IS NOT NULL;

-- joined_seq: the feed a participant sees starts here (0 = from the chat's beginning).
-- The read marker: the newest message read (0 = none) and that message's n. A send moves the
-- sender's marker to the new message, so no message of a participant lies after its marker.
ALTER TABLE participants ADD COLUMN joined_seq INTEGER NOT NULL DEFAULT 0;
ALTER TABLE participants ADD COLUMN last_read_message_id INTEGER NOT NULL DEFAULT 0;
ALTER TABLE participants ADD COLUMN last_read_n INTEGER NOT NULL DEFAULT 0;
ALTER TABLE participants ADD COLUMN read_at INTEGER NULL;

-- The change feed. kind is chat.chats.ChatLog.Kind's code (1 message, 2 message_edited,
-- 3 message_deleted, 4 reaction_changed, 5 participant_added, 6 participant_removed,
-- 7 chat_renamed); an event about a message names it, one about a participant names the user,
-- a rename keeps the new name. Events show the current state of what they name.
CREATE TABLE chat_events (
  chat_id    INTEGER NOT NULL REFERENCES chats (id) ON DELETE CASCADE,
  seq        INTEGER NOT NULL,
  kind       INTEGER NOT NULL,
  message_id INTEGER NULL,
  user_id    INTEGER NULL,
  name       TEXT    NULL,
  created_at INTEGER NOT NULL,
  PRIMARY KEY (chat_id, seq)
) WITHOUT ROWID;

-- One row per (message, emoji, user); the id (ascending with insertion) orders emoji by first use.
CREATE TABLE reactions (
  id         INTEGER PRIMARY KEY,
  message_id INTEGER NOT NULL REFERENCES messages (id) ON DELETE CASCADE,
  emoji      TEXT    NOT NULL,
  user_id    INTEGER NOT NULL,
  created_at INTEGER NOT NULL,
  UNIQUE (message_id, emoji, user_id)
);

-- Number the existing messages of each chat in id order: their seq and n are the same.
UPDATE messages SET seq = numbered.k, n = numbered.k
FROM (SELECT id, ROW_NUMBER() OVER (PARTITION BY chat_id ORDER BY id) AS k FROM messages) AS numbered
WHERE messages.id = numbered.id;

UPDATE chats SET
  last_seq = (SELECT COUNT(*) FROM messages m WHERE m.chat_id = chats.id),
  message_count = (SELECT COUNT(*) FROM messages m WHERE m.chat_id = chats.id);

INSERT INTO chat_events (chat_id, seq, kind, message_id, created_at)
SELECT chat_id, seq, 1, id, created_at FROM messages;

-- Sending moves the sender's marker: each participant has read up to its own newest message.
UPDATE participants SET last_read_message_id = COALESCE(
  (SELECT MAX(m.id) FROM messages m WHERE m.chat_id = participants.chat_id AND m.sender_id = participants.user_id), 0);
UPDATE participants SET last_read_n = COALESCE(
  (SELECT m.n FROM messages m WHERE m.id = participants.last_read_message_id), 0);
