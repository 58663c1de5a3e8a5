#pragma once

namespace vhtask::client::app {

// The client's entry point: parses the command line with CLI11 and dispatches to one command.
// Returns the process exit status: 0 success, 1 executions failed (or lint warnings),
// 2 usage or validation error, 3 the daemon can't be reached. Never throws.
int run(int argc, char** argv);

}  // namespace vhtask::client::app
