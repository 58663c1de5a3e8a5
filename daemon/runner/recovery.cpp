#include "daemon/runner/recovery.h"

#include "daemon/runner/execution_dir.h"
#include "supervisor/execution_files.h"

#include <filesystem>

namespace vhtask::daemon::runner {

FoundExecution find_execution(ProcessRunner& runner, ExecutionId id, const std::string& exec_dir,
                              bool watch) {
  const Result<bool> known = watch ? runner.reattach(id, exec_dir) : Result<bool>(false);
  if (known && *known) {
    return found::Watched{};
  }
  if (auto outcome = read_status_json(exec_dir)) {
    return found::Ended{std::move(*outcome)};
  }
  const std::string lost =
      known ? "the daemon restarted and the execution's outcome could not be recovered"
            : "the daemon restarted: " + known.error().message;
  // The runner opens supervisor.log just before spawning: without it, the command never ran.
  std::error_code ec;
  const bool spawned = std::filesystem::exists(
      std::filesystem::path(exec_dir) / supervisor::execution_files::k_supervisor_log, ec);
  if (watch && known && !spawned && !ec) {
    return found::NeverLaunched{lost};
  }
  return found::Lost{lost};
}

QueuedFound find_queued_execution(ProcessRunner& runner, ExecutionId id,
                                  const std::string& exec_dir) {
  std::error_code ec;
  if (!std::filesystem::exists(
          std::filesystem::path(exec_dir) / supervisor::execution_files::k_slurm_json, ec)) {
    return QueuedFound::not_running;
  }
  const auto known = runner.reattach(id, exec_dir);
  return known && *known ? QueuedFound::watched : QueuedFound::not_running;
}

}  // namespace vhtask::daemon::runner
