#include "daemon/log_space.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <cerrno>
#include <fcntl.h>
#include <unistd.h>
#include <vector>

namespace vhtask::daemon {

LogSpace::LogSpace(boost::asio::io_context& io, std::string dir, std::function<void()> on_resumed)
    : m_timer(io), m_dir(std::move(dir)), m_on_resumed(std::move(on_resumed)) {}

bool LogSpace::has_room() const {
  const std::string path = m_dir + "/.vhtask-space-probe";
  const int fd = open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) {
    return errno != ENOSPC && errno != EDQUOT;
  }
  static const std::vector<char> k_zeros(k_probe_bytes, '\0');
  std::size_t done = 0;
  int error = 0;
  while (done < k_zeros.size()) {
    const ssize_t n = write(fd, k_zeros.data() + done, k_zeros.size() - done);
    if (n < 0 && errno == EINTR) {
      continue;
    }
    if (n <= 0) {
      error = n < 0 ? errno : ENOSPC;
      break;
    }
    done += static_cast<std::size_t>(n);
  }
  close(fd);
  unlink(path.c_str());
  return error != ENOSPC && error != EDQUOT;
}

void LogSpace::pause() {
  if (m_stall) {
    return;
  }
  const std::string reason = "no space left on the log dir " + m_dir;
  spdlog::warn("{}: queued executions wait until there is room again", reason);
  m_stall = Stall{reason, std::chrono::system_clock::now(), 0};
  m_delay = k_first_delay;
  arm();
}

void LogSpace::arm() {
  m_timer.expires_after(m_delay);
  m_delay = std::min(m_delay * 2, k_max_delay);
  m_timer.async_wait([this](const boost::system::error_code& ec) {
    if (ec == boost::asio::error::operation_aborted) {
      return;
    }
    if (!has_room()) {
      arm();
      return;
    }
    const auto paused = std::chrono::system_clock::now() - m_stall->since;
    spdlog::info("the log dir {} has room again, after {} ms; resuming", m_dir,
                 std::chrono::duration_cast<std::chrono::milliseconds>(paused).count());
    m_stall.reset();
    m_on_resumed();
  });
}

}  // namespace vhtask::daemon
