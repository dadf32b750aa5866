-- Administration actions performed by owners through the chat service, each written in the
-- same transaction as the change it records.
CREATE TABLE audit_log (
  id             INTEGER PRIMARY KEY AUTOINCREMENT,
  -- the acting owner as the gateway stamped it (not a reference: owners need not be in chats)
  actor_id       INTEGER NOT NULL,
  actor_username TEXT    NOT NULL,
  -- chat.shared.Audit's action names, e.g. 'chat.delete'
  action         TEXT    NOT NULL,
  -- what was acted on, e.g. 'chat:7' or 'messages'
  target         TEXT    NOT NULL,
  -- a JSON object, e.g. the deleted message ids
  details        TEXT    NOT NULL,
  created_at     INTEGER NOT NULL
);

CREATE INDEX audit_log_created_at ON audit_log (created_at, id);

-- The administration lists messages across chats by sender and by time.
CREATE INDEX messages_sender_id ON messages (sender_id, id);
CREATE INDEX messages_created_at ON messages (created_at);
