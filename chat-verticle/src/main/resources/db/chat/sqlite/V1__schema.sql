-- The chat service's own database. Times are UTC epoch milliseconds.

-- Projection of the auth service's users, learnt only over the event bus
-- (lookups when a user joins a chat, and auth's user_updated events).
CREATE TABLE users (
  id          INTEGER PRIMARY KEY,
  username    TEXT    NOT NULL,
  email       TEXT    NOT NULL,
  user_type   TEXT    NOT NULL,
  date_joined TEXT    NOT NULL,
  is_active   INTEGER NOT NULL DEFAULT 1
);

CREATE TABLE chats (
  id               INTEGER PRIMARY KEY AUTOINCREMENT,
  name             TEXT    NOT NULL,
  created_by       INTEGER NOT NULL REFERENCES users (id),
  created_at       INTEGER NOT NULL,
  last_activity_at INTEGER NOT NULL
);

CREATE TABLE participants (
  chat_id  INTEGER NOT NULL REFERENCES chats (id) ON DELETE CASCADE,
  user_id  INTEGER NOT NULL REFERENCES users (id),
  added_at INTEGER NOT NULL,
  PRIMARY KEY (chat_id, user_id)
);

CREATE INDEX participants_user_id ON participants (user_id);

CREATE TABLE messages (
  id         INTEGER PRIMARY KEY AUTOINCREMENT,
  chat_id    INTEGER NOT NULL REFERENCES chats (id) ON DELETE CASCADE,
  sender_id  INTEGER NOT NULL REFERENCES users (id),
  content    TEXT    NOT NULL,
  created_at INTEGER NOT NULL,
  -- the sender's idempotency key; NULLs never collide in a UNIQUE constraint
  client_id  TEXT    NULL,
  UNIQUE (chat_id, sender_id, client_id)
);

CREATE INDEX messages_chat_id_id ON messages (chat_id, id);
