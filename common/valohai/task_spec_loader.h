#pragma once

// Reading task specifications (spec section 3): `- task:` items of valohai.yaml, and grid files
// given with `vhtask start --grid`, which hold the same fields, all optional, as a top-level
// mapping. Pure functions of their input; thread-safe.
//
// Only the task itself is checked here: field types, task type, variant styles and their rules
// (with the spec's messages, e.g. "End must be greater than or equal to start."). Whether the
// listed parameters exist in the step, and typing the values, belong to task expansion
// (variants.h).

#include "common/diagnostic.h"
#include "common/valohai/config.h"
#include "common/yaml/yaml_reader.h"

#include <optional>
#include <string>
#include <string_view>

namespace vhtask::common::valohai {

struct LoadedTaskSpec {
  TaskSpec spec;            // everything that could be read; meaningful only without errors
  Diagnostics diagnostics;  // errors and warnings, each with file:line:column
};

// Parses a grid file. Never throws, never crashes on any input: every problem (broken YAML,
// binary junk, an empty file, a top level that is not a mapping) becomes an error diagnostic.
LoadedTaskSpec load_task_spec(std::string_view text, const std::string& file);

// Where a task mapping comes from: a blueprint must have `name` and `step`, a grid file need not.
enum class TaskSpecSource { blueprint, grid_file };

// Reads a task mapping (a `- task:` item's value or a grid file's top level) through `reader`.
// Keys are kebab-case; snake_case spellings are accepted too, as the reference parser does.
// nullopt when `node` is not a mapping; otherwise the task as far as it could be read.
std::optional<TaskSpec> read_task_spec(yaml::YamlReader& reader, const yaml::YamlNode& node,
                                       TaskSpecSource source);

}  // namespace vhtask::common::valohai
