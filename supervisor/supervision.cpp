#include "supervisor/supervision.h"

#include "supervisor/execution_files.h"
#include "supervisor/proc_identity.h"
#include "supervisor/supervisor_files.h"

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/wait.h>
#include <unistd.h>

namespace vhtask::supervisor {

namespace {

using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

constexpr int k_exit_failure = 1;
// How long to wait for the killed members of the child's process group to be reaped.
constexpr milliseconds k_group_reap_limit{2'000};
constexpr const char* k_log_failed_reason =
    "log file could not be written: file size limit or disk full";
constexpr const char* k_disk_full_reason =
    "disk full: no space left on the log dir, so its output may be incomplete";
// Bytes reserved for status.json: a JSON object of a few fields (a long reason still fits).
constexpr std::size_t k_status_reserve = 16 * 1024;

// "5s", "0.25s": how limits appear in reasons.
std::string format_seconds(milliseconds ms) {
  char text[32];
  if (ms.count() % 1000 == 0) {
    std::snprintf(text, sizeof text, "%llds", static_cast<long long>(ms.count() / 1000));
  } else {
    std::snprintf(text, sizeof text, "%.3gs", static_cast<double>(ms.count()) / 1000.0);
  }
  return text;
}

timespec to_timespec(Clock::duration d) {
  // Rounded up to whole milliseconds, so a wake-up never comes just before its deadline.
  const auto ms = std::chrono::ceil<milliseconds>(d).count();
  const auto clamped = ms < 0 ? 0 : ms;
  return timespec{static_cast<time_t>(clamped / 1000),
                  static_cast<long>(clamped % 1000) * 1'000'000};
}

}  // namespace

int Supervision::run(const ChildSpec& spec) {
  sigemptyset(&m_signals);
  sigaddset(&m_signals, SIGCHLD);
  sigaddset(&m_signals, SIGTERM);
  sigaddset(&m_signals, SIGINT);
  // Blocked before the fork, so neither the child's exit nor a stop request can be lost.
  sigprocmask(SIG_BLOCK, &m_signals, nullptr);
  signal(SIGCHLD, SIG_DFL);  // SIG_IGN would make the kernel reap the child for us
  signal(SIGPIPE, SIG_IGN);
  signal(SIGXFSZ, SIG_IGN);  // the status must be written even when the log hit RLIMIT_FSIZE
  signal(SIGHUP, SIG_IGN);
  // Orphaned grandchildren become our children, so we can reap them and know they are gone.
  prctl(PR_SET_CHILD_SUBREAPER, 1);

  // The outcome's blocks, taken before the command can fill the disk.
  const std::string reserved_name = std::string(execution_files::k_status_json) + ".tmp";
  int reserved_fd = -1;
  if (auto reserved = reserve_file(m_dir_fd, reserved_name, k_status_reserve); reserved) {
    reserved_fd = *reserved;
  } else if (reserved.error().cause == ENOSPC || reserved.error().cause == EDQUOT) {
    std::fprintf(stderr, "vhtask-supervise: %s; the command was not started\n",
                 reserved.error().message.c_str());
    return k_supervise_exit_no_space;
  }
  StatusRecord status;
  status.started_at = utc_now_iso();
  m_started = Clock::now();
  m_last_output = m_last_check = m_started;
  auto child = start_child(spec);
  if (!child) {
    status.reason = std::string("cannot fork: ") + std::strerror(errno);
  } else {
    m_child = child->pid;
    const SupervisorRecord record{getpid(), process_start_time(getpid()), m_child,
                                  process_start_time(m_child)};
    if (const auto written =
            write_file_atomically(m_dir_fd, execution_files::k_supervisor_json, to_json(record));
        !written) {
      // Supervision goes on; only a later daemon's reattach will be unable to identify us.
      std::fprintf(stderr, "vhtask-supervise: %s\n", written.error().message.c_str());
    }
    wait_for_child();
    const int wait_status = finish_child();
    // The child has exited: its report says whether the exec itself failed. That reason wins
    // over a stop or limit that arrived meanwhile.
    if (auto exec_error = read_exec_failure(*child, spec)) {
      m_reason = std::move(exec_error);
    }
    if (WIFEXITED(wait_status)) {
      status.exit_code = WEXITSTATUS(wait_status);
    } else if (WIFSIGNALED(wait_status)) {
      status.signal = WTERMSIG(wait_status);
    }
    if (m_killed && WIFSIGNALED(wait_status) && WTERMSIG(wait_status) == SIGKILL) {
      // Our SIGKILL ended it: say so, or a stop would look like a clean one.
      m_reason = m_reason.value_or("stopped by request") + ": SIGKILL after the " +
                 format_seconds(m_options.grace) + " grace period (it did not exit on SIGTERM)";
    }
    status.reason = m_reason;
    status.stop_requested = m_stop_requested;
    if (!status.reason && log_write_failed(status)) {
      status.reason = k_log_failed_reason;
    }
    if (!status.reason && disk_full()) {
      status.reason = k_disk_full_reason;  // an `error`, with the command's true exit status
    }
  }
  status.finished_at = utc_now_iso();
  const std::string text = to_json(status);
  const auto written = reserved_fd >= 0 && text.size() <= k_status_reserve
                           ? write_reserved(reserved_fd, m_dir_fd, reserved_name,
                                            execution_files::k_status_json, text)
                           : write_file_atomically(m_dir_fd, execution_files::k_status_json, text);
  if (reserved_fd >= 0 && text.size() > k_status_reserve) {
    close(reserved_fd);
    unlinkat(m_dir_fd, reserved_name.c_str(), 0);
  }
  if (!written) {
    std::fprintf(stderr, "vhtask-supervise: %s\n", written.error().message.c_str());
    return k_exit_failure;
  }
  return 0;
}

void Supervision::wait_for_child() {
  while (!m_child_exited) {
    const auto now = Clock::now();
    check_limits(now);
    const auto wake = next_wake();
    siginfo_t info{};
    int sig = -1;
    if (wake) {
      const timespec timeout = to_timespec(*wake - now);
      sig = sigtimedwait(&m_signals, &info, &timeout);
    } else {
      sig = sigwaitinfo(&m_signals, &info);
    }
    if (sig == SIGCHLD) {
      reap_exited();
    } else if (sig == SIGTERM || sig == SIGINT) {
      m_stop_requested = true;
      begin_stop(std::nullopt);
    }
    // -1 with EAGAIN: a deadline passed; check_limits handles it on the next turn.
  }
}

void Supervision::check_limits(Clock::time_point now) {
  if (m_kill_at && !m_killed && now >= *m_kill_at) {
    kill(-m_child, SIGKILL);
    m_killed = true;
  }
  if (m_stopping) {
    return;
  }
  if (m_options.time_limit && now >= m_started + *m_options.time_limit) {
    begin_stop("time limit of " + format_seconds(*m_options.time_limit) + " exceeded");
    return;
  }
  if (m_options.no_output_timeout && now >= m_last_output + *m_options.no_output_timeout) {
    refresh_output(now);
    if (now >= m_last_output + *m_options.no_output_timeout) {
      begin_stop("no output for " + format_seconds(*m_options.no_output_timeout));
    }
  }
}

std::optional<Clock::time_point> Supervision::next_wake() const {
  std::optional<Clock::time_point> wake;
  const auto consider = [&wake](Clock::time_point t) {
    if (!wake || t < *wake) {
      wake = t;
    }
  };
  if (m_kill_at && !m_killed) {
    consider(*m_kill_at);
  }
  if (!m_stopping) {
    if (m_options.time_limit) {
      consider(m_started + *m_options.time_limit);
    }
    if (m_options.no_output_timeout) {
      consider(m_last_output + *m_options.no_output_timeout);
    }
  }
  return wake;
}

void Supervision::refresh_output(Clock::time_point now) {
  struct stat st {};
  if (fstat(m_log_fd, &st) != 0) {
    return;
  }
  if (st.st_size != m_last_size) {
    m_last_size = st.st_size;
    // The log grew after the previous check; its mtime says when exactly. Clamped to
    // [previous check, now], so a wall-clock jump cannot move the estimate further.
    timespec real{};
    clock_gettime(CLOCK_REALTIME, &real);
    const auto age = std::chrono::seconds(real.tv_sec - st.st_mtim.tv_sec) +
                     std::chrono::nanoseconds(real.tv_nsec - st.st_mtim.tv_nsec);
    const auto since_check = now - m_last_check;
    const auto clamped = std::clamp<Clock::duration>(
        std::chrono::duration_cast<Clock::duration>(age), Clock::duration::zero(), since_check);
    m_last_output = now - clamped;
  }
  m_last_check = now;
}

void Supervision::begin_stop(std::optional<std::string> reason) {
  if (reason && !m_reason) {
    m_reason = std::move(reason);
  }
  if (m_stopping) {
    return;
  }
  m_stopping = true;
  kill(-m_child, SIGTERM);
  kill(-m_child, SIGCONT);  // a stopped process acts on SIGTERM only once continued
  m_kill_at = Clock::now() + m_options.grace;
}

void Supervision::reap_exited() {
  for (;;) {
    siginfo_t info{};
    // WNOWAIT: the child stays a zombie until its group is killed, so its pid (the group id)
    // cannot be reused in between.
    if (waitid(P_ALL, 0, &info, WEXITED | WNOHANG | WNOWAIT) != 0 || info.si_pid == 0) {
      return;
    }
    if (info.si_pid == m_child) {
      m_child_exited = true;
      return;
    }
    waitpid(info.si_pid, nullptr, 0);  // an orphaned descendant: we are its subreaper
  }
}

int Supervision::finish_child() {
  kill(-m_child, SIGKILL);  // whatever the command left behind in its group
  int wait_status = 0;
  while (waitpid(m_child, &wait_status, 0) < 0 && errno == EINTR) {
  }
  reap_group();
  return wait_status;
}

void Supervision::reap_group() {
  const auto deadline = Clock::now() + k_group_reap_limit;
  sigset_t chld;
  sigemptyset(&chld);
  sigaddset(&chld, SIGCHLD);
  for (;;) {
    while (waitpid(-1, nullptr, WNOHANG) > 0) {
    }
    if (kill(-m_child, 0) != 0) {
      return;  // the group is empty (zombies count as members until reaped)
    }
    if (Clock::now() >= deadline) {
      std::fprintf(stderr, "vhtask-supervise: process group %d still has members\n", m_child);
      return;
    }
    kill(-m_child, SIGKILL);  // members forked since the last kill
    siginfo_t info{};
    const timespec tick{0, 20'000'000};
    sigtimedwait(&chld, &info, &tick);
  }
}

// A failed command whose log hit RLIMIT_FSIZE or a full disk most likely failed because of it.
bool Supervision::log_write_failed(const StatusRecord& status) const {
  if (status.signal == SIGXFSZ) {
    return true;
  }
  if (status.exit_code.value_or(0) == 0 && !status.signal) {
    return false;
  }
  struct stat st {};
  rlimit limit{};
  if (fstat(m_log_fd, &st) == 0 && getrlimit(RLIMIT_FSIZE, &limit) == 0 &&
      limit.rlim_cur != RLIM_INFINITY && static_cast<rlim_t>(st.st_size) >= limit.rlim_cur) {
    return true;
  }
  return disk_full();
}

bool Supervision::disk_full() const {
  struct statvfs fs {};
  if (fstatvfs(m_log_fd, &fs) == 0) {
    return (geteuid() == 0 ? fs.f_bfree : fs.f_bavail) == 0;
  }
  return false;
}

}  // namespace vhtask::supervisor
