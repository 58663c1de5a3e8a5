#pragma once

// Starting the command inside vhtask-supervise: the fork, the child's set-up and the exec, with
// exec failures reported back over a close-on-exec pipe. Internal to vhtask-supervise
// (supervisor/supervisor.h); single-threaded, called from the supervisor's main thread only.

#include <optional>
#include <string>
#include <sys/types.h>

namespace vhtask::supervisor {

// The shell that runs a command script: /bin/bash, or /bin/sh where there is no bash (spec 2.3
// item 5: one session for the whole script, no `set -e`, the last line's status).
std::string script_shell();

// What the child runs: `SHELL -c command` (SHELL from script_shell()), or, when the command
// starts with "#!", the script file that holds it (written beforehand by the supervisor), so its
// first line names the interpreter.
struct ChildSpec {
  std::string command;
  std::string shell = "/bin/sh";  // runs `command` when script_path is empty
  std::string script_path;        // absolute; empty: run through `shell -c`
  std::string cwd;                // empty: inherit
  int log_fd = -1;                // becomes the child's stdout and stderr
};

// A forked child, and the read end of its close-on-exec report pipe (owned by the caller until
// read_exec_failure closes it).
struct StartedChild {
  pid_t pid = -1;
  int report_fd = -1;
};

// Forks and execs the child in its own process group, stdin /dev/null, stdout+stderr on
// log_fd, signal mask empty and every disposition default. Returns as soon as the fork did,
// without waiting for the exec (one wake-up less per execution): the exec's outcome is read
// once the child has exited. Returns nullopt with errno set when fork itself failed.
std::optional<StartedChild> start_child(const ChildSpec& spec);

// Call only after the child has exited (so the pipe's write end is closed and the read cannot
// block): "cannot execute /bin/bash: ..." when the child could not change directory or exec (it
// then exited with status 127), nullopt when the exec succeeded. Closes child.report_fd.
std::optional<std::string> read_exec_failure(StartedChild& child, const ChildSpec& spec);

}  // namespace vhtask::supervisor
