#include "daemon/executor_router.h"

#include "supervisor/execution_files.h"

#include <filesystem>

namespace vhtask::daemon {

ExecutorRouter::ExecutorRouter(runner::ProcessRunner& local, slurm::SlurmRunner& slurm)
    : m_local(local), m_slurm(slurm) {}

void ExecutorRouter::set_on_exit(OnExit on_exit) {
  auto forward = [this, on_exit](ExecutionId id, runner::RunOutcome outcome) {
    m_on_slurm.erase(id);
    on_exit(id, std::move(outcome));
  };
  m_local.set_on_exit(forward);
  m_slurm.set_on_exit(forward);
}

Result<std::int64_t> ExecutorRouter::start(const runner::LaunchSpec& spec) {
  if (!spec.slurm) {
    return m_local.start(spec);
  }
  auto started = m_slurm.start(spec);
  if (started) {
    m_on_slurm[spec.id] = true;
  }
  return started;
}

Result<void> ExecutorRouter::stop(ExecutionId id) {
  return m_on_slurm.contains(id) ? m_slurm.stop(id) : m_local.stop(id);
}

Result<bool> ExecutorRouter::reattach(ExecutionId id, const std::string& exec_dir) {
  if (!std::filesystem::exists(exec_dir + "/" + supervisor::execution_files::k_slurm_json)) {
    return m_local.reattach(id, exec_dir);
  }
  auto known = m_slurm.reattach(id, exec_dir);
  if (known && *known) {
    m_on_slurm[id] = true;
  }
  return known;
}

std::size_t ExecutorRouter::running() const {
  return m_local.running() + m_slurm.running();
}

void ExecutorRouter::set_on_started(OnStarted on_started) {
  m_slurm.set_on_started(std::move(on_started));
}

void ExecutorRouter::set_task_limit(TaskId task, std::size_t limit) {
  m_slurm.set_throttle(task, limit);
}

}  // namespace vhtask::daemon
