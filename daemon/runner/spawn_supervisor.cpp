#include "daemon/runner/spawn_supervisor.h"

#include "daemon/runner/fd_limit.h"
#include "supervisor/execution_files.h"
#include "supervisor/signal_reset.h"

#include <cstring>
#include <fcntl.h>
#include <map>
#include <signal.h>
#include <unistd.h>

namespace vhtask::daemon::runner {

namespace {

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
  // Spec section 5: after the client's environment and the step's variables. Python buffers
  // stdout into a file; unbuffered, its lines and metadata reach the log as they are printed.
  std::map<std::string, std::string> env = spec.env;
  env["PYTHONUNBUFFERED"] = "1";
  if (!spec.cwd.empty()) {
    env["VH_REPOSITORY_DIR"] = spec.cwd;
  }
  env["VH_OUTPUTS_DIR"] = exec_dir + "/" + supervisor::execution_files::k_outputs_dir;
  env["VH_INPUTS_DIR"] = exec_dir + "/" + supervisor::execution_files::k_inputs_dir;
  env["VH_CONFIG_DIR"] = exec_dir + "/" + supervisor::execution_files::k_config_dir;
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

namespace {

// Runs in the forked child of the (single-threaded) daemon: async-signal-safe calls only.
// Exec failures go to stdout/stderr, which is supervisor.log when it could be opened, and end
// in status 127: the runner then reports a supervisor that ended without an outcome, with that
// log line as the reason.
[[noreturn]] void exec_supervisor(const char* binary, char* const* argv, char* const* envp,
                                  const char* log_path, const sigset_t& supervisor_mask,
                                  const char* failure_text, std::size_t failure_size) {
  setsid();
  supervisor::reset_signals(supervisor_mask);
  restore_fd_limit();  // the daemon's raised limit is not the execution's
  const int null_fd = open("/dev/null", O_RDONLY);
  if (null_fd >= 0 && null_fd != STDIN_FILENO) {
    dup2(null_fd, STDIN_FILENO);
    close(null_fd);
  }
  const int log_fd = open(log_path, O_WRONLY | O_CREAT | O_APPEND, 0600);
  if (log_fd >= 0) {
    dup2(log_fd, STDOUT_FILENO);
    dup2(log_fd, STDERR_FILENO);
    if (log_fd > STDERR_FILENO) {
      close(log_fd);
    }
  }
  execve(binary, argv, envp);
  [[maybe_unused]] const ssize_t n = write(STDERR_FILENO, failure_text, failure_size);
  _exit(127);
}

}  // namespace

// fork() rather than posix_spawn: glibc's posix_spawn is a vfork-style clone, so the daemon's
// only thread stood still until the supervisor had been scheduled and had exec'd. On a busy
// machine that was about 10 ms per execution, serialised across every slot (bench/RESULTS.md).
// After fork() the daemon goes on at once; the child sets itself up and execs on its own. The
// daemon is small, so copying its page tables costs far less. Not Boost.Process v2: in Boost
// 1.81 its launcher leaves its error pipe without O_CLOEXEC and calls ::exit() in the child when
// exec fails (running the daemon's atexit handlers there).
Result<pid_t> spawn_supervisor(const std::string& binary, const std::vector<std::string>& args,
                               const std::vector<std::string>& env, const std::string& log_path) {
  // The common failure, reported synchronously: a later exec failure arrives as a crash.
  if (access(binary.c_str(), X_OK) != 0) {
    return fail(Error::spawn("cannot start " + binary + ": " + std::strerror(errno)));
  }
  // Blocked from its first instruction on (the supervisor takes them with sigtimedwait), so a
  // stop sent right after start() returns is queued rather than killing the supervisor.
  sigset_t supervisor_mask;
  sigemptyset(&supervisor_mask);
  sigaddset(&supervisor_mask, SIGTERM);
  sigaddset(&supervisor_mask, SIGINT);
  sigaddset(&supervisor_mask, SIGCHLD);

  // Everything the child needs is built before the fork: it must not allocate.
  std::vector<std::string> argv_strings{binary};
  argv_strings.insert(argv_strings.end(), args.begin(), args.end());
  std::vector<std::string> env_strings = env;
  const auto argv = c_strings(argv_strings);
  const auto envp = c_strings(env_strings);
  const std::string failure = "vhtaskd: cannot execute " + binary + "\n";

  // Every signal blocked across the fork: until the child has reset the dispositions, a signal
  // would run the daemon's handlers (Asio's signal_set) in the child.
  sigset_t all;
  sigset_t previous;
  sigfillset(&all);
  sigprocmask(SIG_SETMASK, &all, &previous);
  const pid_t pid = fork();
  if (pid == 0) {
    exec_supervisor(binary.c_str(), argv.data(), envp.data(), log_path.c_str(), supervisor_mask,
                    failure.data(), failure.size());
  }
  const int saved = errno;
  sigprocmask(SIG_SETMASK, &previous, nullptr);
  if (pid < 0) {
    return fail(Error::spawn("cannot start " + binary + ": fork: " + std::strerror(saved)));
  }
  return pid;
}

}  // namespace vhtask::daemon::runner
