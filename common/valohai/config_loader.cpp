#include "common/valohai/config_loader.h"

#include "common/valohai/other_items.h"
#include "common/valohai/step_loader.h"
#include "common/valohai/task_spec_loader.h"
#include "common/yaml/yaml_reader.h"

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <unordered_map>

namespace vhtask::common::valohai {

namespace {

// Adds `item` to `items` by name; a name seen before is replaced where it stood (a Python dict
// keeps the first position and the last value), with a warning.
template <class T>
void add_by_name(yaml::YamlReader& r, std::vector<T>& items,
                 std::unordered_map<std::string, std::size_t>& index, T item, const char* what) {
  auto [it, inserted] = index.emplace(item.name, items.size());
  if (inserted) {
    items.push_back(std::move(item));
    return;
  }
  T& earlier = items[it->second];
  r.warning(item.mark, std::string("duplicate ") + what + " name '" + item.name +
                           "'; this one replaces the one at line " +
                           std::to_string(earlier.mark.line) + " (the later one wins)");
  earlier = std::move(item);
}

std::string item_keys(const std::vector<yaml::Field>& fields) {
  std::string out;
  for (const yaml::Field& f : fields) {
    out += (out.empty() ? "" : ", ") + std::string(f.key);
  }
  return out.empty() ? "none" : out;
}

void read_items(yaml::YamlReader& r, const yaml::YamlNode& root, Config& config) {
  std::unordered_map<std::string, std::size_t> steps;
  std::unordered_map<std::string, std::size_t> tasks;
  for (const yaml::YamlNode* item : r.items(root)) {
    if (r.stopped()) {
      return;
    }
    if (!item->is_map()) {
      r.error(r.mark(*item),
              "each item must be a mapping such as `- step: {...}`, not " + r.describe(*item));
      continue;
    }
    // As the reference: the first known key of the item decides its kind (step, task,
    // endpoint, pipeline/blueprint, deployment, in that order); the rest are not read.
    const std::vector<yaml::Field> fields = r.fields(*item);
    const yaml::Field* chosen = nullptr;
    for (const char* kind : {"step", "task", "endpoint", "pipeline", "blueprint", "deployment"}) {
      for (const yaml::Field& f : fields) {
        if (chosen == nullptr && f.key == kind) {
          chosen = &f;
        }
      }
    }
    if (chosen == nullptr) {
      // The reference's schema accepts any mapping here, and its parser warns.
      r.warning(r.mark(*item), "no parser for this item (keys: " + item_keys(fields) +
                                   "; expected step, task, endpoint, pipeline or deployment)");
      continue;
    }
    const yaml::Field& f = *chosen;
    if (f.key == "step") {
      if (auto step = load_step(r, *f.value)) {
        add_by_name(r, config.steps, steps, std::move(*step), "step");
      }
    } else if (f.key == "task") {
      auto task = read_task_spec(r, *f.value, TaskSpecSource::blueprint);
      if (task && task->unsupported_type) {
        // Valid, but not a search vhtask runs: skipped; `start --task` on it is the error.
        r.info(task->mark, "task '" + task->name + "' is of type " + *task->unsupported_type +
                               "; vhtask skips it");
        config.skipped_tasks.push_back({task->name, *task->unsupported_type, task->mark});
      } else if (task && !task->name.empty()) {
        add_by_name(r, config.tasks, tasks, std::move(*task), "task");
      }
    } else if (f.key == "deployment") {
      check_deployment(r, *f.value);
    } else if (f.key == "endpoint") {
      check_endpoint(r, *f.value);
      r.info(r.mark(*f.key_node), "`endpoint` items are not run by vhtask; skipped");
    } else {
      r.info(r.mark(*f.key_node),
             "`" + std::string(f.key) + "` items are not run by vhtask; skipped");
    }
  }
}

}  // namespace

LoadedConfig load_config(std::string_view text, const std::string& file) {
  LoadedConfig out;
  out.config.file = file;
  yaml::YamlReader reader(file, text, out.diagnostics);
  const auto root = reader.parse();
  if (!root) {
    return out;
  }
  if (root->is_null()) {
    if (out.diagnostics.has_errors()) {
      return out;  // e.g. a stray `,` ended an empty first document
    }
    const bool blank = text.find_first_not_of(" \t\r\n") == std::string_view::npos;
    reader.error(reader.start_of_file(),
                 std::string(blank ? "file is empty"
                                   : "file is empty: nothing but comments or an empty document") +
                     " (expected a YAML list of `- step:` items)");
    return out;
  }
  if (!root->is_sequence()) {
    reader.error(reader.mark(*root),
                 "the top level must be a list of items such as "
                 "`- step: {...}`, not " +
                     reader.describe(*root));
    return out;
  }
  read_items(reader, *root, out.config);
  return out;
}

Result<LoadedConfig> load_config_file(const std::string& path) {
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) {
    return Error::io("cannot read " + path + ": it is a directory");
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return Error::io("cannot read " + path + ": " + std::strerror(errno));
  }
  std::ostringstream buffer;
  buffer << in.rdbuf();
  if (in.bad()) {
    return Error::io("cannot read " + path + ": " + std::strerror(errno));
  }
  return load_config(buffer.str(), path);
}

}  // namespace vhtask::common::valohai
