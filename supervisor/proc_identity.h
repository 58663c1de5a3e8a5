#pragma once

// Process identity on Linux. A pid alone may be reused once its process is gone, so vhtask names
// a process by its pid *and* its start time: field 22 of /proc/PID/stat, in clock ticks since
// boot. A later daemon compares both before it signals or watches a process it did not spawn.
//
// Plain functions over /proc (no Asio, no allocation beyond a small buffer), shared by
// vhtask-supervise and the daemon's runner. No thread restrictions.

#include <cstdint>
#include <optional>
#include <sys/types.h>

namespace vhtask::supervisor {

// The fields of /proc/PID/stat that vhtask uses.
struct ProcStat {
  char state = '?';              // field 3: R, S, D, Z (zombie), T, ...
  pid_t pgrp = 0;                // field 5: process group
  pid_t session = 0;             // field 6: session id
  std::uint64_t start_time = 0;  // field 22: clock ticks since boot
};

// Reads /proc/PID/stat; nullopt when the process does not exist (or /proc is unreadable).
// A zombie still has an entry: its state is 'Z'.
std::optional<ProcStat> read_proc_stat(pid_t pid);

// The start time of pid (field 22), or nullopt when there is no such process.
std::optional<std::uint64_t> process_start_time(pid_t pid);

// True when pid exists (possibly as a zombie) and started at start_time: it is the same process
// that was recorded, not a later one that reuses the pid.
bool process_matches(pid_t pid, std::uint64_t start_time);

}  // namespace vhtask::supervisor
