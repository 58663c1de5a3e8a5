#include "daemon/app/systemd_notify.h"

#include "common/result.h"

#include <fmt/format.h>
#include <systemd/sd-daemon.h>

#include <fcntl.h>
#include <sys/socket.h>

namespace vhtask::daemon::app {

int systemd_listen_fd() {
  // unset_environment=1: executions must not think sockets were passed to them.
  const int n = sd_listen_fds(1);
  if (n < 1) {
    return -1;
  }
  const int fd = SD_LISTEN_FDS_START;
  if (sd_is_socket_unix(fd, SOCK_STREAM, 1, nullptr, 0) <= 0) {
    throw Fatal(
        fmt::format("systemd passed {} file descriptor(s), but fd {} is not a listening "
                    "Unix stream socket (check ListenStream= in vhtaskd.socket)",
                    n, fd));
  }
  return fd;
}

SystemdNotifier::SystemdNotifier(Engine& engine) : m_engine(engine) {
  m_subscription = m_engine.subscribe([this](const EngineEvent&) { update_status(); });
}

SystemdNotifier::~SystemdNotifier() {
  m_engine.unsubscribe(m_subscription);
}

void SystemdNotifier::ready() {
  sd_notify(0, "READY=1");
  update_status();
}

void SystemdNotifier::stopping() {
  sd_notify(0, "STOPPING=1");
}

void SystemdNotifier::update_status() {
  const std::string status =
      fmt::format("STATUS={} running, {} queued", m_engine.running(), m_engine.queued());
  if (status != m_last_status) {
    m_last_status = status;
    sd_notify(0, status.c_str());
  }
}

}  // namespace vhtask::daemon::app
