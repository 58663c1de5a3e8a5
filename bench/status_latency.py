#!/usr/bin/env python3
"""Issue: "`vhtask status` with a daemon holding 100,000 finished executions answers in under
50 ms" (median of 200 `vhtask status` calls).

Builds the database without running anything: starts its own vhtaskd once on a temporary state
dir so it creates the schema, shuts it down, then fills `tasks` and `executions` with the sqlite3
CLI (one recursive CTE): task 1 with 100,000 finished executions (1 in 100 an `error` with exit
code 1), plus 20 small tasks of 5 executions each. Then starts the daemon again and times, in
interleaved rounds (client wall time, spawn to exit, stdout to a pipe):
  - `/bin/true`: the process-start floor, the baseline of the ratios;
  - `vhtask status`: the default list, the 20 newest tasks (task 1 is the oldest of 21, so it is
    NOT among them);
  - `vhtask status -n 21`: every task, including the 100,000-execution one;
  - `vhtask status 1 -n 20` (every 4th round): one task's view, its last 20 executions;
  - `vhtask status 1` (every 4th round, until --one-budget seconds were spent on it): one task's
    whole view; the daemon sends at most 1000 rows per answer and the client pages through all;
  - `tsp -l` (if task-spooler is installed) on its own queue holding --tsp-jobs finished jobs.
Goal: every `vhtask status` form under 50 ms (median).

Usage: bench/status_latency.py [--bin DIR] [--rounds N] [--tsp-jobs N] [--one-budget S]"""

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import benchlib  # noqa: E402

BIG = 100_000   # executions of task 1
SMALL = 20      # more tasks ...
SMALL_N = 5     # ... of this many executions each

YAML = """- step:
    name: echo
    image: busybox
    command: echo {parameters}
    parameters:
      - name: i
        type: integer
"""

GRID = """parameters:
  - name: i
    style: linear
    rules: {start: 0, end: %d, step: 1}
"""


def q(text):
    return "'" + text.replace("'", "''") + "'"


def fill_sql(cwd, log_dir):
    """The SQL that records task 1 with BIG finished executions and SMALL more tasks."""
    ts = "strftime('%%Y-%%m-%%dT%%H:%%M:%%fZ', '2024-05-01T00:00:00', '+' || (%s) || ' seconds')"
    task_cols = ("id, created_at, step, name, valohai_yaml, grid, config_file, grid_file, "
                 "fixed_params, varying, cwd, environment, type, seed, count, next_index, "
                 "cancelled, parallel, on_child_error, state, reason, finished_at")
    exec_cols = ("id, task_id, idx, attempt, parameters, command, state, exit_code, signal, reason, "
                 "pid, created_at, started_at, finished_at, log_path, slot")
    small_base = BIG + 3600  # seconds after 2024-05-01: the small tasks come after the big one
    return f"""
BEGIN IMMEDIATE;
INSERT INTO tasks ({task_cols}) VALUES
  (1, {ts % 0}, 'echo', 'bench-100k', {q(YAML)}, {q(GRID % (BIG - 1))}, 'valohai.yaml',
   'grid.yaml', '[]', '["i"]', {q(cwd)}, '{{}}', 'grid_search', 1, {BIG}, {BIG}, 0, NULL,
   'continue-and-complete', 'complete', NULL, {ts % BIG});
WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < {BIG - 1})
INSERT INTO executions ({exec_cols})
SELECT i + 1, 1, i, 1, json_object('i', i), 'echo --i=' || i,
       CASE WHEN i % 100 = 99 THEN 'error' ELSE 'complete' END,
       CASE WHEN i % 100 = 99 THEN 1 ELSE 0 END, NULL, NULL,
       100000 + i, {ts % 'i'}, {ts % 'i'}, {ts % 'i + 0.75'},
       {q(log_dir)} || '/' || (i + 1) || '/output.log', i % 2
FROM n;
WITH RECURSIVE t(k) AS (SELECT 2 UNION ALL SELECT k + 1 FROM t WHERE k < {SMALL + 1})
INSERT INTO tasks ({task_cols})
SELECT k, {ts % f'{small_base} + k * 60'}, 'echo', 'small-' || k, {q(YAML)},
       {q(GRID % (SMALL_N - 1))}, 'valohai.yaml', 'grid.yaml', '[]', '["i"]', {q(cwd)}, '{{}}',
       'grid_search', k, {SMALL_N}, {SMALL_N}, 0, NULL, 'continue-and-complete', 'complete',
       NULL, {ts % f'{small_base} + k * 60 + 10'}
FROM t;
WITH RECURSIVE t(k) AS (SELECT 2 UNION ALL SELECT k + 1 FROM t WHERE k < {SMALL + 1}),
               n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < {SMALL_N - 1})
INSERT INTO executions ({exec_cols})
SELECT {BIG} + (k - 2) * {SMALL_N} + i + 1, k, i, 1, json_object('i', i), 'echo --i=' || i,
       CASE WHEN k % 4 = 0 AND i = {SMALL_N - 1} THEN 'error' ELSE 'complete' END,
       CASE WHEN k % 4 = 0 AND i = {SMALL_N - 1} THEN 2 ELSE 0 END, NULL, NULL,
       200000 + k * 10 + i, {ts % f'{small_base} + k * 60 + i'}, {ts % f'{small_base} + k * 60 + i'},
       {ts % f'{small_base} + k * 60 + i + 0.5'},
       {q(log_dir)} || '/' || ({BIG} + (k - 2) * {SMALL_N} + i + 1) || '/output.log', i % 2
FROM t, n;
COMMIT;
SELECT (SELECT count(*) FROM tasks) || ' tasks, ' || (SELECT count(*) FROM executions)
       || ' executions';
"""


