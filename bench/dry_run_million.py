#!/usr/bin/env python3
"""Issue 3's benchmark: `vhtask start --dry-run --json` of a 1,000,000-execution grid streamed to
/dev/null, against `seq 1000000 > /dev/null` as the floor. Goal: under 2 s and under 50 MB.

Usage: bench/dry_run_million.py [--vhtask PATH] [--rounds N]
Prints the median wall time and peak RSS of each, and the ratio to the floor."""

import argparse
import os
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import benchlib  # noqa: E402

YAML = """- step:
    name: train
    image: python:3.12
    command: python train.py {parameters}
    parameters:
      - name: a
        type: integer
      - name: b
        type: float
      - name: c
        type: string
"""

GRID = """parameters:
  - name: a
    style: linear
    rules: {start: 0, end: 99, step: 1}
  - name: b
    style: linear
    rules: {start: 0.0, end: 0.99, step: 0.01}
  - name: c
    style: multiple
    rules: {items: [%s]}
""" % ", ".join(f"opt{i}" for i in range(100))


def main():
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    parser = argparse.ArgumentParser()
    parser.add_argument("--vhtask", default=os.path.join(root, "build/release/bin/vhtask"))
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        yaml_path = os.path.join(tmp, "valohai.yaml")
        grid_path = os.path.join(tmp, "grid.yaml")
        with open(yaml_path, "w") as f:
            f.write(YAML)
        with open(grid_path, "w") as f:
            f.write(GRID)
        cmd = [args.vhtask, "start", "train", "-f", yaml_path, "--grid", grid_path,
               "--dry-run", "--json", "--seed", "1"]
        cases = {
            "seq 1000000": lambda: benchlib.measure(["seq", "1000000"])[:2],
            "vhtask --dry-run --json": lambda: benchlib.measure(cmd)[:2],
        }
        results = benchlib.interleave(cases, args.rounds)
    floor = benchlib.median(results["seq 1000000"]["wall"])
    rows = []
    for name, r in results.items():
        wall = benchlib.median(r["wall"])
        rows.append([name, f"{wall:.3f} s", f"{benchlib.median(r['rss']):.1f} MiB",
                     f"{wall / floor:.1f}x"])
    print(f"1,000,000 executions, {args.rounds} rounds interleaved, medians:")
    benchlib.table(rows, ["command", "wall", "peak RSS", "vs seq"])
    ours = results["vhtask --dry-run --json"]
    ok = benchlib.median(ours["wall"]) < 2.0 and benchlib.median(ours["rss"]) < 50.0
    print("goal (< 2 s, < 50 MB):", "met" if ok else "MISSED")


if __name__ == "__main__":
    main()
