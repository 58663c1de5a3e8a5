#pragma once

// Resolving what `start` should run: the step, and the search over it from a grid file
// (--grid), a `- task:` blueprint (--task), or neither (one execution). Main thread only.

#include "common/valohai/config.h"
#include "common/valohai/config_loader.h"

#include <optional>
#include <string>

namespace vhtask::client::commands {

struct Search {
  common::valohai::LoadedConfig config;
  const common::valohai::Step* step = nullptr;  // points into config
  common::valohai::TaskSpec spec;  // an empty grid_search when neither --grid nor --task
  std::string grid_text;           // the grid file as it was, for the record
  std::string config_text;         // the valohai.yaml as read and validated
};

// Loads the valohai.yaml and the search; prints every problem (file:line:col) to stderr and
// returns nullopt when anything is wrong. `step_name` may be empty with --task (the blueprint
// names its step); when both are given they must agree.
std::optional<Search> load_search_or_report(const std::string& config_file,
                                            const std::string& step_name,
                                            const std::string& grid_file,
                                            const std::string& task_name);

}  // namespace vhtask::client::commands
