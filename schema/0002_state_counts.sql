-- 0002_state_counts.sql: per-task counts of executions by state, kept by triggers.
--
-- `vhtask status` shows every task's per-state counts. Counting the newest attempt of every
-- index through latest_executions costs ~70 ms for a task of 100,000 executions; these counters
-- make it a handful of rows. They count exactly what latest_executions would: the newest
-- attempt of each index that has a row. (Un-started indices are derived from tasks.next_index.)
--
-- Invariants the triggers rely on, which the Store keeps: a new attempt of an index is inserted
-- only once the previous one has ended, and only an index's newest attempt changes state.

CREATE TABLE task_state_counts (
  task_id INTEGER NOT NULL REFERENCES tasks (id) ON DELETE CASCADE,
  state   TEXT    NOT NULL,
  n       INTEGER NOT NULL CHECK (n >= 0),
  PRIMARY KEY (task_id, state)
) WITHOUT ROWID;

INSERT INTO task_state_counts (task_id, state, n)
  SELECT task_id, state, count(*) FROM latest_executions GROUP BY task_id, state;

-- A new row is its index's newest attempt: count it, and stop counting the attempt before it.
CREATE TRIGGER executions_count_insert AFTER INSERT ON executions
BEGIN
  INSERT INTO task_state_counts (task_id, state, n) VALUES (NEW.task_id, NEW.state, 1)
    ON CONFLICT (task_id, state) DO UPDATE SET n = n + 1;
  UPDATE task_state_counts SET n = n - 1
    WHERE task_id = NEW.task_id
      AND state = (SELECT state FROM executions
                   WHERE task_id = NEW.task_id AND idx = NEW.idx AND attempt = NEW.attempt - 1);
END;

CREATE TRIGGER executions_count_update AFTER UPDATE OF state ON executions
  WHEN OLD.state <> NEW.state
BEGIN
  UPDATE task_state_counts SET n = n - 1 WHERE task_id = OLD.task_id AND state = OLD.state;
  INSERT INTO task_state_counts (task_id, state, n) VALUES (NEW.task_id, NEW.state, 1)
    ON CONFLICT (task_id, state) DO UPDATE SET n = n + 1;
END;
