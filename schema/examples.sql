-- Tasks and their progress. Un-started indices have no rows: they are count - next_index.
SELECT id, created_at, step, state, count,
       next_index AS started,
       CASE WHEN cancelled THEN 0 ELSE count - next_index END AS queued,
       finished_at
FROM tasks
ORDER BY id;

-- Per-state counts per task, newest attempt of each index. Un-started indices count as
-- 'queued' while the task's queue is open and as 'stopped' once it was stopped.
SELECT task_id, state, sum(n) AS n
FROM (SELECT task_id, state, count(*) AS n
      FROM latest_executions
      GROUP BY task_id, state
      UNION ALL
      SELECT id, CASE WHEN cancelled THEN 'stopped' ELSE 'queued' END, count - next_index
      FROM tasks
      WHERE next_index < count)
GROUP BY task_id, state
ORDER BY task_id, state;

-- Failed executions (newest attempt of each index) with their commands and how they ended.
SELECT task_id, idx, attempt, exit_code, signal, reason, command
FROM latest_executions
WHERE state = 'error'
ORDER BY task_id, idx;

-- The history of one permutation (task 1, index 3): every attempt, oldest first.
SELECT attempt, state, exit_code, signal, started_at, finished_at,
       round((julianday(finished_at) - julianday(started_at)) * 86400000) / 1000.0 AS seconds,
       log_path
FROM executions
WHERE task_id = 1 AND idx = 3
ORDER BY attempt;

-- What is running now: the rows recover() examines after a restart.
SELECT id, task_id, idx, attempt, state, pid, slot, started_at
FROM executions
WHERE state IN ('started', 'stopping')
ORDER BY started_at;

-- One parameter of task 1 as a column, next to each index's outcome.
SELECT idx, json_extract(parameters, '$.learning_rate') AS learning_rate, state, exit_code
FROM latest_executions
WHERE task_id = 1
ORDER BY idx;

-- The latest loss of each execution of task 1 (newest attempt of each index), best first.
SELECT e.id, e.idx, e.state, json_extract(m.value, '$') AS loss
FROM latest_executions AS e
LEFT JOIN metadata_latest AS m ON m.execution_id = e.id AND m.key = 'loss'
WHERE e.task_id = 1
ORDER BY m.value IS NULL, loss;

-- Every metadata event of execution 1, in the order it printed them.
SELECT seq, time, json
FROM metadata_events
WHERE execution_id = 1
ORDER BY seq;
