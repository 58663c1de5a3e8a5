#include "daemon/app/background.h"

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <string>
#include <sys/stat.h>
#include <unistd.h>

namespace vhtask::daemon::app {

bool under_systemd() {
  return std::getenv("NOTIFY_SOCKET") != nullptr || std::getenv("LISTEN_FDS") != nullptr;
}

Result<Background> Background::detach(const std::string& log_path) {
  const int log = ::open(log_path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
  if (log < 0) {
    return Error::io("cannot open " + log_path + ": " + std::strerror(errno));
  }
  // 0600 even when an older vhtaskd left it broader (best effort: it is in our private dir).
  (void)::fchmod(log, 0600);
  int report[2];
  if (::pipe2(report, O_CLOEXEC) != 0) {
    ::close(log);
    return Error::io(std::string("pipe: ") + std::strerror(errno));
  }
  const pid_t pid = ::fork();
  if (pid < 0) {
    return Error::io(std::string("fork: ") + std::strerror(errno));
  }
  if (pid > 0) {
    // The parent: wait for the child's word, then leave.
    ::close(report[1]);
    ::close(log);
    std::string message;
    char buf[512];
    ssize_t n;
    while ((n = ::read(report[0], buf, sizeof buf)) > 0 || (n < 0 && errno == EINTR)) {
      if (n > 0) {
        message.append(buf, static_cast<size_t>(n));
      }
    }
    if (message == "READY") {
      std::_Exit(0);
    }
    std::fprintf(
        stderr, "vhtaskd: %s\n",
        message.empty() ? ("it exited during start-up; see " + log_path).c_str() : message.c_str());
    std::_Exit(1);
  }
  ::close(report[0]);
  ::setsid();
  const int null = ::open("/dev/null", O_RDONLY);
  ::dup2(null, 0);
  ::dup2(log, 1);
  ::dup2(log, 2);
  ::close(null);
  ::close(log);
  return Background(report[1]);
}

Background::~Background() {
  if (m_fd >= 0) {
    ::close(m_fd);
  }
}

void Background::ready() {
  if (m_fd >= 0) {
    [[maybe_unused]] const auto n = ::write(m_fd, "READY", 5);
    ::close(m_fd);
    m_fd = -1;
  }
}

void Background::failed(const std::string& message) {
  if (m_fd >= 0) {
    [[maybe_unused]] const auto n = ::write(m_fd, message.data(), message.size());
    ::close(m_fd);
    m_fd = -1;
  }
}

}  // namespace vhtask::daemon::app