class TaskSpooler:
    """A task-spooler queue of its own (TS_SOCKET in a temp dir) holding `jobs` finished jobs."""

    def __init__(self, root, jobs):
        self.dir = os.path.join(root, "tsp")
        os.makedirs(self.dir)
        self.socket = os.path.join(self.dir, "tsp.sock")
        self.env = dict(os.environ, TS_SOCKET=self.socket, TMPDIR=self.dir,
                        TS_MAXFINISHED=str(jobs))
        self.jobs = jobs

    def fill(self):
        for _ in range(self.jobs):
            subprocess.run(["tsp", "-n", "true"], env=self.env, check=True,
                           stdout=subprocess.DEVNULL, stdin=subprocess.DEVNULL)
        subprocess.run(["tsp", "-w"], env=self.env, check=True, stdout=subprocess.DEVNULL)
        listed = subprocess.run(["tsp", "-l"], env=self.env, check=True,
                                stdout=subprocess.PIPE).stdout.decode()
        finished = sum(1 for line in listed.splitlines()[1:] if " finished " in line)
        if finished != self.jobs:
            raise RuntimeError(f"tsp holds {finished} finished jobs, not {self.jobs}")

    def stop(self, timeout=10.0):
        subprocess.run(["tsp", "-K"], env=self.env, stdout=subprocess.DEVNULL,
                       stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + timeout
        while os.path.exists(self.socket) and time.monotonic() < deadline:
            time.sleep(0.02)


def main():
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    parser = argparse.ArgumentParser()
    parser.add_argument("--bin", default=os.path.join(root, "build/release/bin"),
                        help="directory holding vhtask, vhtaskd and vhtask-supervise")
    parser.add_argument("--rounds", type=int, default=200,
                        help="calls of each command (`vhtask status 1`: a quarter as many)")
    parser.add_argument("--tsp-jobs", type=int, default=10_000,
                        help="finished jobs in task-spooler's queue (filling takes ~3 ms a job)")
    parser.add_argument("--one-budget", type=float, default=120.0,
                        help="seconds at most spent timing `vhtask status 1` (it pages 100 times)")
    args = parser.parse_args()
    tsp = shutil.which("tsp")
    if not shutil.which("sqlite3"):
        sys.exit("status_latency: needs the sqlite3 CLI (Debian package sqlite3)")

    with tempfile.TemporaryDirectory(prefix="vhtask-bench-") as tmp:
        daemon = benchlib.Daemon(args.bin, tmp, parallel=2)
        with daemon:
            pass  # creates the schema
        db = os.path.join(daemon.state_dir, "vhtask.db")
        began = time.perf_counter()
        filled = subprocess.run(["sqlite3", db],
                                input=fill_sql(tmp, os.path.join(daemon.state_dir, "executions")),
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        if filled.returncode != 0 or filled.stderr:
            sys.exit(f"sqlite3 failed: {filled.stderr}")
        fill_seconds = time.perf_counter() - began
        db_mib = os.path.getsize(db) / 2**20
        print(f"database: {filled.stdout.strip()}, {db_mib:.1f} MiB, filled in {fill_seconds:.1f} s")

        spooler = None
        if tsp:
            spooler = TaskSpooler(tmp, args.tsp_jobs)
            began = time.perf_counter()
            spooler.fill()
            print(f"task-spooler: {args.tsp_jobs} finished jobs queued in "
                  f"{time.perf_counter() - began:.1f} s")

        try:
            with daemon:
                client = daemon.client
                cases = {
                    "/bin/true": (["/bin/true"], None, 1),
                    "vhtask status": ([client, "status"], daemon.env, 1),
                    f"vhtask status -n {SMALL + 1}": ([client, "status", "-n", str(SMALL + 1)],
                                                      daemon.env, 1),
                    "vhtask status 1 -n 20": ([client, "status", "1", "-n", "20"], daemon.env, 4),
                    "vhtask status 1": ([client, "status", "1"], daemon.env, 4),
                }
                if spooler:
                    cases[f"tsp -l ({args.tsp_jobs} finished)"] = (["tsp", "-l"], spooler.env, 1)
                walls = {name: [] for name in cases}
                outputs = {}
                for name, (argv, env, _) in cases.items():  # warm-up, not timed
                    outputs[name] = benchlib.timed(argv, env=env)[1]
                for r in range(args.rounds):
                    for name, (argv, env, every) in cases.items():
                        if r % every != 0:
                            continue
                        if name == "vhtask status 1" and sum(walls[name]) > args.one_budget:
                            continue
                        walls[name].append(benchlib.timed(argv, env=env)[0])
                rss = benchlib.proc_memory(daemon.pid)
        finally:
            if spooler:
                spooler.stop()

    floor = benchlib.median(walls["/bin/true"])
    rows = []
    for name, w in walls.items():
        med = benchlib.median(w)
        rows.append([name, len(w), f"{med * 1000:.2f} ms",
                     f"{benchlib.percentile(w, 90) * 1000:.2f} ms", f"{med / floor:.1f}x",
                     len(outputs[name])])
    print(f"daemon holding {BIG + SMALL * SMALL_N:,} finished executions in {SMALL + 1} tasks; "
          f"{args.rounds} rounds interleaved; daemon VmRSS {rss['VmRSS']:.1f} MiB "
          f"(peak {rss['VmHWM']:.1f} MiB):")
    benchlib.table(rows, ["command", "calls", "median", "p90", "vs /bin/true", "stdout bytes"])
    if not tsp:
        print("tsp -l: skipped, task-spooler is not installed (apt-get install -y task-spooler)")
    one = outputs["vhtask status 1"].decode(errors="replace").splitlines()
    print(f"`vhtask status 1` printed {len(outputs['vhtask status 1'])} bytes, {len(one)} lines;")
    print(f"  first line: {one[0] if one else ''}")
    print(f"  last line:  {one[-1] if one else ''}")
    slow = [name for name in walls
            if name.startswith("vhtask") and benchlib.median(walls[name]) >= 0.050]
    print("goal (every `vhtask status` form < 50 ms median):",
          "met" if not slow else "MISSED (" + ", ".join(slow) + ")")


if __name__ == "__main__":
    main()
