#pragma once

// The lifecycle states of tasks and executions, and their names as stored in SQLite and sent on
// the wire. The names are part of the schema (CHECK constraints in schema/0001_init.sql) and of
// the protocol: never rename one. Plain values; no thread restrictions.
//
// Execution: queued -> started -> [stopping ->] complete | error | stopped | crashed
//            queued -> stopped  (a queued rerun dropped by a stop, never run)
// An un-started index of a task has no row: it is 'queued' while the task's queue is open and
// 'stopped' once the task was stopped (schema/README.md, "Lazy queue").
//
// Task: running -> [stopping ->] complete | error | stopped. A rerun may reopen a finished
// task (back to running).

#include <array>
#include <optional>
#include <string_view>

namespace vhtask {

enum class ExecutionState {
  queued,
  started,
  stopping,
  complete,  // exited 0
  error,     // non-zero exit, killed by a signal, or a limit enforced (reason says which)
  stopped,   // stopped by request (or never run because its task was stopped)
  crashed,   // could not be started, or its outcome cannot be known (reason says why)
};
inline constexpr std::size_t k_execution_state_count = 7;

enum class TaskState { running, stopping, complete, error, stopped };

std::string_view to_string(ExecutionState state);
std::string_view to_string(TaskState state);
std::optional<ExecutionState> parse_execution_state(std::string_view name);
std::optional<TaskState> parse_task_state(std::string_view name);

// complete, error, stopped, crashed: the row will not change again.
bool is_terminal(ExecutionState state);
// started or stopping: a process may exist.
bool is_live(ExecutionState state);
// complete, error, stopped.
bool is_terminal(TaskState state);

// Every ExecutionState, in declaration order (for tables and loops).
const std::array<ExecutionState, k_execution_state_count>& all_execution_states();

}  // namespace vhtask
