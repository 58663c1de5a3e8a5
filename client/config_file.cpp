#include "client/config_file.h"

#include <iostream>

namespace vhtask::client {

std::optional<common::LoadedConfig> load_config_or_report(const std::string& path) {
  auto loaded = common::load_config_file(path);
  if (!loaded) {
    std::cerr << "vhtask: " << loaded.error().message << "\n";
    return std::nullopt;
  }
  std::cerr << loaded->diagnostics.to_string();
  if (loaded->diagnostics.has_errors()) {
    return std::nullopt;
  }
  return std::move(*loaded);
}

const common::Step* find_step_or_report(const common::Config& config, const std::string& name) {
  if (const common::Step* step = config.find_step(name)) {
    return step;
  }
  std::string names;
  for (const auto& s : config.steps) {
    names += (names.empty() ? "" : ", ") + s.name;
  }
  std::cerr << "vhtask: " << config.file << ": no step '" << name << "'"
            << (names.empty() ? std::string(" (the file has no steps)") : " (steps: " + names + ")")
            << "\n";
  return nullptr;
}

}  // namespace vhtask::client
