#include "tests/support/daemon_harness.h"

#include "tests/support/test_paths.h"

#include <cstring>
#include <fcntl.h>
#include <fstream>
#include <poll.h>
#include <signal.h>
#include <sstream>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

namespace vhtask::test {

namespace {

// Waits for `pid` to exit within `deadline` (pidfd + poll); returns its wait status or -1.
int wait_exit(pid_t pid, std::chrono::milliseconds deadline) {
  const int pidfd = static_cast<int>(::syscall(SYS_pidfd_open, pid, 0));
  if (pidfd >= 0) {
    pollfd pfd{pidfd, POLLIN, 0};
    const int ready = ::poll(&pfd, 1, static_cast<int>(deadline.count()));
    ::close(pidfd);
    if (ready <= 0) {
      return -1;
    }
  }
  int status = 0;
  if (::waitpid(pid, &status, 0) != pid) {
    return -1;
  }
  return status;
}

}  // namespace

DaemonHarness::DaemonHarness()
    : m_state_dir((m_dir.path() / "state").string()),
      m_socket((m_dir.path() / "run" / "vhtask.sock").string()),
      m_log_path((m_dir.path() / "vhtaskd.log").string()) {}

DaemonHarness::~DaemonHarness() {
  if (m_pid > 0) {
    crash();
  }
}

bool DaemonHarness::start(const std::vector<std::string>& extra,
                          std::chrono::milliseconds deadline) {
  // The readiness socket: a datagram socket the daemon's sd_notify() writes to.
  const std::string notify_path = (m_dir.path() / ("notify" + std::to_string(m_runs++))).string();
  const int notify_fd = ::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  std::strncpy(addr.sun_path, notify_path.c_str(), sizeof addr.sun_path - 1);
  if (::bind(notify_fd, reinterpret_cast<const sockaddr*>(&addr), sizeof addr) != 0) {
    ::close(notify_fd);
    return false;
  }
  std::vector<std::string> args{daemon_binary(), "--foreground", "--state-dir",
                                m_state_dir,     "--socket",     m_socket};
  args.insert(args.end(), extra.begin(), extra.end());
  const pid_t pid = ::fork();
  if (pid == 0) {
    const int log = ::open(m_log_path.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0600);
    const int null = ::open("/dev/null", O_RDONLY);
    ::dup2(null, 0);
    ::dup2(log, 1);
    ::dup2(log, 2);
    ::setenv("NOTIFY_SOCKET", notify_path.c_str(), 1);
    std::vector<char*> argv;
    for (auto& a : args) {
      argv.push_back(a.data());
    }
    argv.push_back(nullptr);
    ::execv(argv[0], argv.data());
    ::_exit(127);
  }
  m_pid = pid;
  const int pidfd = static_cast<int>(::syscall(SYS_pidfd_open, pid, 0));
  const auto until = std::chrono::steady_clock::now() + deadline;
  bool ready = false;
  while (!ready) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        until - std::chrono::steady_clock::now());
    if (left.count() <= 0) {
      break;
    }
    pollfd fds[2] = {{notify_fd, POLLIN, 0}, {pidfd, POLLIN, 0}};
    if (::poll(fds, 2, static_cast<int>(left.count())) <= 0) {
      continue;
    }
    if ((fds[1].revents & POLLIN) != 0) {
      break;  // the daemon exited
    }
    char buf[512];
    const ssize_t n = ::recv(notify_fd, buf, sizeof buf, 0);
    if (n > 0 && std::string(buf, static_cast<size_t>(n)).find("READY=1") != std::string::npos) {
      ready = true;
    }
  }
  ::close(pidfd);
  ::close(notify_fd);
  ::unlink(notify_path.c_str());
  if (!ready) {
    crash();
  }
  return ready;
}

int DaemonHarness::stop(std::chrono::milliseconds deadline) {
  if (m_pid <= 0) {
    return -1;
  }
  ::kill(m_pid, SIGTERM);
  const int status = wait_exit(m_pid, deadline);
  if (status < 0) {
    crash();
    return -1;
  }
  m_pid = -1;
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

int DaemonHarness::wait_for_exit(std::chrono::milliseconds deadline) {
  if (m_pid <= 0) {
    return -1;
  }
  const int status = wait_exit(m_pid, deadline);
  if (status < 0) {
    return -1;
  }
  m_pid = -1;
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

void DaemonHarness::crash() {
  if (m_pid <= 0) {
    return;
  }
  ::kill(m_pid, SIGKILL);
  wait_exit(m_pid, std::chrono::seconds(20));
  m_pid = -1;
}

std::string DaemonHarness::log() const {
  std::ifstream in(m_log_path);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

std::unique_ptr<RpcClient> DaemonHarness::connect() const {
  return std::make_unique<RpcClient>(m_socket);
}

std::vector<std::pair<std::string, std::string>> DaemonHarness::client_env() const {
  return {
      {"VHTASK_SOCKET", m_socket}, {"VHTASK_STATE_DIR", m_state_dir}, {"VHTASK_NO_AUTOSTART", "1"}};
}

}  // namespace vhtask::test
