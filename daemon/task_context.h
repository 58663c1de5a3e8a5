#pragma once

// TaskContext: what the daemon needs in memory to run a task: the parsed valohai.yaml, its step,
// the search spec, the TaskPlan and the step's CommandRenderer (compiled once per task). Built
// from the texts a client sent with `start`, and rebuilt from the same texts (stored in the
// task's row: daemon/task_row.h) after a restart or for a rerun, so a task always runs exactly
// what was recorded. Immutable after construction; io_context thread.

#include "common/render/command_renderer.h"
#include "common/result.h"
#include "common/search/task_plan.h"
#include "common/valohai/config.h"
#include "common/valohai/config_loader.h"

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace vhtask::daemon {

// The texts and choices that define a task (the columns of its row that matter for running it).
struct TaskInputs {
  std::string config_text;
  std::string config_file;
  std::string step;       // may be empty with a blueprint (it names its step)
  std::string grid_text;  // empty: no grid file
  std::string grid_file;
  std::string blueprint;                  // a `- task:` name, or empty
  std::vector<std::string> fixed_params;  // NAME=VALUE
  std::optional<std::uint64_t> seed;      // nullopt: draw one (TaskPlan records it)
};

struct TaskContext {
  common::valohai::LoadedConfig config;
  const common::valohai::Step* step = nullptr;  // points into config
  common::valohai::TaskSpec spec;
  std::optional<common::search::TaskPlan> plan;  // always set once built
  std::optional<common::render::CommandRenderer>
      renderer;  // the step's command; always set once built
};

// Parses and expands; Error::invalid_argument listing every problem (file:line:col) otherwise.
// Heap-allocated so `step` stays valid.
Result<std::unique_ptr<TaskContext>> build_task_context(const TaskInputs& inputs);

}  // namespace vhtask::daemon
