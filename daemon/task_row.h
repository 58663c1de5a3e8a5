#pragma once

// The task row <-> the task's inputs: what Engine::start writes into a `tasks` row from a
// `start` request, and what activation (a rerun, recovery) reads back to rebuild the very same
// TaskContext. The two functions are inverses: from_task_row(to_task_row(...)) gives the inputs
// and the environment again, with the step the plan resolved and the seed it drew (so the
// rebuilt plan is the recorded one). Plain functions; no thread restrictions.

#include "common/result.h"
#include "daemon/store/store_types.h"
#include "daemon/task_context.h"

#include <map>
#include <string>

namespace vhtask::daemon {

// The client's environment, NAME -> bytes (any bytes: stored as byte strings).
using TaskEnvironment = std::map<std::string, std::string>;

// Fills the columns that come from the inputs and their plan: step (the resolved one),
// valohai_yaml, grid, config_file, grid_file, blueprint, fixed_params_json, varying_json,
// environment_json, type, seed (the plan's), count and on_child_error. The caller sets the rest
// (name, cwd, git, parallel, executor, stop_condition).
void to_task_row(const TaskInputs& inputs, const TaskContext& context, const TaskEnvironment& env,
                 store::NewTask& row);

struct TaskRowInputs {
  TaskInputs inputs;
  TaskEnvironment env;
};

// The inputs and environment a row records. Error::invalid_argument for a malformed JSON
// column; an environment entry that is not a byte string is left out.
Result<TaskRowInputs> from_task_row(const store::NewTask& row);

}  // namespace vhtask::daemon
