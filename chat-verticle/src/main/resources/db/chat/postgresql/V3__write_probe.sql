-- Scratch table of the writer's health probe: while writes fail (the server is down or refuses
-- writes), the service inserts and deletes one row here in a committed transaction until that
-- succeeds. It is always empty between probes.
CREATE TABLE write_probe (
  id     BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  filler BYTEA  NOT NULL
);
