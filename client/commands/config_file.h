#pragma once

// Loading the valohai.yaml a command names with -f, reporting problems the way every offline
// command does. Called on the client's main thread.

#include "common/valohai/config_loader.h"

#include <optional>
#include <string>

namespace vhtask::client::commands {

// The default for -f: ./valohai.yaml.
inline const char* const k_default_config = "valohai.yaml";

// Loads `path`; prints every diagnostic to stderr. Returns nullopt (after printing) when the
// file can't be read or has errors; warnings alone don't stop it.
std::optional<common::valohai::LoadedConfig> load_config_or_report(const std::string& path);

// The same, keeping the text that was read and validated, so `start` sends the daemon exactly
// what it checked (the file is read once).
struct ConfigWithText {
  std::string text;
  common::valohai::LoadedConfig loaded;
};
std::optional<ConfigWithText> load_config_text_or_report(const std::string& path);

// Finds `name` in the config; prints "no step NAME in FILE (steps: a, b)" and returns nullptr
// if missing.
const common::valohai::Step* find_step_or_report(const common::valohai::Config& config,
                                                 const std::string& name);

}  // namespace vhtask::client::commands
