#pragma once

// SupervisedRunner: the real ProcessRunner. Each execution runs under its own vhtask-supervise
// process (supervisor/supervisor.h), started in a new session so that neither a Ctrl-C to a
// foreground daemon nor the daemon's death reaches it. The supervisor owns the command's log,
// limits, stop escalation and outcome file; this class only prepares the execution directory,
// starts the supervisor, signals it, and watches it through a pidfd on the io_context (which
// works just as well for a supervisor started by an earlier daemon, after a restart).
//
// Ownership and threading: owned by the daemon's composition root; it borrows the io_context,
// which must outlive it. Single-threaded: every method, and every OnExit callback, runs on the
// io_context's thread. Destroying the runner leaves every supervisor running (a restart
// reattaches to them) and drops outcomes not delivered yet.
//
// The supervisors this runner starts are children of the daemon: nothing else in the process
// may reap children it did not start (no waitpid(-1), no SIGCHLD set to SIG_IGN).

#include "daemon/runner/runner.h"

#include <memory>
#include <string>
#include <sys/types.h>
#include <unordered_map>

namespace boost::asio {
class io_context;
}

namespace vhtask::daemon::runner {

class SupervisedRunner final : public ProcessRunner {
public:
  // supervise_binary: the vhtask-supervise executable (the daemon passes the one next to its own
  // /proc/self/exe). It is not checked here; a bad path makes start() fail with Error::spawn.
  SupervisedRunner(boost::asio::io_context& io, std::string supervise_binary);
  ~SupervisedRunner() override;
  SupervisedRunner(const SupervisedRunner&) = delete;
  SupervisedRunner& operator=(const SupervisedRunner&) = delete;

  void set_on_exit(OnExit on_exit) override;
  // REQUIRES: spec.time_limit_seconds and spec.no_output_timeout_seconds, when set, are > 0;
  // spec.grace_seconds >= 0 (else Error::invalid_argument).
  Result<std::int64_t> start(const LaunchSpec& spec) override;
  Result<void> stop(ExecutionId id) override;
  // Besides the interface's contract: when the supervisor is gone without an outcome but its
  // child (from supervisor.json, pid and start time) still runs, the child's process group is
  // killed, so nothing runs unsupervised after being reported as crashed.
  Result<bool> reattach(ExecutionId id, const std::string& exec_dir) override;
  std::size_t running() const override;

private:
  struct Watch;  // one watched supervisor: pid, pidfd, exec_dir

  // Takes ownership of pidfd and waits for it to become readable (the supervisor ended).
  void watch(ExecutionId id, pid_t pid, int pidfd, std::string exec_dir);
  void arm(ExecutionId id, Watch& watch);
  void on_supervisor_exit(ExecutionId id);
  // Calls on_exit from a posted handler (never inline in start/stop/reattach).
  void deliver_later(ExecutionId id, RunOutcome outcome);

  // Constant after construction.
  boost::asio::io_context& m_io;
  const std::string m_supervise_binary;

  // Mutable, touched only on the io_context thread.
  OnExit m_on_exit;
  std::unordered_map<ExecutionId, std::unique_ptr<Watch>> m_watches;
  std::size_t m_pending_deliveries = 0;
  // Expires with the runner: handlers still queued in the io_context check it before touching
  // `this`.
  std::shared_ptr<bool> m_alive = std::make_shared<bool>(true);
};

}  // namespace vhtask::daemon::runner
