-- Administration actions performed by owners through the auth service, each written in the
-- same transaction as the change it records. The PostgreSQL twin of db/auth/sqlite/V2__audit.sql.
CREATE TABLE audit_log (
  id             BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  -- the acting owner as it was at the time (its username may change later)
  actor_id       BIGINT NOT NULL,
  actor_username TEXT   NOT NULL,
  -- chat.shared.Audit's action names, e.g. 'user.update'
  action         TEXT   NOT NULL,
  -- what was acted on, e.g. 'user:12'
  target         TEXT   NOT NULL,
  -- a JSON object: the changed fields and their old and new values
  details        TEXT   NOT NULL,
  -- ISO-8601 UTC with milliseconds, as chat.shared.Times writes it (sorts as time)
  created_at     TEXT   NOT NULL
);

-- COLLATE "C": ordered as SQLite orders text (code points), so ORDER BY created_at COLLATE "C" uses it.
CREATE INDEX audit_log_created_at ON audit_log (created_at COLLATE "C", id);
