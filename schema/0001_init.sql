-- 0001_init.sql: the first vhtask schema.
--
-- vhtaskd applies pending migrations in one transaction and then sets PRAGMA user_version to the
-- number of the last one applied. Never edit a migration that has shipped; add 0002_*.sql.
-- Conventions: timestamps are ISO-8601 UTC text with milliseconds ('2024-05-01T12:00:00.000Z'),
-- JSON columns hold one JSON object, and states are lower-case words checked below.

-- One row per `vhtask start`. Un-started executions are NOT stored: indices in
-- [next_index, count) are derived as 'queued' (cancelled = 0) or 'stopped' (cancelled = 1).
CREATE TABLE tasks (
  id             INTEGER PRIMARY KEY,
  created_at     TEXT    NOT NULL,
  step           TEXT    NOT NULL,
  name           TEXT    NOT NULL DEFAULT '',
  valohai_yaml   TEXT    NOT NULL,                 -- the valohai.yaml text exactly as read
  grid           TEXT    NOT NULL DEFAULT '',      -- the parameter grid text exactly as given
  config_file    TEXT    NOT NULL DEFAULT '',      -- where the client read valohai.yaml
  grid_file      TEXT    NOT NULL DEFAULT '',      -- where the client read the grid file
  blueprint      TEXT    NOT NULL DEFAULT '',      -- the `- task:` name with --task, else ''
  fixed_params   TEXT    NOT NULL DEFAULT '[]' CHECK (json_valid(fixed_params)),  -- --param N=V
  varying        TEXT    NOT NULL DEFAULT '[]' CHECK (json_valid(varying)),  -- varying names
  cwd            TEXT    NOT NULL,
  git_commit     TEXT,                             -- NULL outside a git checkout
  environment    TEXT    NOT NULL DEFAULT '{}' CHECK (json_valid(environment)),
  type           TEXT    NOT NULL,                 -- e.g. 'grid', 'random'
  seed           INTEGER,
  count          INTEGER NOT NULL CHECK (count >= 0),
  next_index     INTEGER NOT NULL DEFAULT 0 CHECK (next_index BETWEEN 0 AND count),
  cancelled      INTEGER NOT NULL DEFAULT 0 CHECK (cancelled IN (0, 1)),
  parallel       INTEGER CHECK (parallel IS NULL OR parallel >= 0),  -- NULL: global limit only
  on_child_error TEXT    NOT NULL,
  state          TEXT    NOT NULL DEFAULT 'running'
                 CHECK (state IN ('running', 'stopping', 'complete', 'error', 'stopped')),
  reason         TEXT,
  finished_at    TEXT
);

-- One row per attempt of one index of a task: inserted when a fresh index starts (attempt 1) or
-- when a rerun is requested (state 'queued', attempt = previous + 1). Rows are never deleted or
-- reused, so the rows of one (task_id, idx) are that permutation's history.
CREATE TABLE executions (
  id          INTEGER PRIMARY KEY,
  task_id     INTEGER NOT NULL REFERENCES tasks (id) ON DELETE CASCADE,
  idx         INTEGER NOT NULL CHECK (idx >= 0),
  attempt     INTEGER NOT NULL CHECK (attempt >= 1),
  parameters  TEXT    NOT NULL DEFAULT '{}' CHECK (json_valid(parameters)),
  command     TEXT    NOT NULL,                    -- the rendered shell command
  state       TEXT    NOT NULL
              CHECK (state IN ('queued', 'started', 'stopping', 'complete', 'error', 'stopped',
                               'crashed')),
  exit_code   INTEGER,                             -- set when the process exited
  signal      INTEGER,                             -- set when a signal ended it
  reason      TEXT,                                -- a human explanation of the outcome
  pid         INTEGER,
  created_at  TEXT    NOT NULL,
  started_at  TEXT,
  finished_at TEXT,
  log_path    TEXT,
  slot        INTEGER CHECK (slot IS NULL OR slot >= 0),  -- VHTASK_SLOT of the run
  UNIQUE (task_id, idx, attempt)
);

-- recover() and the scheduler's rebuild look only at live rows; keep that lookup small.
CREATE INDEX executions_live ON executions (state)
  WHERE state IN ('queued', 'started', 'stopping');

-- The newest attempt of every index that has a row: what `vhtask status` counts.
CREATE VIEW latest_executions AS
  SELECT e.*
  FROM executions AS e
  WHERE e.attempt = (SELECT max(x.attempt)
                     FROM executions AS x
                     WHERE x.task_id = e.task_id AND x.idx = e.idx);
