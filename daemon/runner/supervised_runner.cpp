#include "daemon/runner/supervised_runner.h"

#include "daemon/runner/execution_dir.h"
#include "daemon/runner/spawn_supervisor.h"
#include "supervisor/execution_files.h"
#include "supervisor/proc_identity.h"
#include "supervisor/supervisor.h"

#include <boost/asio/io_context.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <boost/asio/post.hpp>

#include <cerrno>
#include <cstring>
#include <dirent.h>
#include <fcntl.h>
#include <filesystem>
#include <poll.h>
#include <signal.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>
#include <vector>

namespace vhtask::daemon::runner {

namespace {

// Through syscall(): works with C libraries older than glibc 2.36's wrappers.
int open_pidfd(pid_t pid) {
  return static_cast<int>(syscall(SYS_pidfd_open, pid, 0));
}

int send_signal(int pidfd, int sig) {
  return static_cast<int>(syscall(SYS_pidfd_send_signal, pidfd, sig, nullptr, 0));
}

// /proc/PID/cmdline, NUL-separated; empty when the process is gone or unreadable. Plain
// read(2): a process that exits while it is read makes read fail with ESRCH, which std::ifstream
// turns into an exception.
std::string read_cmdline(const std::string& pid) {
  std::string text;
  const int fd = open(("/proc/" + pid + "/cmdline").c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    return text;
  }
  char buffer[4096];
  for (;;) {
    const ssize_t n = read(fd, buffer, sizeof buffer);
    if (n <= 0) {
      if (n < 0) {
        text.clear();
      }
      break;
    }
    text.append(buffer, static_cast<std::size_t>(n));
  }
  close(fd);
  return text;
}

// The pid of a running vhtask-supervise whose last argument is `exec_dir`, or 0.
pid_t find_supervisor_of(const std::string& exec_dir) {
  DIR* proc = opendir("/proc");
  if (proc == nullptr) {
    return 0;
  }
  pid_t found = 0;
  while (const dirent* entry = readdir(proc)) {
    const std::string name = entry->d_name;
    if (name.empty() || name.find_first_not_of("0123456789") != std::string::npos) {
      continue;
    }
    const std::string cmdline = read_cmdline(name);
    std::vector<std::string> args;
    for (std::size_t start = 0; start < cmdline.size();) {
      const std::size_t end = cmdline.find('\0', start);
      args.push_back(
          cmdline.substr(start, end == std::string::npos ? std::string::npos : end - start));
      start = end == std::string::npos ? cmdline.size() : end + 1;
    }
    if (args.size() >= 2 && args.back() == exec_dir &&
        std::filesystem::path(args.front()).filename() == "vhtask-supervise") {
      found = static_cast<pid_t>(std::stol(name));
      break;
    }
  }
  closedir(proc);
  return found;
}

// If supervisor.json names a child that still runs (pid and start time), kill its process
// group: its supervisor is gone, so no limit or stop would ever reach it.
void kill_orphaned_child(const std::string& exec_dir) {
  const auto read = read_supervisor_json(exec_dir);
  if (!read) {
    return;
  }
  const SupervisorIdentity& identity = read.value();
  if (identity.child_pid && identity.child_start_time &&
      supervisor::process_matches(*identity.child_pid, *identity.child_start_time)) {
    kill(-*identity.child_pid, SIGKILL);
  }
}

std::string describe_wait(const siginfo_t& info) {
  if (info.si_code == CLD_EXITED) {
    return "exited with status " + std::to_string(info.si_status);
  }
  return "killed by signal " + std::to_string(info.si_status);
}

}  // namespace

struct SupervisedRunner::Watch {
  pid_t pid;
  std::string exec_dir;
  boost::asio::posix::stream_descriptor pidfd;
};

SupervisedRunner::SupervisedRunner(boost::asio::io_context& io, std::string supervise_binary)
    : m_io(io), m_supervise_binary(std::move(supervise_binary)) {}

SupervisedRunner::~SupervisedRunner() {
  m_alive.reset();  // before m_watches: their aborted waits must not touch `this`
}

void SupervisedRunner::set_on_exit(OnExit on_exit) {
  m_on_exit = std::move(on_exit);
}

Result<std::int64_t> SupervisedRunner::start(const LaunchSpec& spec) {
  if (m_watches.contains(spec.id)) {
    return fail(
        Error::invalid_argument("execution " + std::to_string(spec.id) + " is already running"));
  }
  if (spec.time_limit_seconds.value_or(1) <= 0 || spec.no_output_timeout_seconds.value_or(1) <= 0 ||
      spec.grace_seconds < 0) {
    return fail(Error::invalid_argument("limits must be positive (grace: not negative)"));
  }
  if (spec.exec_dir.empty()) {
    return fail(Error::invalid_argument("no execution directory"));
  }
  auto absolute = std::filesystem::absolute(spec.exec_dir).lexically_normal();
  if (!absolute.has_filename()) {
    absolute = absolute.parent_path();  // "dir/" normalizes with a trailing separator
  }
  const std::string exec_dir = absolute.string();
  VHTASK_TRY(prepare_execution_dir(exec_dir, spec));
  const pid_t pid = VHTASK_TRY(spawn_supervisor(
      m_supervise_binary, supervisor_args(spec, exec_dir), supervisor_env(spec, exec_dir),
      exec_dir + "/" + supervisor::execution_files::k_supervisor_log));
  const int pidfd = open_pidfd(pid);
  if (pidfd < 0) {
    // Unwatchable means its outcome could never be delivered: take it back.
    const int saved = errno;
    kill(pid, SIGKILL);
    waitpid(pid, nullptr, 0);
    return fail(Error::spawn(std::string("pidfd_open: ") + std::strerror(saved)));
  }
  watch(spec.id, pid, pidfd, exec_dir);
  return pid;
}

Result<void> SupervisedRunner::stop(ExecutionId id) {
  const auto it = m_watches.find(id);
  if (it == m_watches.end()) {
    return fail(Error::not_found("execution " + std::to_string(id) + " is not running"));
  }
  // ESRCH: it has just ended and its outcome is on the way; the stop came too late.
  if (send_signal(it->second->pidfd.native_handle(), SIGTERM) != 0 && errno != ESRCH) {
    return fail(Error::io("cannot signal the supervisor of execution " + std::to_string(id) + ": " +
                          std::strerror(errno)));
  }
  return {};
}

Result<bool> SupervisedRunner::reattach(ExecutionId id, const std::string& exec_dir) {
  if (m_watches.contains(id)) {
    return fail(Error::invalid_argument("execution " + std::to_string(id) + " is already running"));
  }
  const auto identity = read_supervisor_json(exec_dir);
  if (identity) {
    // pidfd first, identity check second: if the check passes, the pidfd refers to the
    // recorded process (its pid cannot have been reused while it was alive).
    const int pidfd = open_pidfd(identity->supervisor_pid);
    if (pidfd >= 0) {
      if (supervisor::process_matches(identity->supervisor_pid, identity->supervisor_start_time)) {
        watch(id, identity->supervisor_pid, pidfd, exec_dir);
        return true;
      }
      close(pidfd);
    }
  }
  if (auto outcome = read_status_json(exec_dir)) {
    deliver_later(id, std::move(*outcome));
    return true;
  }
  // A supervisor that was spawned just before the last daemon died may not have written
  // supervisor.json yet: find it by its command line (its last argument is the directory).
  if (const pid_t pid = find_supervisor_of(exec_dir); pid > 0) {
    if (const int pidfd = open_pidfd(pid); pidfd >= 0) {
      watch(id, pid, pidfd, exec_dir);
      return true;
    }
  }
  kill_orphaned_child(exec_dir);
  return false;
}

std::size_t SupervisedRunner::running() const {
  return m_watches.size() + m_pending_deliveries;
}

void SupervisedRunner::watch(ExecutionId id, pid_t pid, int pidfd, std::string exec_dir) {
  auto watch = std::make_unique<Watch>(
      Watch{pid, std::move(exec_dir), boost::asio::posix::stream_descriptor(m_io, pidfd)});
  arm(id, *watch);
  m_watches.emplace(id, std::move(watch));
}

void SupervisedRunner::arm(ExecutionId id, Watch& watch) {
  watch.pidfd.async_wait(
      boost::asio::posix::stream_descriptor::wait_read,
      [this, id, alive = std::weak_ptr<bool>(m_alive)](const boost::system::error_code& ec) {
        if (alive.expired() || ec == boost::asio::error::operation_aborted) {
          return;
        }
        on_supervisor_exit(id);
      });
}

void SupervisedRunner::on_supervisor_exit(ExecutionId id) {
  const auto it = m_watches.find(id);
  if (it == m_watches.end()) {
    return;
  }
  Watch& watch = *it->second;
  const int fd = watch.pidfd.native_handle();
  pollfd ready{fd, POLLIN, 0};
  if (poll(&ready, 1, 0) != 1) {
    arm(id, watch);  // a wake-up without an exit: keep waiting
    return;
  }
  // Reaps the supervisor if it is our child; ECHILD for one started by an earlier daemon.
  siginfo_t info{};
  const bool reaped =
      waitid(P_PIDFD, static_cast<id_t>(fd), &info, WEXITED | WNOHANG) == 0 && info.si_pid != 0;
  const pid_t pid = watch.pid;
  const std::string exec_dir = std::move(watch.exec_dir);
  m_watches.erase(it);

  RunOutcome outcome;
  if (auto status = read_status_json(exec_dir)) {
    outcome = std::move(*status);
  } else if (reaped && info.si_code == CLD_EXITED &&
             info.si_status == supervisor::k_supervise_exit_no_space) {
    // It found no room for the outcome and did not start the command: it runs again later.
    outcome.state = ExecutionState::queued;
    outcome.reason = "not started: no space left for its outcome; " + supervisor_log_tail(exec_dir);
    outcome.finished_at = std::chrono::system_clock::now();
  } else {
    kill_orphaned_child(exec_dir);
    std::string reason = "supervisor (pid " + std::to_string(pid) + ") ended without an outcome";
    if (reaped) {
      reason += " (" + describe_wait(info) + ")";
    }
    reason += ": " + status.error().message;
    if (const auto tail = supervisor_log_tail(exec_dir); !tail.empty()) {
      reason += "; " + tail;
    }
    outcome.state = ExecutionState::crashed;
    outcome.reason = std::move(reason);
    outcome.finished_at = std::chrono::system_clock::now();
  }
  if (m_on_exit) {
    m_on_exit(id, std::move(outcome));
  }
}

void SupervisedRunner::deliver_later(ExecutionId id, RunOutcome outcome) {
  ++m_pending_deliveries;
  boost::asio::post(m_io, [this, id, outcome = std::move(outcome),
                           alive = std::weak_ptr<bool>(m_alive)]() mutable {
    if (alive.expired()) {
      return;
    }
    --m_pending_deliveries;
    if (m_on_exit) {
      m_on_exit(id, std::move(outcome));
    }
  });
}

}  // namespace vhtask::daemon::runner
