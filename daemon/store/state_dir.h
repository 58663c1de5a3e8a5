#pragma once

// The daemon's private directories and its lifetime lock. Called at start-up, before any thread.

#include "common/result.h"

#include <string>

namespace vhtask::daemon::store {

// Creates `path` and its missing parents with mode 0700, then checks it is a directory owned by
// the effective uid and not writable by group or others (mode & 0022 == 0). When `path` itself
// is a symbolic link, the link must be owned by the effective uid (or root) too, and the checks
// apply to the directory it points to. The error names the path and what to do.
Result<void> ensure_private_dir(const std::string& path);

// An exclusive lock on STATE_DIR/vhtaskd.lock, held for the daemon's lifetime, so that two
// daemons never share a state directory. The file holds the holder's pid. Move-only; the lock is
// released when the object is destroyed (or the process dies).
class DaemonLock {
public:
  // Error::io naming the other daemon's pid when the lock is taken.
  static Result<DaemonLock> acquire(const std::string& path);

  DaemonLock(DaemonLock&& other) noexcept : m_fd(other.m_fd) { other.m_fd = -1; }
  DaemonLock& operator=(DaemonLock&&) = delete;
  DaemonLock(const DaemonLock&) = delete;
  ~DaemonLock();

private:
  explicit DaemonLock(int fd) : m_fd(fd) {}
  int m_fd;
};

}  // namespace vhtask::daemon::store
