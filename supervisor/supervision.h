#pragma once

// Supervision: the heart of vhtask-supervise (supervisor/supervisor.h) for one command, from fork
// to status.json. It starts the child (supervisor/supervisor_child.h), records supervisor.json,
// then waits in sigtimedwait() for the child's exit, a stop request (SIGTERM/SIGINT) or the next
// deadline (time limit, no-output check, end of the grace period), so it wakes only when
// something is due. Once the child has exited it kills and reaps what is left of the child's
// process group and writes status.json.
//
// Internal to vhtask-supervise. Single-threaded: constructed and run on the main thread, once.
// It changes process-wide state: it blocks SIGCHLD/SIGTERM/SIGINT, ignores SIGPIPE, SIGXFSZ and
// SIGHUP, and makes the process a child subreaper (orphaned grandchildren become its children,
// so it can reap them and know they are gone).

#include "supervisor/supervisor.h"
#include "supervisor/supervisor_child.h"
#include "supervisor/supervisor_files.h"

#include <chrono>
#include <optional>
#include <signal.h>
#include <string>
#include <sys/types.h>

namespace vhtask::supervisor {

class Supervision {
public:
  // Borrows options, the execution directory's fd and the log's fd; all outlive run().
  Supervision(const SuperviseOptions& options, int dir_fd, int log_fd)
      : m_options(options), m_dir_fd(dir_fd), m_log_fd(log_fd) {}

  // The whole job. Returns vhtask-supervise's exit status: 0 once status.json is written.
  // REQUIRES: called once; spec.log_fd == log_fd.
  int run(const ChildSpec& spec);

private:
  using Clock = std::chrono::steady_clock;

  void wait_for_child();
  void check_limits(Clock::time_point now);
  std::optional<Clock::time_point> next_wake() const;
  void refresh_output(Clock::time_point now);
  // SIGTERM (+ SIGCONT) to the child's group now, SIGKILL when the grace period ends.
  void begin_stop(std::optional<std::string> reason);
  // Reaps exited orphans; notes (without reaping) the child's exit.
  void reap_exited();
  // Kills the rest of the group, reaps the child and the group; returns the child's wait status.
  int finish_child();
  void reap_group();
  bool log_write_failed(const StatusRecord& status) const;
  // The log's filesystem has no free block left.
  bool disk_full() const;

  // Constant after construction.
  const SuperviseOptions& m_options;
  const int m_dir_fd;
  const int m_log_fd;
  sigset_t m_signals{};  // SIGCHLD, SIGTERM, SIGINT: blocked, taken with sigtimedwait

  // Mutable state of the wait loop.
  pid_t m_child = -1;
  bool m_child_exited = false;
  bool m_stop_requested = false;
  bool m_stopping = false;  // SIGTERM sent to the group
  bool m_killed = false;    // SIGKILL sent to the group
  std::optional<std::string> m_reason;
  Clock::time_point m_started;
  std::optional<Clock::time_point> m_kill_at;
  Clock::time_point m_last_output;  // best estimate of the log's last growth
  Clock::time_point m_last_check;   // when m_last_size was read
  off_t m_last_size = 0;
};

}  // namespace vhtask::supervisor
