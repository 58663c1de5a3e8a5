// `vhtask lint [-f FILE] [--verbose]`: every problem in a valohai.yaml, as
// FILE:LINE:COL: error|warning|note: MSG. Exit 2 with errors, 1 with warnings only (the
// reference's verdict); notes (vhtask-only advice) keep the status; --verbose adds `info` lines
// (items vhtask skips).

#include "client/commands/commands.h"
#include "common/valohai/config_loader.h"

#include <iostream>
#include <memory>

namespace vhtask::client::commands {

namespace {

struct LintOptions {
  std::string file = "valohai.yaml";
  bool verbose = false;
};

int run_lint(const LintOptions& opts) {
  auto loaded = common::valohai::load_config_file(opts.file);
  if (!loaded) {
    std::cerr << "vhtask: " << loaded.error().message << "\n";
    return rpc::k_exit_usage;
  }
  std::cout << loaded->diagnostics.to_string(opts.verbose ? common::Diagnostic::Severity::info
                                                          : common::Diagnostic::Severity::note);
  if (loaded->diagnostics.has_errors()) {
    return rpc::k_exit_usage;
  }
  return loaded->diagnostics.has_warnings() ? rpc::k_exit_failed : rpc::k_exit_ok;
}

}  // namespace

void register_lint(CLI::App& app, int& exit_code) {
  auto opts = std::make_shared<LintOptions>();
  CLI::App* cmd = app.add_subcommand(
      "lint", "Check a valohai.yaml; exit 0 when clean, 1 with warnings only, 2 with errors");
  cmd->add_option("-f,--file", opts->file, "The valohai.yaml to check")->capture_default_str();
  cmd->add_flag("-v,--verbose", opts->verbose,
                "Also list the items vhtask skips (pipelines, endpoints, deployments, ...)");
  cmd->callback([opts, &exit_code] { exit_code = run_lint(*opts); });
}

}  // namespace vhtask::client::commands
