// Engine: what happens when an execution ends or starts: its outcome recorded, its slot freed, its
// task's failure policy applied, and a task finished once nothing of it remains.

#include "daemon/engine.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

namespace vhtask::daemon {

void Engine::on_exit(ExecutionId id, runner::RunOutcome outcome) {
  const auto it = m_running.find(id);
  if (it == m_running.end()) {
    spdlog::warn("outcome for execution {} that is not running here", id);
    return;
  }
  const Running running = it->second;
  m_running.erase(it);
  // Every metadata line is stored before the outcome, so whoever sees the execution ended sees
  // all its metadata. The slot stays taken until then.
  m_metadata.drain(id, exec_dir(id), [this, id, running, outcome = std::move(outcome)] {
    record_exit(id, running, outcome);
  });
}

void Engine::record_exit(ExecutionId id, Running running, const runner::RunOutcome& outcome) {
  if (outcome.state == ExecutionState::queued) {
    // The runner could not start the command (no space for its files): it runs again later.
    const auto row = m_store.execution_by_id(id);
    if (row) {
      spdlog::warn("execution {}: {}", id, outcome.reason.value_or("did not start"));
      start_later(Scheduler::Start{running.task, row->idx, row->attempt, running.slot}, id,
                  row->state == ExecutionState::queued);
      return;
    }
    spdlog::error("execution {}: {}", id, row.error().message);
  }
  // The slot stays taken (and the task open) until the outcome is stored.
  m_writes.submit({fmt::format("record the outcome of execution {}", id),
                   [this, id, outcome] { return m_store.finish_execution(id, outcome); },
                   [this, id, running, outcome] { after_exit(id, running, outcome); },
                   [this, id, running, outcome](const Error& e) {
                     // A task stop records a Slurm execution that was still queued as stopped
                     // at once; a retried write may have been committed the first time.
                     const auto row = m_store.execution_by_id(id);
                     if (!row || !is_terminal(row->state)) {
                       spdlog::error("execution {}: {}", id, e.message);
                     }
                     after_exit(id, running, outcome);
                   }});
}

void Engine::after_exit(ExecutionId id, Running running, const runner::RunOutcome& outcome) {
  spdlog::debug("execution {} ended: {}", id, to_string(outcome.state));
  const bool failed =
      outcome.state == ExecutionState::error || outcome.state == ExecutionState::crashed;
  if (failed && !m_log_space.has_room()) {
    m_log_space.pause();  // the next ones would fail the same way
  }
  ActiveTask* task = find_active(running.task);
  if (task != nullptr && failed) {
    task->any_failed = true;
    const auto policy = task->context->spec.on_child_error;
    if (policy == common::valohai::OnChildError::stop_all_and_error && !task->final_state) {
      const std::string reason =
          fmt::format("execution {} failed and on-child-error is stop-all-and-error", id);
      (void)stop_task(running.task);
      task->final_state = TaskState::error;
      task->final_reason = reason;
    }
  }
  publish({running.task, id, false});
  release(running.task, running.slot);
}

void Engine::on_started(ExecutionId id, Timestamp started_at) {
  const auto it = m_running.find(id);
  if (it == m_running.end()) {
    return;
  }
  // Fails harmlessly when the row is no longer queued (stopped meanwhile, or started already
  // before a daemon restart).
  if (m_store.start_rerun(
          id, store::RerunStart{std::nullopt, it->second.slot, log_path(id), started_at})) {
    publish({it->second.task, id, false});
  }
}

void Engine::release(TaskId task_id, Slot slot) {
  const auto progress = m_scheduler.finished(task_id, slot);
  if (!progress) {
    spdlog::error("{}", progress.error().message);
  } else if (*progress == Scheduler::TaskProgress::drained) {
    if (ActiveTask* task = find_active(task_id)) {
      finish_task(*task);
    }
  }
  pump();
}

void Engine::finish_task(ActiveTask& task) {
  TaskState state = TaskState::complete;
  std::optional<std::string> reason;
  if (task.final_state) {
    state = *task.final_state;
    reason = task.final_reason;
  } else if (task.any_failed && task.context->spec.on_child_error !=
                                    common::valohai::OnChildError::continue_and_complete) {
    state = TaskState::error;
    reason = "an execution failed (on-child-error: continue-and-error)";
  }
  const TaskId id = task.record.id;
  // The task stays active (and `wait` waits) until its end is stored.
  const auto ended = [this, id, state] {
    spdlog::info("task {} ended: {}", id, to_string(state));
    m_active.erase(id);
    publish({id, std::nullopt, true});
  };
  m_writes.submit(
      {fmt::format("record the end of task {}", id),
       [this, id, state, reason] { return m_store.mark_task_state(id, state, reason, now()); },
       ended,
       [id, ended](const Error& e) {
         spdlog::error("task {}: {}", id, e.message);
         ended();
       }});
}

}  // namespace vhtask::daemon
