#pragma once

// Starting the command inside vhtask-supervise: the fork, the child's set-up and the exec, with
// exec failures reported back over a close-on-exec pipe. Internal to vhtask-supervise
// (daemon/supervisor.h); single-threaded, called from the supervisor's main thread only.

#include <optional>
#include <string>
#include <sys/types.h>

namespace vhtask::daemon {

// What the child runs: `/bin/sh -c command`, or, when the command starts with "#!", the script
// file that holds it (written beforehand by the supervisor).
struct ChildSpec {
  std::string command;
  std::string script_path;  // absolute; empty: run through /bin/sh -c
  std::string cwd;          // empty: inherit
  int log_fd = -1;          // becomes the child's stdout and stderr
};

// A forked child. `exec_error` is set when the child could not change directory or exec; it has
// then already exited with status 127 (still to be reaped).
struct StartedChild {
  pid_t pid = -1;
  std::optional<std::string> exec_error;  // "cannot execute /bin/sh: ..." and the like
};

// Forks and execs the child in its own process group, stdin /dev/null, stdout+stderr on
// log_fd, signal mask empty and every disposition default. Returns the child, or nullopt with
// errno set when fork itself failed.
std::optional<StartedChild> start_child(const ChildSpec& spec);

}  // namespace vhtask::daemon
