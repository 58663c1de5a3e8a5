#pragma once

// Executors: where a task's executions run. `local` (the default) runs each one under a
// vhtask-supervise process on this machine (daemon/runner/supervised_runner.h); `slurm` submits
// them as job arrays to a Slurm cluster, each array element running the same vhtask-supervise
// (daemon/slurm/slurm_runner.h, docs/slurm.md). A task's executor and its options are recorded in
// its `tasks` row (schema/0004_slurm.sql); everything above the runner (status, logs, stop, rerun,
// history) is the same for both. Plain values and functions; no thread restrictions.

#include "common/result.h"

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace vhtask::daemon::runner {

enum class ExecutorKind { local, slurm };

std::string_view to_string(ExecutorKind kind);
// "local" or "slurm"; Error::invalid_argument naming `field` otherwise.
Result<ExecutorKind> parse_executor(std::string_view text, std::string_view field);

// The Slurm executor's per-task settings (`vhtask start --executor slurm ...`).
struct SlurmOptions {
  std::optional<std::string> partition;  // sbatch --partition
  std::vector<std::string> sbatch_args;  // passed to sbatch verbatim, before the script
  std::size_t pack = 1;                  // executions run one after another per array element

  bool operator==(const SlurmOptions&) const = default;
};

// As tasks.executor_options stores it: {"partition": "P", "sbatch_args": [...], "pack": N}.
std::string to_json(const SlurmOptions& options);
// Missing fields keep their defaults; Error::invalid_argument for a wrong type or pack < 1.
Result<SlurmOptions> slurm_options_from_json(std::string_view text);

// What a runner needs to submit one execution to Slurm (LaunchSpec::slurm).
struct SlurmLaunch {
  SlurmOptions options;
  // The task's concurrency limit, enforced by Slurm (`--array=...%K`); nullopt: none.
  std::optional<std::size_t> throttle;
};

// In-flight executions of one Slurm task handed to the runner at once: the engine materialises
// a task's lazy queue in chunks of this size, and the runner submits each chunk as one array.
inline constexpr std::size_t k_slurm_chunk = 1000;

}  // namespace vhtask::daemon::runner
