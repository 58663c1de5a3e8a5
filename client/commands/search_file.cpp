#include "client/commands/search_file.h"

#include "client/commands/config_file.h"
#include "client/view/terminal_text.h"
#include "common/valohai/task_spec_loader.h"

#include <fstream>
#include <iostream>
#include <sstream>

namespace vhtask::client::commands {

namespace {

std::optional<std::string> read_text(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    std::cerr << "vhtask: cannot read grid file " << view::escape_controls(path) << "\n";
    return std::nullopt;
  }
  std::ostringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

}  // namespace

std::optional<Search> load_search_or_report(const std::string& config_file,
                                            const std::string& step_name,
                                            const std::string& grid_file,
                                            const std::string& task_name) {
  auto loaded = load_config_text_or_report(config_file);
  if (!loaded) {
    return std::nullopt;
  }
  Search search;
  search.config = std::move(loaded->loaded);
  search.config_text = std::move(loaded->text);
  std::string wanted_step = step_name;
  if (!task_name.empty()) {
    const common::valohai::TaskSpec* task = search.config.config.find_task(task_name);
    if (const auto* skipped = search.config.config.find_skipped_task(task_name);
        task == nullptr && skipped != nullptr) {
      std::cerr << "vhtask: " << view::escape_controls(skipped->mark.to_string()) << ": task '"
                << view::escape_controls(task_name) << "' is of type "
                << view::escape_controls(skipped->type)
                << ", which vhtask cannot run (it runs grid_search, random_search and "
                   "manual_search tasks)\n";
      return std::nullopt;
    }
    if (task == nullptr) {
      std::cerr << "vhtask: " << view::escape_controls(config_file) << ": no task '"
                << view::escape_controls(task_name) << "'\n";
      return std::nullopt;
    }
    if (!step_name.empty() && step_name != task->step) {
      std::cerr << "vhtask: task '" << view::escape_controls(task_name) << "' runs step '"
                << view::escape_controls(task->step) << "', not '"
                << view::escape_controls(step_name) << "'\n";
      return std::nullopt;
    }
    search.spec = *task;
    wanted_step = task->step;
  } else if (!grid_file.empty()) {
    auto text = read_text(grid_file);
    if (!text) {
      return std::nullopt;
    }
    auto grid = common::valohai::load_task_spec(*text, grid_file);
    std::cerr << view::escape_controls_keep_newlines(
        grid.diagnostics.to_string(common::Diagnostic::Severity::warning));
    if (grid.diagnostics.has_errors()) {
      return std::nullopt;
    }
    search.spec = std::move(grid.spec);
    search.grid_text = std::move(*text);
    if (!search.spec.step.empty() && !step_name.empty() && search.spec.step != step_name) {
      std::cerr << "vhtask: " << view::escape_controls(grid_file) << " names step '"
                << view::escape_controls(search.spec.step) << "', not '"
                << view::escape_controls(step_name) << "'\n";
      return std::nullopt;
    }
    if (wanted_step.empty()) {
      wanted_step = search.spec.step;
    }
  }
  if (wanted_step.empty()) {
    std::cerr << "vhtask: name the step to run (vhtask start STEP)\n";
    return std::nullopt;
  }
  search.step = find_step_or_report(search.config.config, wanted_step);
  if (search.step == nullptr) {
    return std::nullopt;
  }
  return search;
}

}  // namespace vhtask::client::commands
