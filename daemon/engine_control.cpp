// Engine: stop, rerun and limits (the requests that change running work).

#include "daemon/engine.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <chrono>

namespace vhtask::daemon {

namespace {

bool is_failure(ExecutionState state) {
  return state == ExecutionState::error || state == ExecutionState::crashed ||
         state == ExecutionState::stopped;
}

}  // namespace

Result<void> Engine::stop_running(ExecutionId id) {
  VHTASK_TRY(m_runner.stop(id));
  if (VHTASK_TRY(m_store.execution_by_id(id)).state != ExecutionState::started) {
    // Still in a Slurm queue (or already recorded stopped by the task's stop): it ends stopped
    // without a stopping phase.
    return {};
  }
  VHTASK_TRY(m_store.mark_execution_stopping(id, std::string("stopped by request")));
  return {};
}

Result<std::int64_t> Engine::stop_task(TaskId task_id) {
  VHTASK_TRY(m_store.task_by_id(task_id));  // not_found for an unknown task
  ActiveTask* task = find_active(task_id);
  if (task == nullptr) {
    return std::int64_t{0};
  }
  std::int64_t stopped = m_scheduler.queued_count(task_id);
  // The store first: if it refuses, the task goes on as if no stop had been asked for.
  VHTASK_TRY(m_store.cancel_queue(task_id, std::string("stopped by request"), now()));
  const auto progress = VHTASK_TRY(m_scheduler.stop_task(task_id));
  if (!task->final_state) {
    task->final_state = TaskState::stopped;
    task->final_reason = "stopped by request";
  }
  for (const auto& [id, running] : m_running) {
    if (running.task == task_id) {
      if (auto sent = stop_running(id); !sent) {
        spdlog::warn("execution {}: {}", id, sent.error().message);
      }
      ++stopped;
    }
  }
  if (progress == Scheduler::TaskProgress::drained) {
    finish_task(*task);
  } else {
    m_writes.submit(
        {fmt::format("record task {} as stopping", task_id),
         [this, task_id, reason = task->final_reason] {
           return m_store.mark_task_state(task_id, TaskState::stopping, reason, now());
         },
         [this, task_id] {
           publish({task_id, std::nullopt, false});
         },
         [task_id](const Error& e) { spdlog::error("task {}: {}", task_id, e.message); }});
  }
  return stopped;
}

Result<std::int64_t> Engine::stop_executions(const std::vector<ExecutionId>& ids) {
  std::int64_t stopped = 0;
  for (const ExecutionId id : ids) {
    const store::ExecutionRecord record = VHTASK_TRY(m_store.execution_by_id(id));
    if (m_running.count(id) != 0) {
      // (queued while handed to a Slurm queue)
      if (record.state == ExecutionState::started || record.state == ExecutionState::queued) {
        VHTASK_TRY(stop_running(id));
      }
      ++stopped;
      publish({record.task_id, id, false});
    } else if (record.state == ExecutionState::queued) {
      // A queued rerun: when the scheduler offers it, launch() finds it stopped and skips it.
      VHTASK_TRY(m_store.stop_queued_execution(id, "stopped by request", now()));
      ++stopped;
      publish({record.task_id, id, false});
    }
  }
  return stopped;
}

Result<std::vector<store::ExecutionRecord>> Engine::rerun(const std::vector<ExecutionId>& ids) {
  std::vector<store::ExecutionRecord> originals;
  originals.reserve(ids.size());
  for (const ExecutionId id : ids) {
    originals.push_back(VHTASK_TRY(m_store.execution_by_id(id)));
  }
  std::vector<store::ExecutionRecord> created;
  for (const auto& original : originals) {
    const store::TaskRecord record = VHTASK_TRY(m_store.task_by_id(original.task_id));
    ActiveTask* task = VHTASK_TRY(activate(record));
    const store::ExecutionRecord rerun =
        VHTASK_TRY(m_store.request_rerun(original.task_id, original.idx, now()));
    VHTASK_TRY(m_scheduler.add_rerun(original.task_id, original.idx, rerun.attempt));
    if (record.state != TaskState::running) {
      // A rerun reopens an ended task; it ends again by its own outcomes.
      task->final_state.reset();
      task->final_reason.reset();
      VHTASK_TRY(m_store.clear_stop_reason(original.task_id));
      VHTASK_TRY(
          m_store.mark_task_state(original.task_id, TaskState::running, std::nullopt, now()));
      task->record.state = TaskState::running;
    }
    created.push_back(rerun);
    publish({original.task_id, rerun.id, false});
  }
  pump();
  return created;
}

Result<std::vector<store::ExecutionRecord>> Engine::rerun_failed(TaskId task) {
  VHTASK_TRY(m_store.task_by_id(task));
  std::map<ExecutionIndex, store::ExecutionRecord> newest;
  for (auto& row : VHTASK_TRY(m_store.executions_of_task(task))) {
    auto& slot = newest[row.idx];
    if (row.attempt >= slot.attempt) {
      slot = std::move(row);
    }
  }
  std::vector<ExecutionId> failed;
  for (const auto& [idx, row] : newest) {
    if (is_failure(row.state)) {
      failed.push_back(row.id);
    }
  }
  return rerun(failed);
}

Result<void> Engine::set_parallel(std::optional<TaskId> task, std::size_t limit) {
  if (!task) {
    m_scheduler.set_global_limit(limit);
  } else {
    VHTASK_TRY(m_store.set_task_parallel(*task, static_cast<std::int64_t>(limit)));
    ActiveTask* active = find_active(*task);
    if (active != nullptr && active->slurm) {
      // Slurm enforces a Slurm task's limit: its later arrays get the new one, and so do the
      // arrays already submitted.
      active->record.spec.parallel = static_cast<std::int64_t>(limit);
      m_runner.set_task_limit(*task, limit);
    } else if (m_scheduler.has_task(*task)) {
      VHTASK_TRY(m_scheduler.set_task_limit(*task, limit));
    }
    publish({*task, std::nullopt, false});
  }
  pump();
  return {};
}

}  // namespace vhtask::daemon
