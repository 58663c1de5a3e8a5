#include "daemon/store/store_rows.h"

#include <fmt/format.h>

namespace vhtask::daemon::store {

namespace {

std::optional<int> optional_int(const Statement& row, int column) {
  const auto value = row.column_optional_int64(column);
  if (!value) {
    return std::nullopt;
  }
  return static_cast<int>(*value);
}

}  // namespace

Result<TaskRecord> read_task(const Statement& row) {
  TaskRecord task;
  task.id = row.column_int64(0);
  task.created_at = row.column_text(1);
  task.spec.step = row.column_text(2);
  task.spec.name = row.column_text(3);
  task.spec.valohai_yaml = row.column_text(4);
  task.spec.grid = row.column_text(5);
  task.spec.cwd = row.column_text(6);
  task.spec.git_commit = row.column_optional_text(7);
  task.spec.environment_json = row.column_text(8);
  task.spec.type = row.column_text(9);
  task.spec.seed = row.column_optional_int64(10);
  task.spec.count = row.column_int64(11);
  task.spec.parallel = row.column_optional_int64(12);
  task.spec.on_child_error = row.column_text(13);
  task.next_index = row.column_int64(14);
  task.cancelled = row.column_int64(15) != 0;
  const auto state = parse_task_state(row.column_text(16));
  if (!state) {
    return Error::db(fmt::format("task {} has unknown state '{}'", task.id, row.column_text(16)));
  }
  task.state = *state;
  task.reason = row.column_optional_text(17);
  task.finished_at = row.column_optional_text(18);
  task.spec.config_file = row.column_text(19);
  task.spec.grid_file = row.column_text(20);
  task.spec.blueprint = row.column_text(21);
  task.spec.fixed_params_json = row.column_text(22);
  task.spec.varying_json = row.column_text(23);
  task.spec.executor = row.column_text(24);
  task.spec.executor_options_json = row.column_text(25);
  if (const auto dirty = row.column_optional_int64(26)) {
    task.spec.git_dirty = *dirty != 0;
  }
  task.stop_reason = row.column_optional_text(27);
  return task;
}

Result<ExecutionRecord> read_execution(const Statement& row) {
  ExecutionRecord execution;
  execution.id = row.column_int64(0);
  execution.task_id = row.column_int64(1);
  execution.idx = row.column_int64(2);
  execution.attempt = row.column_int64(3);
  execution.parameters_json = row.column_text(4);
  execution.command = row.column_text(5);
  const auto state = parse_execution_state(row.column_text(6));
  if (!state) {
    return Error::db(
        fmt::format("execution {} has unknown state '{}'", execution.id, row.column_text(6)));
  }
  execution.state = *state;
  execution.exit_code = optional_int(row, 7);
  execution.signal = optional_int(row, 8);
  execution.reason = row.column_optional_text(9);
  execution.pid = row.column_optional_int64(10);
  execution.created_at = row.column_text(11);
  execution.started_at = row.column_optional_text(12);
  execution.finished_at = row.column_optional_text(13);
  execution.log_path = row.column_optional_text(14);
  execution.slot = optional_int(row, 15);
  execution.condition_met = row.column_int64(16) != 0;
  return execution;
}

}  // namespace vhtask::daemon::store
