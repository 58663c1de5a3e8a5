#pragma once

// The daemon's open-file limit. Every client connection, `logs -f` follower (a file and an
// inotify descriptor) and running execution (a pidfd) holds descriptors, so at start-up the
// daemon raises its soft RLIMIT_NOFILE to the hard limit, as systemd does for its services.
// Executions do not inherit the raised limit: the supervisor's child gets the soft limit the
// daemon started with back (restore_fd_limit() in the forked child, before exec).
//
// Plain functions over process-wide state. raise_fd_limit() is called once, on the main thread,
// before anything forks.

#include <sys/resource.h>

namespace vhtask::daemon::runner {

struct FdLimit {
  rlim_t before = 0;  // the soft limit found at start-up
  rlim_t now = 0;     // the soft limit after raising (the hard limit, or `before` on failure)
};

// Raises the soft limit to the hard one and remembers the one found. Never fails: if the limit
// cannot be changed, `now` equals `before`.
FdLimit raise_fd_limit();

// Puts back the soft limit raise_fd_limit() found (nothing if it was not called).
// Async-signal-safe: only setrlimit(2) on saved values, for a forked child.
void restore_fd_limit();

}  // namespace vhtask::daemon::runner
