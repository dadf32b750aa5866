-- Attachments (issue 14). One row per upload: who uploaded it to which chat, the name it was
-- given (sanitised), the type decided from its bytes, its size and SHA-256. The bytes are stored
-- once per SHA-256: on SQLite as the file <CHAT_DATA_DIR>/attachments/ab/cd/<sha256>. An upload is
-- attached to at most one message (message_id, set in the message's own transaction); until then
-- it may be attached by its uploader, and it expires after CHAT_ATTACHMENT_UNUSED_HOURS.
CREATE TABLE attachments (
  id           INTEGER PRIMARY KEY AUTOINCREMENT,
  chat_id      INTEGER NOT NULL REFERENCES chats (id) ON DELETE CASCADE,
  uploader_id  INTEGER NOT NULL,
  message_id   INTEGER NULL REFERENCES messages (id) ON DELETE CASCADE,
  filename     TEXT    NOT NULL,
  content_type TEXT    NOT NULL,
  size         INTEGER NOT NULL,
  sha256       TEXT    NOT NULL,
  created_at   INTEGER NOT NULL
);

CREATE INDEX attachments_message_id ON attachments (message_id) WHERE message_id IS NOT NULL;
CREATE INDEX attachments_sha256 ON attachments (sha256);
CREATE INDEX attachments_chat_id ON attachments (chat_id);
CREATE INDEX attachments_unattached ON attachments (created_at) WHERE message_id IS NULL;
