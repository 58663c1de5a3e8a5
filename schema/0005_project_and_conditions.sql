-- 0005_project_and_conditions.sql: the project's git state, and executions stopped because their
-- step's stop-condition was met.
--
-- tasks.cwd is the project directory (the folder holding the valohai.yaml, where every
-- execution runs); tasks.git_commit the commit checked out there and git_dirty whether tracked
-- files differed from it when the task started (NULL outside a git checkout, and for tasks
-- recorded before this migration).
ALTER TABLE tasks ADD COLUMN git_dirty INTEGER CHECK (git_dirty IS NULL OR git_dirty IN (0, 1));

-- 1 when the execution was stopped because its step's stop-condition was met (its reason says
-- which): an early stop that reached the goal, which `wait` counts as a success.
ALTER TABLE executions ADD COLUMN condition_met INTEGER NOT NULL DEFAULT 0
  CHECK (condition_met IN (0, 1));

-- Counting a task's condition-met executions reads only those rows.
CREATE INDEX executions_condition_met ON executions (task_id, idx) WHERE condition_met = 1;
