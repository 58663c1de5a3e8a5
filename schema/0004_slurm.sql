-- 0004_slurm.sql: which executor runs a task's executions (docs/slurm.md).
--
-- executor: 'local' (vhtask-supervise processes on this machine, the default) or 'slurm' (job
-- arrays on a Slurm cluster). executor_options: a JSON object of the executor's settings; for
-- Slurm {"partition": "P" (optional), "sbatch_args": ["ARG", ...], "pack": N}. The Slurm job of
-- each execution is recorded in its execution directory (slurm.json, schema/execution-dir.md),
-- next to the outcome the job writes, so the job id and the outcome live on the same shared
-- filesystem.

ALTER TABLE tasks ADD COLUMN executor TEXT NOT NULL DEFAULT 'local'
  CHECK (executor IN ('local', 'slurm'));
ALTER TABLE tasks ADD COLUMN executor_options TEXT NOT NULL DEFAULT '{}';
