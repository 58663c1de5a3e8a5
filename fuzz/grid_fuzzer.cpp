// libFuzzer target: the grid parser and the task expander. The input is valohai.yaml text and
// grid text separated by a line `---8<---` (no separator: all of it is valohai.yaml and the grid
// is empty). As the daemon does (daemon/task_context.cpp), a task is planned only when both load
// without errors: for the grid file over its step (or the first step), and for each `- task:`
// blueprint. The first few executions and the last are computed and rendered.

#include "common/render/render.h"
#include "common/search/task_plan.h"
#include "common/valohai/config_loader.h"
#include "common/valohai/task_spec_loader.h"

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace {

using namespace vhtask::common;
using namespace vhtask::common::valohai;
using namespace vhtask::common::search;
using namespace vhtask::common::render;

constexpr std::string_view k_separator = "---8<---";
constexpr std::uint64_t k_first_executions = 4;
constexpr std::uint64_t k_seed = 1;  // fixed, so a crash reproduces from its input alone

// Splits at the first line that is exactly k_separator: {valohai.yaml, grid}.
std::pair<std::string_view, std::string_view> split_input(std::string_view text) {
  for (std::size_t start = 0; start <= text.size();) {
    const auto end = std::min(text.find('\n', start), text.size());
    if (text.substr(start, end - start) == k_separator) {
      return {text.substr(0, start), text.substr(std::min(end + 1, text.size()))};
    }
    start = end + 1;
  }
  return {text, {}};
}

void expand(const Step& step, const TaskSpec& spec) {
  const auto plan = TaskPlan::create(step, spec, {}, k_seed);
  if (!plan) {
    return;
  }
  const auto count = plan->count();
  for (std::uint64_t i = 0; i < std::min(count, k_first_executions) + 1; ++i) {
    // Past the first few, the last index; past the last, one out of range (must be an error).
    const auto index = i < std::min(count, k_first_executions) ? i : count - 1 + (i % 2);
    const auto given = plan->values_at(index);
    if (given) {
      (void)render_command(step, *given);
    }
  }
  (void)plan->values_at(count);
  (void)plan->varying_parameters();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const auto [yaml_text, grid_text] =
      split_input(std::string_view(reinterpret_cast<const char*>(data), size));
  const auto loaded = load_config(yaml_text, "fuzz.yaml");
  const auto grid = load_task_spec(grid_text, "fuzz-grid.yaml");
  if (loaded.diagnostics.has_errors() || loaded.config.steps.empty()) {
    return 0;
  }
  const auto& config = loaded.config;
  if (!grid.diagnostics.has_errors()) {
    const Step* step =
        grid.spec.step.empty() ? &config.steps.front() : config.find_step(grid.spec.step);
    if (step != nullptr) {
      expand(*step, grid.spec);
    }
  }
  for (const auto& task : config.tasks) {
    if (const Step* step = config.find_step(task.step)) {
      expand(*step, task);
    }
  }
  return 0;
}
