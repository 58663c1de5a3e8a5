#pragma once

// The daemon's command-line settings, with the defaults of common/paths.h. Parsed once in run();
// constant afterwards.

#include "common/result.h"

#include <cstddef>
#include <optional>
#include <string>

namespace vhtask::daemon::app {

struct Options {
  std::string state_dir;  // --state-dir, $VHTASK_STATE_DIR, XDG default
  std::string socket;     // --socket, $VHTASK_SOCKET, XDG default
  std::string db;         // --db; default STATE_DIR/vhtask.db
  std::string log_dir;    // --log-dir; default STATE_DIR/executions (one directory each)
  std::string log_level = "info";
  std::size_t parallel = 0;        // --parallel; 0 means the number of CPUs
  int grace_seconds = 10;          // --grace: SIGTERM, then SIGKILL this much later
  std::string executor = "local";  // --executor: tasks' default executor (local or slurm)
  bool foreground = false;         // --foreground: stay attached (the default when stderr is a TTY)
  bool show_version = false;
};

// Parses argv. Error::invalid_argument (with CLI11's message and a hint) for bad flags; a request
// for --help prints it and returns nullopt.
Result<std::optional<Options>> parse_options(int argc, char** argv);

}  // namespace vhtask::daemon::app
