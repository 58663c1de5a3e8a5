#include "client/commands/config_file.h"

#include "client/view/terminal_text.h"

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>

namespace vhtask::client::commands {

std::optional<common::valohai::LoadedConfig> load_config_or_report(const std::string& path) {
  auto loaded = common::valohai::load_config_file(path);
  if (!loaded) {
    std::cerr << "vhtask: " << view::escape_controls_keep_newlines(loaded.error().message) << "\n";
    return std::nullopt;
  }
  // Warnings and errors only: notes are `lint`'s advice, not repeated on every command.
  std::cerr << view::escape_controls_keep_newlines(
      loaded->diagnostics.to_string(common::Diagnostic::Severity::warning));
  if (loaded->diagnostics.has_errors()) {
    return std::nullopt;
  }
  return std::move(*loaded);
}

std::optional<ConfigWithText> load_config_text_or_report(const std::string& path) {
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) {
    std::cerr << "vhtask: cannot read " << path << ": it is a directory\n";
    return std::nullopt;
  }
  std::ifstream in(path, std::ios::binary);
  std::ostringstream buffer;
  if (in) {
    buffer << in.rdbuf();
  }
  if (!in || in.bad()) {
    std::cerr << "vhtask: cannot read " << path << ": " << std::strerror(errno) << "\n";
    return std::nullopt;
  }
  ConfigWithText result{buffer.str(), {}};
  result.loaded = common::valohai::load_config(result.text, path);
  std::cerr << view::escape_controls_keep_newlines(
      result.loaded.diagnostics.to_string(common::Diagnostic::Severity::warning));
  if (result.loaded.diagnostics.has_errors()) {
    return std::nullopt;
  }
  return result;
}

const common::valohai::Step* find_step_or_report(const common::valohai::Config& config,
                                                 const std::string& name) {
  if (const common::valohai::Step* step = config.find_step(name)) {
    return step;
  }
  std::string names;
  for (const auto& s : config.steps) {
    names += (names.empty() ? "" : ", ") + s.name;
  }
  std::cerr << "vhtask: " << view::escape_controls(config.file) << ": no step '"
            << view::escape_controls(name) << "'"
            << (names.empty() ? std::string(" (the file has no steps)")
                              : " (steps: " + view::escape_controls(names) + ")")
            << "\n";
  return nullptr;
}

}  // namespace vhtask::client::commands
