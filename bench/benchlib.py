"""Shared helpers for vhtask's benchmarks: run commands side by side, several rounds interleaved,
and report medians and ratios against a baseline measured in the same run (the machines are
shared and noisy, so only same-run comparisons mean anything). Standard library only."""

import os
import statistics
import subprocess
import time


def measure(argv, stdout=subprocess.DEVNULL, env=None, cwd=None):
    """Runs argv once; returns (wall seconds, peak RSS in MiB of the process tree's largest
    process, exit status)."""
    start = time.perf_counter()
    proc = subprocess.Popen(argv, stdout=stdout, stderr=subprocess.PIPE, env=env, cwd=cwd)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    err = proc.stderr.read().decode(errors="replace") if proc.stderr else ""
    if proc.returncode != 0:
        raise RuntimeError(f"{argv[0]} exited {proc.returncode}: {err[-2000:]}")
    return wall, usage.ru_maxrss / 1024.0, proc.returncode


def interleave(cases, rounds):
    """cases: {name: callable returning (wall, rss)}. Runs every case once per round, in turn,
    and returns {name: {"wall": [...], "rss": [...]}}."""
    results = {name: {"wall": [], "rss": []} for name in cases}
    for _ in range(rounds):
        for name, run in cases.items():
            wall, rss = run()
            results[name]["wall"].append(wall)
            results[name]["rss"].append(rss)
    return results


def median(values):
    return statistics.median(values)


def table(rows, headers):
    """Prints an aligned text table (and returns it as a string, e.g. for RESULTS.md)."""
    widths = [max(len(str(h)), *(len(str(r[i])) for r in rows)) for i, h in enumerate(headers)]
    lines = [" | ".join(str(h).ljust(w) for h, w in zip(headers, widths)),
             "-|-".join("-" * w for w in widths)]
    for r in rows:
        lines.append(" | ".join(str(c).ljust(w) for c, w in zip(r, widths)))
    text = "\n".join(lines)
    print(text)
    return text
