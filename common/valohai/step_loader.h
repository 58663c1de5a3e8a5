#pragma once

// Reading one `- step:` item of valohai.yaml (spec section 1) with its parameters and
// environment variables. Used by config_loader.cpp. Pure functions of their input; thread-safe.

#include "common/valohai/config.h"
#include "common/yaml/yaml_reader.h"

#include <optional>

namespace vhtask::common::valohai {

// Reads a step mapping, reporting every problem through `reader`: unknown fields, wrong types,
// missing `name`/`image`/`command`, duplicate parameter or environment variable names, bad
// durations. nullopt when the step is not a mapping or has no name; otherwise the step as far
// as it could be read, also when errors were reported.
std::optional<Step> load_step(yaml::YamlReader& reader, const yaml::YamlNode& node);

}  // namespace vhtask::common::valohai
