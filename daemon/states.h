#pragma once

// The lifecycle states of tasks and executions, and their names as stored in SQLite and sent on
// the wire. The names are part of the schema (CHECK constraints in schema/0001_init.sql) and of
// the protocol: never rename one. Plain values; no thread restrictions.
//
// Execution: queued -> started -> [stopping ->] completed | failed | stopped | crashed
//            queued -> cancelled  (a queued rerun dropped by a stop)
// An un-started index of a task has no row: it is 'queued' while the task's queue is open and
// 'cancelled' once the task was stopped (schema/README.md, "Lazy queue").
//
// Task: running -> [stopping ->] completed | failed | stopped. A rerun may reopen a finished
// task (back to running).

#include <array>
#include <optional>
#include <string_view>

namespace vhtask::daemon {

enum class ExecutionState {
  queued,
  started,
  stopping,
  completed,
  failed,
  stopped,
  crashed,
  cancelled
};
inline constexpr std::size_t k_execution_state_count = 8;

enum class TaskState { running, stopping, completed, failed, stopped };

std::string_view to_string(ExecutionState state);
std::string_view to_string(TaskState state);
std::optional<ExecutionState> parse_execution_state(std::string_view name);
std::optional<TaskState> parse_task_state(std::string_view name);

// completed, failed, stopped, crashed, cancelled: the row will not change again.
bool is_terminal(ExecutionState state);
// started or stopping: a process may exist.
bool is_live(ExecutionState state);
// completed, failed, stopped.
bool is_terminal(TaskState state);

// Every ExecutionState, in declaration order (for tables and loops).
const std::array<ExecutionState, k_execution_state_count>& all_execution_states();

}  // namespace vhtask::daemon
