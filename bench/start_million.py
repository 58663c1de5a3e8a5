#!/usr/bin/env python3
"""Issue: "`start` of a 1,000,000-execution grid returns within a second and the daemon's RSS stays
under 64 MB while it runs (stop it afterwards)".

Starts its own vhtaskd (--parallel 2) on a temporary state dir and socket. Each round, in
alternating order:
  - baseline: `vhtask start tick --grid one.yaml --yes --json`, a 1-execution task of the same
    step, then `vhtask wait` for it;
  - `vhtask start tick --grid grid.yaml --yes --json`, a 100 x 100 x 100 grid of `sleep 0.05`,
    then the daemon's VmRSS sampled every 0.5 s for 3 s while executions run, 20 calls of
    `vhtask status TASK --json`, and `vhtask stop TASK` (its wall time, and the time until the
    task's state reads `stopped`).
Times are client wall times, from spawning `vhtask` until it exited.
Goals: start < 1 s, daemon RSS (VmHWM, the peak) < 64 MB, status < 50 ms.

Usage: bench/start_million.py [--bin DIR] [--rounds N]"""

import argparse
import json
import os
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import benchlib  # noqa: E402

YAML = """- step:
    name: tick
    image: busybox
    command: sleep 0.05
    parameters:
      - name: a
        type: integer
      - name: b
        type: integer
      - name: c
        type: integer
"""


def grid(last):
    rules = "{start: 0, end: %d, step: 1}" % last
    return "parameters:\n" + "".join(
        f"  - name: {name}\n    style: linear\n    rules: {rules}\n" for name in "abc")


SAMPLES = 6           # RSS samples per round ...
SAMPLE_EVERY = 0.5    # ... this many seconds apart
STATUS_CALLS = 20     # `vhtask status TASK --json` calls per round
STOP_DEADLINE = 60.0  # seconds for a stopped task to read `stopped` (grace is 10 s)


def run_baseline(d, yaml_path, one_path, out):
    wall, text = d.vhtask("start", "tick", "-f", yaml_path, "--grid", one_path, "--yes", "--json")
    task = json.loads(text)
    assert task["count"] == 1, task
    out["start1"].append(wall)
    d.vhtask("wait", str(task["task"]))


def run_million(d, yaml_path, grid_path, out):
    wall, text = d.vhtask("start", "tick", "-f", yaml_path, "--grid", grid_path, "--yes", "--json")
    started = time.monotonic()
    task = json.loads(text)
    assert task["count"] == 1_000_000, task
    out["start1m"].append(wall)
    tid = str(task["task"])
    for k in range(SAMPLES):
        time.sleep(max(0.0, started + (k + 1) * SAMPLE_EVERY - time.monotonic()))
        mem = benchlib.proc_memory(d.pid)
        out["rss"].append(mem["VmRSS"])
        out["hwm"].append(mem["VmHWM"])
    last = None
    for _ in range(STATUS_CALLS):
        wall, text = d.vhtask("status", tid, "--json")
        out["status"].append(wall)
        last = text
    counts = json.loads(last)["task"]["counts"]
    out["ended"].append(sum(n for state, n in counts.items()
                            if state not in ("queued", "started", "stopping")))
    out["bad"].append(sum(n for state, n in counts.items() if state in ("error", "crashed")))
    before = time.perf_counter()
    wall, _ = d.vhtask("stop", tid)
    out["stop"].append(wall)
    deadline = time.monotonic() + STOP_DEADLINE
    while True:
        state = d.json("status", tid, "-n", "1")["task"]["state"]
        if state == "stopped":
            break
        if time.monotonic() > deadline:
            raise RuntimeError(f"task {tid} still {state} {STOP_DEADLINE} s after `vhtask stop`")
        time.sleep(0.01)
    out["stopped"].append(time.perf_counter() - before)
    out["rss"].append(benchlib.proc_memory(d.pid)["VmRSS"])


def main():
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    parser = argparse.ArgumentParser()
    parser.add_argument("--bin", default=os.path.join(root, "build/release/bin"),
                        help="directory holding vhtask, vhtaskd and vhtask-supervise")
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    out = {k: [] for k in ("start1", "start1m", "rss", "hwm", "status", "stop", "stopped",
                           "ended", "bad")}
    with tempfile.TemporaryDirectory(prefix="vhtask-bench-") as tmp:
        yaml_path = os.path.join(tmp, "valohai.yaml")
        grid_path = os.path.join(tmp, "grid.yaml")
        one_path = os.path.join(tmp, "one.yaml")
        for path, text in ((yaml_path, YAML), (grid_path, grid(99)), (one_path, grid(0))):
            with open(path, "w") as f:
                f.write(text)
        with benchlib.Daemon(args.bin, tmp, parallel=2) as d:
            idle = benchlib.proc_memory(d.pid)["VmRSS"]
            for r in range(args.rounds):
                if r % 2 == 0:
                    run_baseline(d, yaml_path, one_path, out)
                    run_million(d, yaml_path, grid_path, out)
                else:
                    run_million(d, yaml_path, grid_path, out)
                    run_baseline(d, yaml_path, one_path, out)
            peak = benchlib.proc_memory(d.pid)["VmHWM"]

    med = benchlib.median
    floor = med(out["start1"])
    ms = lambda s: f"{s * 1000:.1f} ms"  # noqa: E731
    mib = lambda m: f"{m:.1f} MiB"  # noqa: E731
    rows = [
        ["vhtask start, 1 execution (baseline)", ms(floor), ms(max(out["start1"])), "1.0x"],
        ["vhtask start, 1,000,000 executions", ms(med(out["start1m"])), ms(max(out["start1m"])),
         f"{med(out['start1m']) / floor:.1f}x"],
        ["vhtask status TASK --json (while running)", ms(med(out["status"])),
         ms(benchlib.percentile(out["status"], 90)) + " p90", ""],
        ["vhtask stop TASK", ms(med(out["stop"])), ms(max(out["stop"])), ""],
        ["stop until task reads 'stopped'", ms(med(out["stopped"])), ms(max(out["stopped"])), ""],
        ["daemon VmRSS while running", mib(med(out["rss"])), mib(max(out["rss"])), ""],
        ["daemon VmHWM (peak, whole run)", mib(peak), "", f"idle {mib(idle)}"],
        ["executions ended before the stop (~3.1 s)", f"{med(out['ended']):.0f}",
         f"{sum(out['bad'])} error/crashed", ""],
    ]
    print(f"1,000,000-execution grid, `sleep 0.05`, daemon --parallel 2, {args.rounds} rounds "
          f"interleaved with the baseline; medians (max in the 3rd column):")
    benchlib.table(rows, ["measure", "median", "max / p90", "vs baseline"])
    start_ok = med(out["start1m"]) < 1.0
    rss_ok = peak < 64.0
    status_ok = med(out["status"]) < 0.050
    ok = start_ok and rss_ok and status_ok and sum(out["bad"]) == 0
    print("goal (start < 1 s, RSS < 64 MB, status < 50 ms):", "met" if ok else "MISSED",
          "" if ok else f"(start {'ok' if start_ok else 'slow'}, RSS {'ok' if rss_ok else 'high'}, "
          f"status {'ok' if status_ok else 'slow'}, {sum(out['bad'])} failed executions)")


if __name__ == "__main__":
    main()
