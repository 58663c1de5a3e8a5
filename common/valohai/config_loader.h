#pragma once

// Loading valohai.yaml into the typed model of config.h, with every problem reported as a
// Diagnostic carrying file:line:column. Pure functions of their input; thread-safe.

#include "common/diagnostic.h"
#include "common/result.h"
#include "common/valohai/config.h"

#include <string>
#include <string_view>

namespace vhtask::common::valohai {

struct LoadedConfig {
  Config config;            // everything that could be read; meaningful only without errors
  Diagnostics diagnostics;  // errors and lint warnings, in file order
};

// Parses valohai.yaml text. Never throws, never crashes on any input (broken YAML, binary junk,
// deep nesting, huge files): every problem becomes an error diagnostic naming `file` and a line.
LoadedConfig load_config(std::string_view text, const std::string& file);

// Reads and parses a file. Error::io when it can't be read.
Result<LoadedConfig> load_config_file(const std::string& path);

}  // namespace vhtask::common::valohai
