-- 0003_metadata.sql: execution metadata (JSON-object lines of the output) and stop conditions.
--
-- The daemon follows each running execution's output.log and stores every line that is a JSON
-- object as one metadata event (schema/README.md, "Metadata"). Events are appended in batches,
-- one transaction each, together with the byte offset of the log consumed so far, so a daemon
-- that restarts resumes exactly where it stopped: no event is lost or stored twice.

-- Every event, in the order it appeared in the log. `seq` counts from 0 per execution; `time`
-- is when the daemon read the line; `json` is the line's object exactly as printed (whitespace
-- around it stripped).
CREATE TABLE metadata_events (
  execution_id INTEGER NOT NULL REFERENCES executions (id) ON DELETE CASCADE,
  seq          INTEGER NOT NULL CHECK (seq >= 0),
  time         TEXT    NOT NULL,
  json         TEXT    NOT NULL,
  PRIMARY KEY (execution_id, seq)
) WITHOUT ROWID;

-- The latest value of each key of each execution (what `compare` and `show` read), kept up to
-- date in the same transaction as the events. `value` is JSON text; `seq` the event that set it.
CREATE TABLE metadata_latest (
  execution_id INTEGER NOT NULL REFERENCES executions (id) ON DELETE CASCADE,
  key          TEXT    NOT NULL,
  value        TEXT    NOT NULL,
  seq          INTEGER NOT NULL,
  time         TEXT    NOT NULL,
  PRIMARY KEY (execution_id, key)
) WITHOUT ROWID;

-- How far the log has been read: bytes [0, metadata_offset) are consumed (always a line
-- boundary), metadata_count events were stored (the next seq), and metadata_dropped lines that
-- were JSON objects by their first byte but longer than the limit were skipped.
ALTER TABLE executions ADD COLUMN metadata_offset  INTEGER NOT NULL DEFAULT 0;
ALTER TABLE executions ADD COLUMN metadata_count   INTEGER NOT NULL DEFAULT 0;
ALTER TABLE executions ADD COLUMN metadata_dropped INTEGER NOT NULL DEFAULT 0;

-- The task's stop condition as written (NULL: none), and why the task stopped when it did.
ALTER TABLE tasks ADD COLUMN stop_condition TEXT;
ALTER TABLE tasks ADD COLUMN stop_reason    TEXT;
