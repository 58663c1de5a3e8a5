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


def percentile(values, p):
    """The p-th percentile (0-100) of values, interpolated between the closest ranks."""
    ordered = sorted(values)
    if len(ordered) == 1:
        return ordered[0]
    rank = (len(ordered) - 1) * p / 100.0
    low = int(rank)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


def timed(argv, env=None, cwd=None, check=True):
    """Runs argv once with stdout captured; returns (wall seconds, stdout bytes). Wall time is
    from just before the process is spawned until it has been reaped."""
    start = time.perf_counter()
    proc = subprocess.run(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, cwd=cwd)
    wall = time.perf_counter() - start
    if check and proc.returncode != 0:
        raise RuntimeError(f"{' '.join(argv)} exited {proc.returncode}: "
                           f"{proc.stderr.decode(errors='replace')[-2000:]}")
    return wall, proc.stdout


def proc_memory(pid):
    """{"VmRSS": MiB, "VmHWM": MiB} of a live process, read from /proc/PID/status."""
    out = {}
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            key, _, rest = line.partition(":")
            if key in ("VmRSS", "VmHWM"):
                out[key] = int(rest.split()[0]) / 1024.0
    return out


def machine():
    """'N cores, MODEL' of this machine, for RESULTS.md."""
    model = "unknown CPU"
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    model = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    return f"{os.cpu_count()} cores, {model}"


class Daemon:
    """A vhtaskd of its own on a temporary state dir and socket, for one benchmark.

    `with Daemon(bin_dir, root) as d:` starts `vhtaskd --foreground` and waits (with a deadline)
    until `vhtask status --json` answers; `d.vhtask(...)` runs the client against it (autostart
    off); leaving the block runs `vhtask shutdown` and waits for the process. The daemon's log
    goes to ROOT/vhtaskd.log."""

    def __init__(self, bin_dir, root, parallel=2, ready_timeout=15.0):
        self.bin_dir = bin_dir
        self.root = root
        self.parallel = parallel
        self.ready_timeout = ready_timeout
        self.state_dir = os.path.join(root, "state")
        self.socket = os.path.join(root, "vhtask.sock")
        self.log_path = os.path.join(root, "vhtaskd.log")
        self.client = os.path.join(bin_dir, "vhtask")
        self.env = dict(os.environ, VHTASK_SOCKET=self.socket, VHTASK_STATE_DIR=self.state_dir,
                        VHTASK_NO_AUTOSTART="1", NO_COLOR="1")
        self.proc = None

    @property
    def pid(self):
        return self.proc.pid

    def start(self):
        argv = [os.path.join(self.bin_dir, "vhtaskd"), "--foreground", "--state-dir", self.state_dir,
                "--socket", self.socket, "--parallel", str(self.parallel)]
        os.makedirs(self.root, exist_ok=True)
        log = open(self.log_path, "ab")
        self.proc = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=log, stderr=log,
                                     env=self.env)
        log.close()
        deadline = time.monotonic() + self.ready_timeout
        while True:
            if self.proc.poll() is not None:
                raise RuntimeError(f"vhtaskd exited {self.proc.returncode} before answering:\n"
                                   + self.log_tail())
            probe = subprocess.run([self.client, "status", "--json"], stdout=subprocess.DEVNULL,
                                   stderr=subprocess.DEVNULL, env=self.env)
            if probe.returncode == 0:
                return self
            if time.monotonic() > deadline:
                self.proc.kill()
                self.proc.wait()
                raise RuntimeError(f"vhtaskd did not answer within {self.ready_timeout} s:\n"
                                   + self.log_tail())
            time.sleep(0.02)

    def vhtask(self, *args, check=True):
        """Runs `vhtask ARGS`; returns (wall seconds, stdout bytes)."""
        return timed([self.client, *args], env=self.env, check=check)

    def json(self, *args):
        """Runs `vhtask ARGS --json` and returns the parsed result."""
        import json
        return json.loads(self.vhtask(*args, "--json")[1])

    def shutdown(self, timeout=30.0):
        if self.proc is None or self.proc.poll() is not None:
            return
        subprocess.run([self.client, "shutdown"], stdout=subprocess.DEVNULL,
                       stderr=subprocess.DEVNULL, env=self.env)
        try:
            self.proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()  # our own child, by pid
            self.proc.wait()
            raise RuntimeError(f"vhtaskd did not exit within {timeout} s of `vhtask shutdown`")

    def log_tail(self, lines=20):
        try:
            with open(self.log_path, errors="replace") as f:
                return "".join(f.readlines()[-lines:])
        except OSError:
            return ""

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.shutdown()
        return False
