-- Users of the chat. The auth service owns this table; nothing else opens auth.db.
CREATE TABLE users (
  id            INTEGER PRIMARY KEY AUTOINCREMENT,
  username      TEXT    NOT NULL,
  email         TEXT    NOT NULL,
  -- PHC-style PBKDF2 string written by vertx-auth ($pbkdf2$it=N$salt$hash); never leaves the service.
  password_hash TEXT    NOT NULL,
  user_type     TEXT    NOT NULL CHECK (user_type IN ('owner', 'student', 'university_staff')),
  is_active     INTEGER NOT NULL DEFAULT 1 CHECK (is_active IN (0, 1)),
  -- ISO-8601 UTC with milliseconds, as chat.shared.Times writes it.
  date_joined   TEXT    NOT NULL
);

-- "Alice" and "alice" are the same user: the constraint, not a pre-check, decides races.
-- Lookups by username must say COLLATE NOCASE to use this index.
CREATE UNIQUE INDEX users_username_nocase ON users (username COLLATE NOCASE);
