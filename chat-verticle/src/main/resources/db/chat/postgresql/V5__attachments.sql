-- Attachments (issue 14; the SQLite twin is db/chat/sqlite/V5). One row per upload: who
-- uploaded it to which chat, the name it was given (sanitised), the type decided from its bytes,
-- its size and SHA-256. An upload is attached to at most one message (message_id, set in the
-- message's own transaction); until then it may be attached by its uploader, and it expires
-- after CHAT_ATTACHMENT_UNUSED_HOURS.
CREATE TABLE attachments (
  id           BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  chat_id      BIGINT NOT NULL REFERENCES chats (id) ON DELETE CASCADE,
  uploader_id  BIGINT NOT NULL,
  message_id   BIGINT NULL REFERENCES messages (id) ON DELETE CASCADE,
  filename     TEXT   NOT NULL,
  content_type TEXT   NOT NULL,
  size         BIGINT NOT NULL,
  sha256       TEXT   NOT NULL,
  created_at   BIGINT NOT NULL
);

CREATE INDEX attachments_message_id ON attachments (message_id) WHERE message_id IS NOT NULL;
CREATE INDEX attachments_sha256 ON attachments (sha256);
CREATE INDEX attachments_chat_id ON attachments (chat_id);
CREATE INDEX attachments_unattached ON attachments (created_at) WHERE message_id IS NULL;

-- The bytes, once per SHA-256, in chunks of 256 KiB (the size of a chunk on the event bus), so
-- that every chat instance, on whatever machine, serves every file, a download reads one chunk
-- per request, and a file's rows go in the transaction that stores its first attachment row.
-- bytea rather than large objects: plain rows are transactional like the rest, need no lo_unlink
-- bookkeeping, are dumped and replicated with the schema, and are removed by a DELETE.
CREATE TABLE attachment_chunks (
  sha256 TEXT    NOT NULL,
  n      INTEGER NOT NULL,
  data   BYTEA   NOT NULL,
  PRIMARY KEY (sha256, n)
);
ALTER TABLE attachment_chunks ALTER COLUMN data SET STORAGE EXTERNAL;
