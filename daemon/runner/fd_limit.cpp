#include "daemon/runner/fd_limit.h"

namespace vhtask::daemon::runner {

namespace {

// Written once by raise_fd_limit() before any fork; read by forked children.
bool g_raised = false;
rlimit g_original{};

}  // namespace

FdLimit raise_fd_limit() {
  rlimit limit{};
  if (getrlimit(RLIMIT_NOFILE, &limit) != 0) {
    return {};
  }
  FdLimit out{limit.rlim_cur, limit.rlim_cur};
  if (limit.rlim_cur >= limit.rlim_max) {
    return out;
  }
  g_original = limit;
  rlimit raised = limit;
  raised.rlim_cur = limit.rlim_max;
  if (setrlimit(RLIMIT_NOFILE, &raised) == 0) {
    g_raised = true;
    out.now = raised.rlim_cur;
  }
  return out;
}

void restore_fd_limit() {
  if (g_raised) {
    rlimit limit = g_original;
    // The hard limit is whatever it is now (it may only have been lowered since).
    rlimit current{};
    if (getrlimit(RLIMIT_NOFILE, &current) == 0) {
      limit.rlim_max = current.rlim_max;
      if (limit.rlim_cur > limit.rlim_max) {
        limit.rlim_cur = limit.rlim_max;
      }
    }
    setrlimit(RLIMIT_NOFILE, &limit);
  }
}

}  // namespace vhtask::daemon::runner
