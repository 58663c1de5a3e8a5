#pragma once

// systemd integration: the listening socket of socket activation (LISTEN_FDS), and sd_notify
// readiness, stopping and a STATUS= line kept current ("3 running, 12 queued"). Every call is a
// no-op when not started by systemd (no NOTIFY_SOCKET / LISTEN_FDS). io_context thread only.

#include "daemon/engine.h"

#include <cstdint>
#include <string>

namespace vhtask::daemon::app {

// The first socket systemd passed, or -1 when there is none. Called once at start-up; throws
// Fatal when what was passed is not a listening Unix stream socket (a misconfigured .socket
// unit), rather than serving nobody.
int systemd_listen_fd();

class SystemdNotifier {
public:
  // Subscribes to the engine to keep STATUS= current.
  explicit SystemdNotifier(Engine& engine);
  ~SystemdNotifier();
  SystemdNotifier(const SystemdNotifier&) = delete;
  SystemdNotifier& operator=(const SystemdNotifier&) = delete;

  void ready();     // READY=1 plus the first STATUS=
  void stopping();  // STOPPING=1

private:
  void update_status();

  Engine& m_engine;
  std::uint64_t m_subscription = 0;
  std::string m_last_status;
};

}  // namespace vhtask::daemon::app
