#pragma once

// Running vhtaskd in the background (the default without --foreground, and not under systemd):
// the process forks; the parent waits until the child says it is serving, or why it could not
// start, and exits 0 or 1 accordingly, so `vhtaskd` in a shell reports start-up errors like any
// command. The child starts a new session, reads /dev/null and logs to STATE_DIR/vhtaskd.log.
// Called once at start-up, before any thread or io_context exists.

#include "common/result.h"

#include <string>

namespace vhtask::daemon::app {

class Background {
public:
  // In the parent this never returns (it exits). In the child it returns the object that
  // reports readiness. Error::io if fork or the log file fails (still in the foreground).
  static Result<Background> detach(const std::string& log_path);
  // A no-op reporter for foreground runs.
  static Background foreground() { return Background(-1); }

  Background(Background&& other) noexcept : m_fd(other.m_fd) { other.m_fd = -1; }
  Background& operator=(Background&&) = delete;
  Background(const Background&) = delete;
  ~Background();

  // Tells the waiting parent that the daemon serves (it exits 0).
  void ready();
  // Tells the waiting parent why the daemon could not start (it prints it and exits 1).
  void failed(const std::string& message);

private:
  explicit Background(int fd) : m_fd(fd) {}
  int m_fd;  // the pipe to the parent; -1 when there is none (or it was already told)
};

// True when systemd manages this process (socket activation or Type=notify): never detach then.
bool under_systemd();

}  // namespace vhtask::daemon::app
