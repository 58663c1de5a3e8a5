#pragma once

// The client's subcommands, one file each (cmd_<name>.cpp). Each register_* adds one subcommand
// to the CLI11 app; when the user picks it, its callback runs and stores the process exit status
// in `exit_code`. Commands that talk to the daemon also read the global options (`global`, see
// client/rpc/global_options.h), which CLI11 has filled by the time a callback runs.
//
// Exit statuses: 0 success; 1 the command worked but something failed (executions, or lint
// warnings); 2 usage or validation error, including a request the daemon refused; 3 the daemon
// can't be reached (or can't serve the command). The constants are client/rpc/failure.h's.

#include "client/rpc/failure.h"
#include "client/rpc/global_options.h"

#include <CLI/CLI.hpp>

namespace vhtask::client::commands {

// Offline: need no daemon.
void register_lint(CLI::App& app, int& exit_code);
void register_render(CLI::App& app, int& exit_code);

// Talk to the daemon (start does so unless --dry-run).
void register_start(CLI::App& app, const rpc::GlobalOptions& global, int& exit_code);
void register_status(CLI::App& app, const rpc::GlobalOptions& global, int& exit_code);
void register_show(CLI::App& app, const rpc::GlobalOptions& global, int& exit_code);
void register_outputs(CLI::App& app, const rpc::GlobalOptions& global, int& exit_code);
void register_compare(CLI::App& app, const rpc::GlobalOptions& global, int& exit_code);
void register_logs(CLI::App& app, const rpc::GlobalOptions& global, int& exit_code);
void register_rerun(CLI::App& app, const rpc::GlobalOptions& global, int& exit_code);
void register_wait(CLI::App& app, const rpc::GlobalOptions& global, int& exit_code);
void register_stop(CLI::App& app, const rpc::GlobalOptions& global, int& exit_code);
void register_parallel(CLI::App& app, const rpc::GlobalOptions& global, int& exit_code);
void register_shutdown(CLI::App& app, const rpc::GlobalOptions& global, int& exit_code);
void register_daemon(CLI::App& app, const rpc::GlobalOptions& global, int& exit_code);

}  // namespace vhtask::client::commands
