#pragma once

// ExecutorRouter: the ProcessRunner the engine talks to, dispatching each execution to the
// executor its task uses (daemon/runner/executor.h): LaunchSpec::slurm set -> the Slurm runner,
// else the local one. After a restart, an execution directory holding slurm.json goes to the Slurm
// runner. Both runners deliver outcomes through the router's single OnExit.
//
// Ownership and threading: borrows both runners (owned by the composition root, which must keep
// them alive as long as the router); io_context thread only, like every runner.

#include "daemon/runner/runner.h"
#include "daemon/slurm/slurm_runner.h"

#include <unordered_map>

namespace vhtask::daemon {

class ExecutorRouter final : public runner::ProcessRunner {
public:
  ExecutorRouter(runner::ProcessRunner& local, slurm::SlurmRunner& slurm);

  void set_on_exit(OnExit on_exit) override;
  Result<std::int64_t> start(const runner::LaunchSpec& spec) override;
  Result<void> stop(ExecutionId id) override;
  Result<bool> reattach(ExecutionId id, const std::string& exec_dir) override;
  std::size_t running() const override;
  void set_task_limit(TaskId task, std::size_t limit) override;
  void set_on_started(OnStarted on_started) override;
  bool starts_later(const runner::LaunchSpec& spec) const override {
    return spec.slurm.has_value();
  }

private:
  runner::ProcessRunner& m_local;
  slurm::SlurmRunner& m_slurm;
  // Executions the Slurm runner holds (the rest are local).
  std::unordered_map<ExecutionId, bool> m_on_slurm;
};

}  // namespace vhtask::daemon
