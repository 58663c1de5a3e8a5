#pragma once

// ProcessRunner: the interface between the daemon's scheduling and real processes. The engine
// decides *what* starts (daemon/scheduler.h); a runner starts it, stops it on request, finds it
// again after a daemon restart, and reports how it ended. SupervisedRunner
// (daemon/runner/supervised_runner.h) is the local one, slurm::SlurmRunner the Slurm one, and
// ExecutorRouter (daemon/executor_router.h) the one the engine talks to; engine unit tests use
// tests/support/fake_process_runner.h, which records starts and finishes runs by hand.
//
// Every execution has a directory of its own (LaunchSpec::exec_dir) holding its command, its
// log, its parameters and its outcome; schema/execution-dir.md describes it. Executions outlive
// the daemon: destroying a runner leaves them running, and a new runner picks them up with
// reattach().
//
// Threading: a runner belongs to one io_context; every method must be called on that
// io_context's thread, and the OnExit callback runs there too.

#include "common/protocol/ids.h"
#include "common/protocol/timestamp.h"
#include "common/result.h"
#include "daemon/runner/executor.h"
#include "daemon/store/store_types.h"

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>

namespace vhtask::daemon::runner {

// Everything needed to start one execution.
struct LaunchSpec {
  ExecutionId id = 0;
  TaskId task = 0;
  Slot slot = 0;
  std::string command;  // rendered; run by /bin/bash -c (sh without bash), directly if "#!..."
  std::string cwd;      // the command's working directory; empty: the daemon's
  // The command's whole environment: the client's environment plus the step's variables. The
  // runner adds PYTHONUNBUFFERED=1, VH_REPOSITORY_DIR (cwd), VH_OUTPUTS_DIR, VH_INPUTS_DIR,
  // VH_CONFIG_DIR (EXEC_DIR/outputs, /inputs, /config), VHTASK_TASK_ID, VHTASK_EXECUTION_ID and
  // VHTASK_SLOT, replacing any given ones.
  std::map<std::string, std::string> env;
  // A flat JSON object {name: value}, written verbatim to EXEC_DIR/config/parameters.json.
  std::string parameters_json = "{}";
  // Created with its missing parents, all 0700; made absolute against the daemon's cwd. It must
  // not exist yet (daemon/store/execution_ids.h), unless reuse_dir.
  std::string exec_dir;
  // The directory may exist already: this same execution was prepared before but never ran (a
  // start requeued by recovery, or a rerun's row; its id was never another execution's).
  bool reuse_dir = false;
  std::optional<std::int64_t> time_limit_seconds;         // enforced by the supervisor
  std::optional<std::int64_t> no_output_timeout_seconds;  // log size unchanged that long
  int grace_seconds = 10;  // SIGTERM to SIGKILL, for stops and limits
  // Set for a task on the Slurm executor (daemon/slurm/slurm_runner.h); nullopt: run it locally.
  std::optional<SlurmLaunch> slurm;
};

// How an execution ended; exactly what Store::finish_execution records.
//   complete: exited 0.
//   error:    non-zero exit, killed by a signal, or a limit enforced (reason says which).
//   stopped:  a stop was requested (whatever the exit status was).
//   crashed:  the supervisor died without recording an outcome, or the command could not be
//             started at all (reason says why).
//   queued:   the command was not started for a reason that passes (no space in the log dir
//             for its outcome); the engine starts the execution again later, same attempt. Not
//             an outcome to record.
using RunOutcome = store::ExecutionOutcome;

class ProcessRunner {
public:
  virtual ~ProcessRunner() = default;

  using OnExit = std::function<void(ExecutionId, RunOutcome)>;

  // Where outcomes go. Set it before the first start() or reattach(). Always invoked from the
  // io_context, never from inside start/stop/reattach.
  virtual void set_on_exit(OnExit on_exit) = 0;

  // Prepares spec.exec_dir (creating it and its files) and starts the execution. Returns the pid
  // of its supervisor process. Exactly one on_exit follows a successful start; none follows an
  // error (Error::spawn or Error::io, with the reason).
  // REQUIRES: spec.id is not running in this runner.
  virtual Result<std::int64_t> start(const LaunchSpec& spec) = 0;

  // Asks a running execution to stop: its supervisor sends SIGTERM to the command's process
  // group and SIGKILL after the grace period. The outcome (stopped) arrives through on_exit.
  // Error::not_found if the id is not running here.
  virtual Result<void> stop(ExecutionId id) = 0;

  // After a daemon restart: takes over an execution started by an earlier runner, identified by
  // its directory. If its supervisor still runs (same pid *and* start time), it is watched like
  // one this runner started and true is returned. If the supervisor has finished, its outcome
  // is read from the directory and delivered through on_exit (posted, not inline); also true.
  // False only when nothing can be known (no record, or a supervisor that died without an
  // outcome). The engine does not call this itself: runner::find_execution
  // (daemon/runner/recovery.h) does, and decides what the engine records.
  virtual Result<bool> reattach(ExecutionId id, const std::string& exec_dir) = 0;

  // Executions started or reattached whose outcome has not been delivered yet.
  virtual std::size_t running() const = 0;

  // For runners whose executions wait somewhere before they run (a Slurm queue): start()
  // leaves the execution `queued`, and this callback says when its command really started,
  // always before its on_exit. Runners that start at once (the local one) never call it.
  using OnStarted = std::function<void(ExecutionId, Timestamp started_at)>;
  // Taken by value: the runners that use it keep it.
  // NOLINTNEXTLINE(performance-unnecessary-value-param)
  virtual void set_on_started(OnStarted /*on_started*/) {}
  // True if start(spec) leaves the execution queued until an OnStarted.
  virtual bool starts_later(const LaunchSpec& /*spec*/) const { return false; }

  // A task's concurrency limit changed, for runners that enforce it themselves (Slurm). The
  // local runner does not: the Scheduler does.
  virtual void set_task_limit(TaskId /*task*/, std::size_t /*limit*/) {}
};

}  // namespace vhtask::daemon::runner
