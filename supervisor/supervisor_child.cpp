#include "supervisor/supervisor_child.h"

#include "supervisor/signal_reset.h"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

extern char** environ;

namespace vhtask::supervisor {

namespace {

constexpr int k_exit_cannot_execute = 127;  // the shell's convention for "command not found"

// What the child sends back over the report pipe when it cannot get to exec.
enum class FailedStep : int { dev_null, cwd, exec };
struct ChildFailure {
  FailedStep step = FailedStep::exec;
  int error = 0;
};

// Runs in the forked child: only async-signal-safe calls from here on (the supervisor is
// single-threaded, but this keeps the child correct even if that ever changes).
[[noreturn]] void run_child(const ChildSpec& spec, const char* const* argv, int report_fd) {
  ChildFailure failure;
  setpgid(0, 0);
  // Ignored dispositions survive exec and the supervisor ignores SIGPIPE, SIGXFSZ and SIGHUP;
  // a blocked mask survives too. The command starts from a clean slate.
  sigset_t empty;
  sigemptyset(&empty);
  reset_signals(empty);

  const int null_fd = open("/dev/null", O_RDONLY);
  if (null_fd < 0) {
    failure = {FailedStep::dev_null, errno};
  } else {
    dup2(null_fd, STDIN_FILENO);
    dup2(spec.log_fd, STDOUT_FILENO);
    dup2(spec.log_fd, STDERR_FILENO);
    if (null_fd > STDERR_FILENO) {
      close(null_fd);
    }
    if (!spec.cwd.empty() && chdir(spec.cwd.c_str()) != 0) {
      failure = {FailedStep::cwd, errno};
    } else {
      execve(argv[0], const_cast<char* const*>(argv), environ);
      failure = {FailedStep::exec, errno};
    }
  }
  [[maybe_unused]] const ssize_t n = write(report_fd, &failure, sizeof failure);
  _exit(k_exit_cannot_execute);
}

std::string describe(const ChildFailure& failure, const ChildSpec& spec) {
  const std::string program = spec.script_path.empty() ? spec.shell : spec.script_path;
  const std::string error = std::strerror(failure.error);
  switch (failure.step) {
    case FailedStep::dev_null:
      return "cannot execute " + program + ": cannot open /dev/null: " + error;
    case FailedStep::cwd:
      return "cannot execute " + program + ": cannot change directory to " + spec.cwd + ": " +
             error;
    case FailedStep::exec:
      break;
  }
  if (!spec.script_path.empty() && (failure.error == ENOENT || failure.error == EACCES)) {
    return "cannot execute " + program + ": " + error + " (check the #! line)";
  }
  return "cannot execute " + program + ": " + error;
}

}  // namespace

std::string script_shell() {
  return access("/bin/bash", X_OK) == 0 ? "/bin/bash" : "/bin/sh";
}

std::optional<StartedChild> start_child(const ChildSpec& spec) {
  // argv is built before the fork: the child must not allocate.
  const char* shell_argv[] = {spec.shell.c_str(), "-c", spec.command.c_str(), nullptr};
  const char* script_argv[] = {spec.script_path.c_str(), nullptr};
  const char* const* argv = spec.script_path.empty() ? shell_argv : script_argv;

  // The write end closes on a successful exec, so EOF on the read end means "it runs".
  int report[2];
  if (pipe2(report, O_CLOEXEC) != 0) {
    return std::nullopt;
  }
  const pid_t pid = fork();
  if (pid < 0) {
    const int saved = errno;
    close(report[0]);
    close(report[1]);
    errno = saved;
    return std::nullopt;
  }
  if (pid == 0) {
    close(report[0]);
    run_child(spec, argv, report[1]);
  }
  // Also from the parent (the classic double setpgid): the group exists as soon as fork returns,
  // whichever side runs first. EACCES once the child has exec'd is fine: it did it itself.
  setpgid(pid, pid);
  close(report[1]);
  return StartedChild{pid, report[0]};
}

std::optional<std::string> read_exec_failure(StartedChild& child, const ChildSpec& spec) {
  if (child.report_fd < 0) {
    return std::nullopt;
  }
  ChildFailure failure;
  ssize_t n = 0;
  do {
    n = read(child.report_fd, &failure, sizeof failure);
  } while (n < 0 && errno == EINTR);
  close(child.report_fd);
  child.report_fd = -1;
  if (n == static_cast<ssize_t>(sizeof failure)) {
    return describe(failure, spec);
  }
  return std::nullopt;
}

}  // namespace vhtask::supervisor
