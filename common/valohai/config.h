#pragma once

// The typed valohai.yaml model: a Config holds steps and task blueprints, as loaded by
// config_loader.h. Plain value types; no thread restrictions. See ../shared/valohai-spec.md.

#include "common/diagnostic.h"
#include "common/value.h"

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace vhtask::common::valohai {

enum class ParameterType { string, integer, float_, flag };
enum class MultipleMode { none, repeat, separate };

// "string", "integer", "float", "flag".
const char* to_string(ParameterType t);

// One `parameters:` entry of a step.
struct Parameter {
  std::string name;
  ParameterType type = ParameterType::string;
  std::optional<std::string> pass_as;        // template; unset means the type's default
  std::optional<std::string> pass_true_as;   // flags only
  std::optional<std::string> pass_false_as;  // flags only
  std::optional<Value> default_value;        // as YAML typed it; a list when multiple
  bool optional = false;
  std::optional<Value> min;
  std::optional<Value> max;
  std::optional<ValueList> choices;
  MultipleMode multiple = MultipleMode::none;
  std::string multiple_separator = ",";
  std::string description;
  Mark mark;  // where the entry starts

  // A flag is always optional; other types only when `optional: true`.
  bool is_optional() const { return optional || type == ParameterType::flag; }
};

struct EnvironmentVariable {
  std::string name;
  std::optional<std::string> default_value;
  bool optional = true;
  std::string description;
};

// One `- step:` item. `command` is the list of command items (a string command is a list of one).
struct Step {
  std::string name;
  std::string image;
  std::vector<std::string> command;
  std::string description;
  std::vector<Parameter> parameters;  // in definition order
  std::vector<EnvironmentVariable> environment_variables;
  std::optional<std::string> source_path;
  std::optional<std::int64_t> time_limit_seconds;
  std::optional<std::int64_t> no_output_timeout_seconds;
  // `stop-condition` as written (checked by the loader with StopCondition::parse, so it parses
  // whenever the config has no errors) and where its value starts.
  std::optional<std::string> stop_condition;
  Mark stop_condition_mark;
  Mark mark;

  const Parameter* find_parameter(const std::string& name) const;
};

// A variant style of a task parameter (spec section 3).
enum class VariantStyle { single, multiple, linear, logspace, random };
enum class Distribution { uniform, loguniform, normal, lognormal };
enum class TaskType { grid_search, random_search, manual_search, bayesian_tpe };
enum class OnChildError { continue_and_complete, continue_and_error, stop_all_and_error };

const char* to_string(TaskType t);
const char* to_string(OnChildError e);

// One entry of a task's `parameters:` list, with its rules.
struct VariantSpec {
  std::string name;
  VariantStyle style = VariantStyle::single;
  std::optional<Value> value;         // single
  std::optional<ValueList> items;     // multiple
  std::optional<Number> start;        // linear, logspace
  std::optional<Number> end;          // linear, logspace
  std::optional<Number> step;         // linear
  std::optional<std::int64_t> count;  // logspace, random
  std::optional<Number> base;         // logspace (default 10)
  std::optional<Number> min;          // random
  std::optional<Number> max;          // random
  Distribution distribution = Distribution::uniform;
  std::optional<std::uint64_t> seed;  // random
  bool integerify = false;
  Mark mark;
};

// A `- task:` blueprint, or a grid file (which has the same fields, all optional).
struct TaskSpec {
  std::string name;
  std::string step;  // empty in a grid file: the step comes from the command line
  TaskType type = TaskType::grid_search;
  std::vector<VariantSpec> parameters;
  std::vector<std::vector<std::pair<std::string, Value>>> parameter_sets;  // manual_search
  std::optional<std::int64_t> execution_count;
  std::optional<std::int64_t> maximum_queued_executions;
  OnChildError on_child_error = OnChildError::continue_and_complete;
  std::optional<std::string> stop_condition;
  std::optional<std::string> optimization_target_metric;
  std::optional<Value> optimization_target_value;
  std::optional<std::string> engine;
  std::optional<std::int64_t> execution_batch_size;
  std::optional<bool> reuse_children;
  std::string description;
  // A type the reference accepts but vhtask does not run ("distributed"); `type` is then left
  // at its default and the blueprint is not in Config::tasks but in Config::skipped_tasks.
  std::optional<std::string> unsupported_type;
  Mark mark;
};

// A `- task:` blueprint that is valid but not run by vhtask (its type), kept so that
// `start --task NAME` can say so clearly.
struct SkippedTask {
  std::string name;
  std::string type;
  Mark mark;
};

// A whole valohai.yaml.
struct Config {
  std::string file;  // the path it was read from, for diagnostics
  std::vector<Step> steps;
  std::vector<TaskSpec> tasks;
  std::vector<SkippedTask> skipped_tasks;  // valid blueprints vhtask does not run

  const Step* find_step(const std::string& name) const;
  const TaskSpec* find_task(const std::string& name) const;
  const SkippedTask* find_skipped_task(const std::string& name) const;
};

}  // namespace vhtask::common::valohai
