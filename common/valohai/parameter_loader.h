#pragma once

// Reading one `parameters:` entry of a step (spec section 2) and checking it on its own: field
// types, the template syntax of pass-as fields, and the default against type, min, max and
// choices. Used by step_loader.cpp. Pure functions of their input; thread-safe.

#include "common/valohai/config.h"
#include "common/yaml/yaml_reader.h"

#include <optional>
#include <string>
#include <string_view>

namespace vhtask::common::valohai {

// Reads a parameter mapping, reporting every problem through `reader`. nullopt when the entry
// has no usable name (it could not be referred to); otherwise the parameter as far as it could
// be read, also when errors were reported.
std::optional<Parameter> load_parameter(yaml::YamlReader& reader, const yaml::YamlNode& node);

// The first problem of a pass-as / pass-true-as / pass-false-as template, or nullopt when it is
// fine. Templates are Python str.format strings applied to each whitespace-separated word (spec
// 2.3), whose fields may only be `{name}`, `{value}` and `{v}`, each with an optional `:spec`;
// `{{` and `}}` are literal braces.
std::optional<std::string> template_problem(std::string_view text);

}  // namespace vhtask::common::valohai
