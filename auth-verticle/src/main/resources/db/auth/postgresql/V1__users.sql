-- Users of the chat, in the schema auth. The auth service owns this table; nothing else reads it.
-- The PostgreSQL twin of db/auth/sqlite/V1__users.sql: same columns, same meaning.
CREATE TABLE users (
  id            BIGINT  GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  username      TEXT    NOT NULL,
  email         TEXT    NOT NULL,
  -- PHC-style PBKDF2 string written by vertx-auth ($pbkdf2$it=N$salt$hash); never leaves the service.
  password_hash TEXT    NOT NULL,
  user_type     TEXT    NOT NULL CHECK (user_type IN ('owner', 'student', 'university_staff')),
  -- 0/1 as on SQLite, so both stores' rows read the same.
  is_active     INTEGER NOT NULL DEFAULT 1 CHECK (is_active IN (0, 1)),
  -- ISO-8601 UTC with milliseconds, as chat.shared.Times writes it.
  date_joined   TEXT    NOT NULL
);

-- SQLite's first index (COLLATE NOCASE: ASCII case only, as lower() in the C collation), under
-- the same name: migration 3 (V3__Username_key, Java, the same on both stores) replaces it with
-- the unique index of the folded username_key.
CREATE UNIQUE INDEX users_username_nocase ON users (lower(username COLLATE "C"));
