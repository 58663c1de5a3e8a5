#pragma once

// find_execution(): what a restarted daemon can learn about one execution its store recorded
// as live (started or stopping), decided on the runner's side so the engine only records the
// answer. In this order: the runner takes it over (ProcessRunner::reattach, when asked to
// watch); else the outcome its supervisor wrote (status.json) is the truth; else, if its
// supervisor never even opened supervisor.log, it provably never ran; else nothing can be known.
// Plain function over a borrowed runner; io_context thread (the runner's).

#include "daemon/runner/runner.h"

#include <string>
#include <variant>

namespace vhtask::daemon::runner {

namespace found {

// The runner watches it as if it had started it; its outcome arrives through on_exit.
struct Watched {};
// It ended while no daemon ran: this is how.
struct Ended {
  RunOutcome outcome;
};
// Its supervisor never started: it can start again as the same attempt. `reason`: what to
// record if the caller cannot start it again (it must then be recorded crashed).
struct NeverLaunched {
  std::string reason;
};
// Nothing can be known: record it crashed for `reason`.
struct Lost {
  std::string reason;
};

}  // namespace found

using FoundExecution =
    std::variant<found::Watched, found::Ended, found::NeverLaunched, found::Lost>;

// watch: take it over if it still runs (false when nothing would run it any more: its task is
// not active; then only its outcome on disk counts).
FoundExecution find_execution(ProcessRunner& runner, ExecutionId id, const std::string& exec_dir,
                              bool watch);

// The same for an execution recorded queued (a rerun, or one handed to a runner that starts it
// later): Watched when it was handed over (a Slurm job left slurm.json in its directory) and
// the runner takes it over; otherwise it has not run, and starts again from its row.
enum class QueuedFound { watched, not_running };
QueuedFound find_queued_execution(ProcessRunner& runner, ExecutionId id,
                                  const std::string& exec_dir);

}  // namespace vhtask::daemon::runner
