#pragma once

// Internal to the Store (store.cpp, store_executions.cpp): the column lists its SELECTs use and
// the functions that turn a result row into a record. Not for other modules; no thread state.

#include "common/result.h"
#include "daemon/store/statement.h"
#include "daemon/store/store_types.h"

#include <string_view>

namespace vhtask::daemon::store {

// Column order read_task() expects.
inline constexpr std::string_view k_task_columns =
    "id, created_at, step, name, valohai_yaml, grid, cwd, git_commit, environment, type, seed, "
    "count, parallel, on_child_error, next_index, cancelled, state, reason, finished_at, "
    "config_file, grid_file, blueprint, fixed_params, varying, executor, executor_options, "
    "git_dirty, stop_reason";

// Column order read_execution() expects.
inline constexpr std::string_view k_execution_columns =
    "id, task_id, idx, attempt, parameters, command, state, exit_code, signal, reason, pid, "
    "created_at, started_at, finished_at, log_path, slot, condition_met";

// The current row of a statement selecting k_task_columns / k_execution_columns. Fails only on a
// state name the schema's CHECK constraints should have kept out.
Result<TaskRecord> read_task(const Statement& row);
Result<ExecutionRecord> read_execution(const Statement& row);

}  // namespace vhtask::daemon::store
