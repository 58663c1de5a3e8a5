#pragma once

// Reading one entry of a task's `parameters:` list, `{name, style, rules}` (spec section 3),
// with the rules each style takes and the spec's checks on them. Used by task_spec_loader.cpp.
// Pure functions of their input; thread-safe.

#include "common/valohai/config.h"
#include "common/yaml/yaml_reader.h"

#include <optional>

namespace vhtask::common::valohai {

// Reads a variant mapping, reporting every problem through `reader`, each message starting with
// "parameter '<name>': ". Rules by style (plus `integerify` for all):
//   single {value}, multiple {items}, linear {start, end, step},
//   logspace {start, end, count, base = 10; min/max alias start/end},
//   random {min, max, count, distribution = uniform, seed}.
// Checks: unknown fields and rules, missing rules, `End must be greater than or equal to start.`,
// step > 0, count >= 1, base > 0, min <= max and min > 0 for the log distributions (our rules
// beyond the spec's). nullopt when the entry is not a mapping or has no name.
std::optional<VariantSpec> load_variant(yaml::YamlReader& reader, const yaml::YamlNode& node);

}  // namespace vhtask::common::valohai
