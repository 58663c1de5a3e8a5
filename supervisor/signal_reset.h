#pragma once

// Resetting a forked child's signals before exec: ignored dispositions and a blocked mask survive
// exec, so both the daemon (starting vhtask-supervise, daemon/runner/spawn_supervisor.cpp) and
// the supervisor (starting the command, supervisor/supervisor_child.cpp) give their child a clean
// slate. Async-signal-safe; call only in the forked child, before exec.

#include <signal.h>

namespace vhtask::supervisor {

// Every signal's disposition back to SIG_DFL (all but SIGKILL and SIGSTOP, which cannot be
// changed; libc-reserved signals fail with EINVAL, which is fine), then the signal mask to `mask`.
void reset_signals(const sigset_t& mask);

}  // namespace vhtask::supervisor
