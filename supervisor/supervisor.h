#pragma once

// vhtask-supervise: the small per-execution process that sits between the daemon and one
// command, so that an execution's limits, its log and its outcome never depend on a daemon
// being alive. The daemon starts one per execution in a new session
// (daemon/runner/supervised_runner.h) and may die, restart and reattach at any time; the supervisor
//
//   1. opens EXEC_DIR/output.log and forks the command into its own process group (stdin
//      /dev/null, stdout+stderr on the log, empty signal mask, default dispositions);
//   2. writes EXEC_DIR/supervisor.json (its own and the child's pid + start time);
//   3. waits, enforcing --time-limit and --no-output-timeout and turning a SIGTERM into a stop
//      (SIGTERM to the child's group, SIGKILL after --grace);
//   4. kills what is left of the child's process group, writes EXEC_DIR/status.json and exits 0.
//
// It exits non-zero only when it could not do its job (bad arguments, unusable EXEC_DIR); then
// there is no status.json and a message is on its stderr. Before starting the command it reserves
// the blocks of its status.json, so the outcome can be written even after the command filled the
// disk; when even that reservation finds no space it starts nothing and exits
// k_supervise_exit_no_space (the daemon starts the execution again later). Files and fields:
// schema/execution-dir.md.
//
// Plain POSIX, no Asio, single-threaded: the whole program is supervise_main() on the main
// thread, waiting in sigtimedwait() with SIGCHLD/SIGTERM/SIGINT blocked.

#include "common/result.h"

#include <chrono>
#include <optional>
#include <string>
#include <vector>

namespace vhtask::supervisor {

// The command line of vhtask-supervise:
//   vhtask-supervise [--cwd DIR] [--time-limit S] [--no-output-timeout S] [--grace S] EXEC_DIR
// S is a number of seconds (a decimal fraction is allowed). The command text is read from
// EXEC_DIR/command rather than taken as an argument, so its size is not limited by the kernel's
// 128 KiB cap on one argument, and the directory records what was run.
struct SuperviseOptions {
  std::string exec_dir;
  std::string cwd;  // empty: the supervisor's own working directory
  std::optional<std::chrono::milliseconds> time_limit;
  std::optional<std::chrono::milliseconds> no_output_timeout;
  std::chrono::milliseconds grace{10'000};
};

// The exit status of a vhtask-supervise that found no space to record an outcome, so did not
// start the command (EX_TEMPFAIL).
inline constexpr int k_supervise_exit_no_space = 75;

// Parses argv[1..]; Error::invalid_argument names the bad option.
Result<SuperviseOptions> parse_supervise_args(const std::vector<std::string>& args);

// The whole program (supervisor/supervise_main.cpp). Returns the process exit status.
int supervise_main(int argc, char** argv);

}  // namespace vhtask::supervisor
