#include "common/valohai/task_spec_loader.h"

#include "common/expression/stop_condition.h"
#include "common/valohai/variant_loader.h"

#include <algorithm>
#include <cctype>
#include <set>

namespace vhtask::common::valohai {

namespace {

// Task keys are kebab-case; the reference parser also takes snake_case.
std::string kebab(std::string_view text) {
  std::string key(text);
  std::replace(key.begin(), key.end(), '_', '-');
  return key;
}

std::string normalized(std::string s, char from, char to) {
  std::transform(s.begin(), s.end(), s.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  std::replace(s.begin(), s.end(), from, to);
  return s;
}

const yaml::Field* find_field(const std::vector<yaml::Field>& fields, std::string_view key) {
  for (const yaml::Field& f : fields) {
    if (kebab(f.key) == key) {
      return &f;
    }
  }
  return nullptr;
}

void read_type(yaml::YamlReader& r, const yaml::Field& f, TaskSpec& spec) {
  const auto text = r.string(f);
  if (!text) {
    return;
  }
  const std::string t = normalized(*text, '-', '_');
  for (auto type : {TaskType::grid_search, TaskType::random_search, TaskType::manual_search,
                    TaskType::bayesian_tpe}) {
    if (t == to_string(type)) {
      spec.type = type;
      return;
    }
  }
  if (t == "distributed") {
    // Valid for the reference; vhtask does not run it (config_loader.cpp skips the blueprint).
    spec.unsupported_type = t;
    return;
  }
  r.error(r.mark(f), "unknown task type '" + *text +
                         "' (expected grid_search, random_search, manual_search, "
                         "bayesian_tpe or distributed)");
}

void read_on_child_error(yaml::YamlReader& r, const yaml::Field& f, TaskSpec& spec) {
  const auto text = r.string(f);
  if (!text) {
    return;
  }
  const std::string e = normalized(*text, '_', '-');
  for (auto mode : {OnChildError::continue_and_complete, OnChildError::continue_and_error,
                    OnChildError::stop_all_and_error}) {
    if (e == to_string(mode)) {
      spec.on_child_error = mode;
      return;
    }
  }
  r.error(r.mark(f), "unknown `on-child-error` '" + *text +
                         "' (expected continue-and-complete, continue-and-error or "
                         "stop-all-and-error)");
}

std::optional<std::int64_t> positive(yaml::YamlReader& r, const yaml::Field& f) {
  auto n = r.integer(f);
  if (n && *n < 1) {
    r.error(r.mark(f), "`" + std::string(f.key) + "` must be at least 1");
    return std::nullopt;
  }
  return n;
}

void read_variants(yaml::YamlReader& r, const yaml::Field& f, TaskSpec& spec) {
  std::set<std::string> names;
  for (const yaml::YamlNode* item : r.items(*f.value)) {
    if (r.stopped()) {
      return;
    }
    auto variant = load_variant(r, *item);
    if (variant && !names.insert(variant->name).second) {
      r.error(variant->mark, "parameter '" + variant->name + "' is listed twice in the task");
    } else if (variant) {
      spec.parameters.push_back(std::move(*variant));
    }
  }
}

void read_parameter_sets(yaml::YamlReader& r, const yaml::Field& f, TaskSpec& spec) {
  for (const yaml::YamlNode* item : r.items(*f.value)) {
    if (!item->is_map()) {
      r.error(r.mark(*item), "`parameter-sets` items must be mappings of parameter values, not " +
                                 r.describe(*item));
      continue;
    }
    std::vector<std::pair<std::string, Value>> row;
    for (const yaml::Field& cell : r.fields(*item)) {
      if (auto v = r.value(*cell.value)) {
        row.emplace_back(std::string(cell.key), std::move(*v));
      }
    }
    if (!row.empty()) {  // the reference drops empty sets
      spec.parameter_sets.push_back(std::move(row));
    }
  }
}

// Lint notes the reference gives for fields that do nothing with the task's type.
void warn_unused(yaml::YamlReader& r, const std::vector<yaml::Field>& fields,
                 const TaskSpec& spec) {
  for (const yaml::Field& f : fields) {
    const std::string k = kebab(f.key);
    if (k == "parameter-sets" && spec.type != TaskType::manual_search) {
      r.warning(r.mark(*f.key_node), "`parameter-sets` only make sense with manual_search tasks");
    }
    if ((k == "engine" || k == "optimization-target-metric" || k == "optimization-target-value") &&
        spec.type != TaskType::bayesian_tpe) {
      r.warning(r.mark(*f.key_node), "`" + k + "` only makes sense for bayesian_tpe tasks");
    }
  }
}

}  // namespace

std::optional<TaskSpec> read_task_spec(yaml::YamlReader& r, const yaml::YamlNode& node,
                                       TaskSpecSource source) {
  TaskSpec spec;
  spec.mark = r.mark(node);
  if (!node.is_map()) {
    r.error(spec.mark, "a task must be a mapping of task fields, not " + r.describe(node));
    return std::nullopt;
  }
  const std::vector<yaml::Field> fields = r.fields(node);
  bool has_name = false;
  bool has_step = false;
  for (const yaml::Field& f : fields) {
    const std::string k = kebab(f.key);
    if (k == "name") {
      spec.name = r.string(f).value_or("");
      has_name = !f.value->is_null();
    } else if (k == "step") {
      spec.step = r.string(f).value_or("");
      has_step = !f.value->is_null();
    } else if (k == "type") {
      read_type(r, f, spec);
    } else if (k == "parameters") {
      if (r.expect_list(f)) {
        read_variants(r, f, spec);
      }
    } else if (k == "parameter-sets") {
      if (r.expect_list(f)) {
        read_parameter_sets(r, f, spec);
      }
    } else if (k == "execution-count") {
      spec.execution_count = positive(r, f);
    } else if (k == "maximum-queued-executions") {
      spec.maximum_queued_executions = positive(r, f);
    } else if (k == "execution-batch-size") {
      spec.execution_batch_size = positive(r, f);
    } else if (k == "on-child-error") {
      read_on_child_error(r, f, spec);
    } else if (k == "stop-condition") {
      spec.stop_condition = r.string(f);
      if (spec.stop_condition) {
        // Malformed: "FILE:LINE: error: stop-condition: column N: ..." (N within the expression).
        if (auto parsed = expression::StopCondition::parse(*spec.stop_condition); !parsed) {
          Mark line = r.mark(f);
          line.column = 0;
          r.error(line, "stop-condition: " + parsed.error().message);
        }
      }
    } else if (k == "optimization-target-metric") {
      spec.optimization_target_metric = r.string(f);
    } else if (k == "optimization-target-value") {
      if (auto n = r.number(f)) {
        spec.optimization_target_value = n->value;
      }
    } else if (k == "engine") {
      spec.engine = r.string(f);
    } else if (k == "reuse-children") {
      spec.reuse_children = r.boolean(f);
    } else if (k == "description") {
      spec.description = r.string(f).value_or("");
    } else {
      r.error(r.mark(*f.key_node),
              "unknown field `" + std::string(f.key) + "` in " +
                  (source == TaskSpecSource::grid_file ? "a grid file" : "a task"));
    }
  }
  warn_unused(r, fields, spec);
  if (source == TaskSpecSource::grid_file && spec.unsupported_type) {
    r.error(r.mark(*find_field(fields, "type")),
            "task type '" + *spec.unsupported_type + "' is not run by vhtask");
  }
  if (source == TaskSpecSource::blueprint) {
    const bool has_parameters = find_field(fields, "parameters") != nullptr ||
                                find_field(fields, "parameter-sets") != nullptr;
    if (has_name && has_step && !has_parameters) {
      // The reference's schema: `anyOf: [required: parameters, required: parameter-sets]`.
      r.error(spec.mark, "task '" + spec.name + "' needs `parameters` or `parameter-sets`");
    }
    if (!has_name) {
      r.error(spec.mark, "task is missing `name`");
    }
    if (!has_step) {
      r.error(spec.mark,
              (has_name ? "task '" + spec.name + "'" : std::string("task")) + " is missing `step`");
    }
  }
  return spec;
}

LoadedTaskSpec load_task_spec(std::string_view text, const std::string& file) {
  LoadedTaskSpec out;
  yaml::YamlReader reader(file, text, out.diagnostics);
  const auto root = reader.parse();
  if (!root) {
    return out;
  }
  if (root->is_null()) {
    if (out.diagnostics.has_errors()) {
      return out;
    }
    reader.error(reader.start_of_file(),
                 "file is empty (a grid file is a mapping of task fields such as `parameters`)");
    return out;
  }
  if (!root->is_map()) {
    reader.error(reader.mark(*root),
                 "a grid file must be a mapping of task fields (parameters, type, ...), not " +
                     reader.describe(*root));
    return out;
  }
  if (auto spec = read_task_spec(reader, *root, TaskSpecSource::grid_file)) {
    out.spec = std::move(*spec);
  }
  return out;
}

}  // namespace vhtask::common::valohai
