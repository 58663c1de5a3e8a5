#pragma once

// The value types the Store reads and writes: one struct per table row (TaskRecord,
// ExecutionRecord), the inputs of its write methods (NewTask, ExecutionStart, RerunStart,
// ExecutionOutcome) and the per-state counts of a task (TaskCounts). Plain values; no thread
// restrictions. Timestamps are the stored text (common/protocol/timestamp.h); JSON columns are JSON
// text.

#include "common/protocol/ids.h"
#include "common/protocol/states.h"
#include "common/protocol/timestamp.h"

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace vhtask::daemon::store {

// What `vhtask start` sends, as the daemon records it (columns of `tasks`).
struct NewTask {
  std::string step;
  std::string name;
  std::string valohai_yaml;  // the file's text exactly as read
  std::string grid;          // the grid/parameter text exactly as given
  std::string config_file;   // where valohai.yaml was read (for messages when re-parsed)
  std::string grid_file;     // where the grid file was read
  std::string blueprint;     // the `- task:` blueprint's name (start --task), else empty
  std::string fixed_params_json = "[]";  // the `--param NAME=VALUE` strings, a JSON array
  std::string varying_json = "[]";       // names of the parameters that vary, a JSON array
  std::string cwd;                       // the project directory: where the executions run
  std::optional<std::string> git_commit;
  std::optional<bool> git_dirty;  // tracked files differed from git_commit (nullopt without it)
  std::string environment_json = "{}";  // the client's environment, a JSON object
  std::string type;                     // "grid", "random", ...
  std::optional<std::int64_t> seed;
  std::int64_t count = 0;                // number of executions (indices 0..count-1)
  std::optional<std::int64_t> parallel;  // per-task limit; nullopt: the global limit only
  std::string on_child_error;
  std::string executor = "local";            // "local" or "slurm" (schema/0004_slurm.sql)
  std::string executor_options_json = "{}";  // the executor's settings, a JSON object
  // The task's stop-condition text, already validated (schema/0003_metadata.sql); recorded with
  // the task in one statement, so a crash cannot leave a task without its condition.
  std::optional<std::string> stop_condition;
};

// One row of `tasks`.
struct TaskRecord {
  TaskId id = 0;
  std::string created_at;
  NewTask spec;
  // The first index that has not started yet: indices [next_index, count) have no row.
  std::int64_t next_index = 0;
  // True once the task's queue was dropped (stop): un-started indices will never run.
  bool cancelled = false;
  TaskState state = TaskState::running;
  std::optional<std::string> reason;
  std::optional<std::string> finished_at;
  // Why the task's stop-condition stopped it (Store::set_stop_reason); nullopt: it did not.
  std::optional<std::string> stop_reason;
};

// One row of `executions`: one attempt of one index.
struct ExecutionRecord {
  ExecutionId id = 0;
  TaskId task_id = 0;
  ExecutionIndex idx = 0;
  Attempt attempt = 1;
  std::string parameters_json;
  std::string command;
  ExecutionState state = ExecutionState::queued;
  std::optional<int> exit_code;
  std::optional<int> signal;
  std::optional<std::string> reason;
  std::optional<std::int64_t> pid;
  std::string created_at;
  std::optional<std::string> started_at;
  std::optional<std::string> finished_at;
  std::optional<std::string> log_path;
  std::optional<Slot> slot;
  // Stopped because its step's stop-condition was met (Store::mark_condition_met).
  bool condition_met = false;
};

// A fresh index (attempt 1) launching: Store::insert_execution_started.
struct ExecutionStart {
  TaskId task_id = 0;
  ExecutionIndex idx = 0;
  std::string parameters_json = "{}";
  std::string command;
  std::optional<std::int64_t> pid;  // nullopt when recorded before the spawn
  Slot slot = 0;
  // "{id}" in it is replaced by the new row's id (executions/{id}/output.log).
  std::string log_path;
  Timestamp started_at;  // created_at too; with `queued`, created_at only
  // The state it is recorded in: started, or queued for a runner that starts it later (Slurm:
  // started once the runner says so); a queued row has no pid, slot or started_at.
  ExecutionState state = ExecutionState::started;
};

// A queued rerun launching: Store::start_rerun.
struct RerunStart {
  std::optional<std::int64_t> pid;
  Slot slot = 0;
  std::string log_path;
  Timestamp started_at;
  // started; or queued for a runner that starts it later: only its log path is recorded then.
  ExecutionState state = ExecutionState::started;
};

// How an execution ended: Store::finish_execution. `state` is complete, error, stopped or
// crashed; exit_code is set if the process exited, signal if a signal ended it (never both).
struct ExecutionOutcome {
  ExecutionState state = ExecutionState::complete;
  std::optional<int> exit_code;
  std::optional<int> signal;
  std::optional<std::string> reason;
  Timestamp finished_at;
};

// One page of a task's execution rows: rows [offset, offset + rows.size()) of `total`.
struct ExecutionPage {
  std::vector<ExecutionRecord> rows;
  std::int64_t offset = 0;
  std::int64_t total = 0;
};

// How many indices of a task are in each state, counting only each index's newest attempt, and
// counting un-started indices as queued (open queue) or stopped (stopped task).
struct TaskCounts {
  std::array<std::int64_t, k_execution_state_count> by_state{};

  std::int64_t operator[](ExecutionState state) const {
    return by_state[static_cast<std::size_t>(state)];
  }
  std::int64_t& operator[](ExecutionState state) {
    return by_state[static_cast<std::size_t>(state)];
  }
  // Equals the task's count: every index is in exactly one state.
  std::int64_t total() const {
    std::int64_t sum = 0;
    for (const auto n : by_state) {
      sum += n;
    }
    return sum;
  }
};

// How far an execution's log was read for metadata (columns metadata_* of `executions`).
struct MetadataProgress {
  std::int64_t offset = 0;   // bytes [0, offset) consumed; a line boundary
  std::int64_t count = 0;    // events stored: the next seq
  std::int64_t dropped = 0;  // over-long candidate lines skipped
};

// The latest value of one metadata key of an execution (a row of `metadata_latest`).
struct MetadataValue {
  std::string key;
  std::string value_json;
  std::int64_t seq = 0;
  std::string time;
};

}  // namespace vhtask::daemon::store
