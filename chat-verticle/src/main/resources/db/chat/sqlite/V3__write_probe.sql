-- Scratch table of the writer's health probe: while writes fail (a full disk, an I/O error),
-- the service inserts and deletes one row here in a committed transaction until that succeeds.
-- It is always empty between probes.
CREATE TABLE write_probe (
  id     INTEGER PRIMARY KEY,
  filler BLOB NOT NULL
);
