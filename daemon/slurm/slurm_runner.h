#pragma once

// SlurmRunner: a ProcessRunner that runs executions as Slurm job-array elements. Each element
// runs the same vhtask-supervise as the local executor (supervisor/supervisor.h) for one or more
// executions (SlurmOptions::pack, one after another), so output.log, supervisor.json and
// status.json land in the execution directory exactly as they do locally. That directory must
// be on a filesystem the cluster's nodes share with the daemon (docs/slurm.md).
//
// Submitting: start() prepares the execution's directory (daemon/runner/execution_dir.h) and a
// `slurm-run` launcher (the supervisor's exact environment and arguments), and queues it; the
// executions started in one turn of the io_context are submitted together, per task, as one
// `sbatch --array=0-M%K` (K: the task's limit; M+1 elements of `pack` executions each). Before
// sbatch runs, each directory records the array's unique job name in slurm.json; after, the job
// id too. A daemon that dies between the two finds the job by its name (squeue -n) on restart.
//
// Tracking, without slurmdbd: a timer polls `squeue -O` for the arrays with unfinished
// executions, backing off from 100 ms to 2 s while nothing changes. An execution ends when its
// status.json appears (the supervisor's outcome: the true exit code), or when Slurm says its
// element ended without one: CANCELLED -> stopped, TIMEOUT -> error, NODE_FAIL / PREEMPTED /
// BOOT_FAIL -> crashed, anything else (or a job that vanished from squeue) -> crashed, with a
// reason naming the Slurm state. Stops are recorded by the daemon itself (a `stop` file in the
// execution directory, written before scancel): a cancelled pending element vanishes from
// squeue without a trace, and a stopped execution is `stopped` whatever its exit status.
//
// Ownership and threading: owned by the composition root; borrows the io_context. Every method
// and callback runs on the io_context thread. The Slurm tools are run synchronously (tens of
// milliseconds). Destroying the runner leaves the jobs running; reattach() picks them up.

#include "daemon/runner/runner.h"

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>

#include <chrono>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <unordered_map>
#include <vector>

namespace vhtask::daemon::slurm {

class SlurmRunner final : public runner::ProcessRunner {
public:
  // supervise_binary: the vhtask-supervise the array elements run (on the nodes, so it must be
  // installed at the same path there). work_dir: where batch scripts, manifests and sbatch's
  // own output go (created if missing; on the shared filesystem).
  SlurmRunner(boost::asio::io_context& io, std::string supervise_binary, std::string work_dir);
  ~SlurmRunner() override;
  SlurmRunner(const SlurmRunner&) = delete;
  SlurmRunner& operator=(const SlurmRunner&) = delete;

  void set_on_exit(OnExit on_exit) override;
  // Called when an execution's supervisor.json appears (its command was forked on a node),
  // with that file's time; always before the execution's on_exit.
  void set_on_started(OnStarted on_started) override;
  bool starts_later(const runner::LaunchSpec& /*spec*/) const override { return true; }
  // REQUIRES: spec.slurm is set. Returns 0: the supervisor runs on a node, not here.
  Result<std::int64_t> start(const runner::LaunchSpec& spec) override;
  Result<void> stop(ExecutionId id) override;
  // REQUIRES: exec_dir holds slurm.json (ExecutorRouter checks).
  Result<bool> reattach(ExecutionId id, const std::string& exec_dir) override;
  std::size_t running() const override;

  // Changes the throttle of the task's arrays that are still running (scontrol update
  // ArrayTaskThrottle); later arrays use the limit their LaunchSpec carries.
  void set_throttle(TaskId task, std::size_t limit);

private:
  struct Queued {
    ExecutionId id;
    std::string exec_dir;
    runner::SlurmLaunch slurm;
    std::optional<std::int64_t> time_limit_seconds;
    int grace_seconds;
  };
  struct Tracked {
    TaskId task = 0;
    std::string exec_dir;
    std::string job;      // the array's job id; empty until sbatch answered
    std::string element;  // "JOB_INDEX"
    bool cancelled = false;
    bool started = false;  // OnStarted delivered
  };

  enum class StopKind { cancel, terminate, interrupt };

  void flush();
  // Runs the scancel calls stop() queued in this turn of the io_context.
  void flush_stops();
  Result<std::string> submit(TaskId task, const std::vector<Queued>& batch);
  void poll();
  void arm(bool changed);
  // Ends `id` if its status.json exists; true if it did.
  bool try_finish_from_status(ExecutionId id);
  void finish(ExecutionId id, runner::RunOutcome outcome);
  // Delivers OnStarted once if the execution's supervisor.json exists (or `force`); true if it
  // did now.
  bool report_started(ExecutionId id, bool force);

  boost::asio::io_context& m_io;
  const std::string m_supervise_binary;
  const std::string m_work_dir;
  OnExit m_on_exit;
  OnStarted m_on_started;
  std::map<TaskId, std::vector<Queued>> m_queued;
  bool m_flush_posted = false;
  std::vector<std::pair<std::string, StopKind>> m_stops;  // element, how to stop it
  bool m_stops_posted = false;
  std::unordered_map<ExecutionId, Tracked> m_tracked;
  std::map<std::string, std::set<ExecutionId>> m_elements;  // "JOB_INDEX" -> its executions
  std::map<std::string, std::string> m_element_states;      // "JOB_INDEX" -> last squeue state
  boost::asio::steady_timer m_timer;
  bool m_timer_armed = false;
  // squeue is polled with a backoff: k_min_delay after a change, doubling while nothing
  // changes, up to k_max_delay.
  static constexpr std::chrono::milliseconds k_min_delay{100};
  static constexpr std::chrono::milliseconds k_max_delay{2000};
  std::chrono::milliseconds m_delay = k_min_delay;
  std::shared_ptr<bool> m_alive = std::make_shared<bool>(true);
};

}  // namespace vhtask::daemon::slurm
