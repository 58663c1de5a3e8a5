#include "daemon/spawn_supervisor.h"

#include "daemon/execution_files.h"

#include <cstring>
#include <fcntl.h>
#include <map>
#include <signal.h>
#include <spawn.h>

namespace vhtask::daemon {

namespace {

// posix_spawn's attribute objects, destroyed on every path.
struct SpawnAttributes {
  posix_spawnattr_t attr{};
  posix_spawn_file_actions_t actions{};
  SpawnAttributes() {
    posix_spawnattr_init(&attr);
    posix_spawn_file_actions_init(&actions);
  }
  ~SpawnAttributes() {
    posix_spawn_file_actions_destroy(&actions);
    posix_spawnattr_destroy(&attr);
  }
  SpawnAttributes(const SpawnAttributes&) = delete;
  SpawnAttributes& operator=(const SpawnAttributes&) = delete;
};

std::vector<char*> c_strings(std::vector<std::string>& strings) {
  std::vector<char*> pointers;
  pointers.reserve(strings.size() + 1);
  for (auto& s : strings) {
    pointers.push_back(s.data());
  }
  pointers.push_back(nullptr);
  return pointers;
}

}  // namespace

std::vector<std::string> supervisor_args(const LaunchSpec& spec, const std::string& exec_dir) {
  std::vector<std::string> args;
  if (!spec.cwd.empty()) {
    args.insert(args.end(), {"--cwd", spec.cwd});
  }
  if (spec.time_limit_seconds) {
    args.insert(args.end(), {"--time-limit", std::to_string(*spec.time_limit_seconds)});
  }
  if (spec.no_output_timeout_seconds) {
    args.insert(args.end(),
                {"--no-output-timeout", std::to_string(*spec.no_output_timeout_seconds)});
  }
  args.insert(args.end(), {"--grace", std::to_string(spec.grace_seconds), exec_dir});
  return args;
}

std::vector<std::string> supervisor_env(const LaunchSpec& spec, const std::string& exec_dir) {
  std::map<std::string, std::string> env = spec.env;
  env["VH_OUTPUTS_DIR"] = exec_dir + "/" + execution_files::k_outputs_dir;
  env["VH_INPUTS_DIR"] = exec_dir + "/" + execution_files::k_inputs_dir;
  env["VH_CONFIG_DIR"] = exec_dir + "/" + execution_files::k_config_dir;
  env["VHTASK_TASK_ID"] = std::to_string(spec.task);
  env["VHTASK_EXECUTION_ID"] = std::to_string(spec.id);
  env["VHTASK_SLOT"] = std::to_string(spec.slot);
  std::vector<std::string> entries;
  entries.reserve(env.size());
  for (const auto& [key, value] : env) {
    if (!key.empty() && key.find('=') == std::string::npos) {
      entries.push_back(key + "=" + value);
    }
  }
  return entries;
}

// posix_spawn rather than Boost.Process v2: in Boost 1.81, v2's default launcher on Linux uses
// fork() (copying the daemon's page tables for every execution), leaves the read end of its
// error pipe without O_CLOEXEC, and calls ::exit() in the child when exec fails (running the
// daemon's atexit handlers there). glibc's posix_spawn uses a vfork-style clone, reports exec
// errors synchronously, and supports POSIX_SPAWN_SETSID directly.
Result<pid_t> spawn_supervisor(const std::string& binary, const std::vector<std::string>& args,
                               const std::vector<std::string>& env, const std::string& log_path) {
  SpawnAttributes spawn;
  posix_spawn_file_actions_addopen(&spawn.actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&spawn.actions, STDOUT_FILENO, log_path.c_str(),
                                   O_WRONLY | O_CREAT | O_APPEND, 0600);
  posix_spawn_file_actions_adddup2(&spawn.actions, STDOUT_FILENO, STDERR_FILENO);
  // Blocked from its first instruction on (the supervisor takes them with sigtimedwait), so a
  // stop sent right after start() returns is queued rather than killing the supervisor.
  sigset_t blocked;
  sigemptyset(&blocked);
  sigaddset(&blocked, SIGTERM);
  sigaddset(&blocked, SIGINT);
  sigaddset(&blocked, SIGCHLD);
  sigset_t all;
  sigfillset(&all);
  posix_spawnattr_setsigmask(&spawn.attr, &blocked);
  posix_spawnattr_setsigdefault(&spawn.attr, &all);
  posix_spawnattr_setflags(
      &spawn.attr,
      static_cast<short>(POSIX_SPAWN_SETSID | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF));

  std::vector<std::string> argv_strings{binary};
  argv_strings.insert(argv_strings.end(), args.begin(), args.end());
  std::vector<std::string> env_strings = env;
  const auto argv = c_strings(argv_strings);
  const auto envp = c_strings(env_strings);
  pid_t pid = -1;
  const int rc =
      posix_spawn(&pid, binary.c_str(), &spawn.actions, &spawn.attr, argv.data(), envp.data());
  if (rc != 0) {
    return fail(Error::spawn("cannot start " + binary + ": " + std::strerror(rc)));
  }
  return pid;
}

}  // namespace vhtask::daemon
