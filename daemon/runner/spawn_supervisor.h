#pragma once

// Starting a vhtask-supervise process and building its command line and environment from a
// LaunchSpec. Internal to SupervisedRunner (daemon/runner/supervised_runner.h); plain functions,
// called on the runner's io_context thread.

#include "common/result.h"
#include "daemon/runner/runner.h"

#include <string>
#include <sys/types.h>
#include <vector>

namespace vhtask::daemon::runner {

// vhtask-supervise's arguments (after argv[0]) for spec, with exec_dir already absolute.
std::vector<std::string> supervisor_args(const LaunchSpec& spec, const std::string& exec_dir);

// "KEY=VALUE" entries: spec.env plus PYTHONUNBUFFERED=1, VH_REPOSITORY_DIR (spec.cwd, the
// project directory), VH_OUTPUTS_DIR, VH_INPUTS_DIR, VH_CONFIG_DIR, VHTASK_TASK_ID,
// VHTASK_EXECUTION_ID and VHTASK_SLOT (these replace any given ones). Keys that
// are empty or contain '=' are dropped: no environment can carry them.
std::vector<std::string> supervisor_env(const LaunchSpec& spec, const std::string& exec_dir);

// Starts `binary args...` (fork and exec) with exactly `env`, in a new session (setsid), with stdin
// /dev/null, stdout+stderr appended to log_path, default dispositions, and SIGTERM, SIGINT and
// SIGCHLD blocked (vhtask-supervise's own mask; its command gets an empty one). Returns its pid;
// the caller must watch and reap it. Error::spawn with the reason otherwise.
Result<pid_t> spawn_supervisor(const std::string& binary, const std::vector<std::string>& args,
                               const std::vector<std::string>& env, const std::string& log_path);

}  // namespace vhtask::daemon::runner
