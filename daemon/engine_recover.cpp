// Engine::recover(): what a daemon does before serving, after a clean restart or a crash.

#include "daemon/engine.h"
#include "daemon/runner/recovery.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <chrono>
#include <variant>

namespace vhtask::daemon {

Result<void> Engine::recover() {
  // 1. Tasks that were running: rebuild their plans and queues.
  for (const auto& record : VHTASK_TRY(m_store.unfinished_tasks())) {
    auto active = activate(record);
    if (!active) {
      spdlog::error("{}", active.error().message);
      VHTASK_TRY(m_store.cancel_queue(record.id, active.error().message, now()));
      VHTASK_TRY(
          m_store.mark_task_state(record.id, TaskState::error, active.error().message, now()));
      continue;
    }
    if (record.state == TaskState::stopping) {
      (*active)->final_state = TaskState::stopped;
      (*active)->final_reason = record.reason.value_or("stopped by request");
    }
  }
  // 1b. Tasks whose stop-condition was met just before the last daemon died: stop them now.
  std::vector<std::pair<TaskId, std::string>> met;
  for (const auto& [id, task] : m_active) {
    if (!task.final_state) {
      if (auto reason = VHTASK_TRY(m_store.stop_reason(id))) {
        met.emplace_back(id, std::move(*reason));
      }
    }
  }
  // 2. Executions that were running: take them over, or learn how they ended.
  std::int64_t reattached = 0;
  std::int64_t lost = 0;
  std::int64_t requeued = 0;
  std::int64_t recorded = 0;
  for (const auto& execution : VHTASK_TRY(m_store.live_executions())) {
    const std::string dir = exec_dir(execution.id);
    const Slot slot = execution.slot.value_or(0);
    ActiveTask* task = find_active(execution.task_id);
    // Its task no longer active (its end was recorded although this row was not): nothing runs
    // it any more, but its supervisor may have recorded how it ended.
    auto found = runner::find_execution(m_runner, execution.id, dir, task != nullptr);
    if (std::holds_alternative<runner::found::Watched>(found)) {
      if (m_scheduler.adopt(execution.task_id, slot)) {
        m_running[execution.id] = Running{execution.task_id, slot};
        m_metadata.follow(execution.id, dir);
        if (execution.state == ExecutionState::stopping && execution.condition_met) {
          // Met its step's stop-condition, recorded just before the last daemon died: the stop
          // may not have been sent (a second one is harmless).
          if (auto sent = m_runner.stop(execution.id); !sent) {
            spdlog::warn("execution {}: {}", execution.id, sent.error().message);
          }
        }
        ++reattached;
        continue;
      }
      spdlog::warn("execution {}: slot {} cannot be adopted", execution.id, slot);
      found = runner::find_execution(m_runner, execution.id, dir, false);  // its outcome, if any
    }
    if (auto* never = std::get_if<runner::found::NeverLaunched>(&found)) {
      if (execution.state == ExecutionState::started) {
        VHTASK_TRY(m_store.requeue_execution(execution.id));
        m_relaunch.insert({execution.task_id, execution.idx});
        ++requeued;
        continue;
      }
      found = runner::found::Lost{never->reason};
    }
    // The outcome on disk is the truth, whatever the task's row says: an execution whose
    // status.json is there is recorded from it, never as crashed.
    m_metadata.drain_now(execution.id, dir);  // what it printed while no daemon ran
    store::ExecutionOutcome outcome;
    if (auto* ended = std::get_if<runner::found::Ended>(&found)) {
      outcome = ended->outcome;
      ++recorded;
    } else {
      outcome = store::ExecutionOutcome{ExecutionState::crashed, std::nullopt, std::nullopt,
                                        std::get<runner::found::Lost>(found).reason, now()};
      ++lost;
    }
    VHTASK_TRY(m_store.finish_execution(execution.id, outcome));
    if (task != nullptr &&
        (outcome.state == ExecutionState::error || outcome.state == ExecutionState::crashed)) {
      task->any_failed = true;
    }
  }
  // 3. Queued reruns go back to their tasks' queues. Queued rows that were handed to Slurm are
  // taken over instead (runner::find_queued_execution), unless they never got submitted. A
  // queued attempt 1 (recorded for a runner that starts later, or put back) starts again from
  // its row.
  for (const auto& rerun : VHTASK_TRY(m_store.queued_reruns())) {
    if (find_active(rerun.task_id) == nullptr) {
      continue;
    }
    if (runner::find_queued_execution(m_runner, rerun.id, exec_dir(rerun.id)) ==
            runner::QueuedFound::watched &&
        m_scheduler.adopt(rerun.task_id, 0)) {
      m_running[rerun.id] = Running{rerun.task_id, 0};
      ++reattached;
      continue;
    }
    if (rerun.attempt == 1) {
      m_relaunch.insert({rerun.task_id, rerun.idx});
    }
    VHTASK_TRY(m_scheduler.add_rerun(rerun.task_id, rerun.idx, rerun.attempt));
  }
  for (const auto& [id, reason] : met) {
    ActiveTask& task = m_active.at(id);
    task.final_state = TaskState::stopped;
    task.final_reason = reason;
    VHTASK_TRY(stop_task(id));
  }
  // 4. Tasks with nothing left to do end now (the daemon died before recording it).
  std::vector<TaskId> idle;
  for (const auto& [id, task] : m_active) {
    if (m_scheduler.queued_count(id) == 0 && m_scheduler.running_count(id) == 0) {
      idle.push_back(id);
    }
  }
  for (const TaskId id : idle) {
    (void)m_scheduler.stop_task(id);  // forgets the idle task
    finish_task(m_active.at(id));
  }
  if (!m_active.empty() || reattached + lost + requeued + recorded > 0) {
    spdlog::info(
        "recovered: {} tasks resumed, {} executions reattached, {} recorded from their "
        "status.json, {} never launched and queued again, {} lost",
        m_active.size(), reattached, recorded, requeued, lost);
  }
  pump();
  return {};
}

}  // namespace vhtask::daemon
