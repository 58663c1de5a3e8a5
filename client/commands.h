#pragma once

// The client's subcommands. Each register_* adds one subcommand to the CLI11 app; when the user
// picks it, its callback runs and stores the process exit status in `exit_code`.
// Exit statuses: 0 success; 1 worked but something failed (executions, or lint warnings);
// 2 usage or validation error; 3 the daemon can't be reached.

#include <CLI/CLI.hpp>

namespace vhtask::client {

inline constexpr int k_exit_ok = 0;
inline constexpr int k_exit_failed = 1;
inline constexpr int k_exit_usage = 2;
inline constexpr int k_exit_unreachable = 3;

void register_lint(CLI::App& app, int& exit_code);
void register_render(CLI::App& app, int& exit_code);
void register_start(CLI::App& app, int& exit_code);

}  // namespace vhtask::client
