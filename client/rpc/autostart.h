#pragma once

// Connecting to vhtaskd, starting it first when nobody listens (style lesson 11, after ccache's
// ensure_connected):
//   1. connect; on ENOENT or ECONNREFUSED, unless autostart is off:
//   2. take an exclusive flock on <socket dir>/autostart.lock (the dir is created 0700), so
//      concurrent clients start one daemon between them;
//   3. connect again (another client may have started it meanwhile);
//   4. spawn vhtaskd detached (double fork + setsid, stdio on /dev/null, cwd /);
//   5. retry connecting with exponential backoff (10 ms doubling, capped at 500 ms) until the
//      deadline (10 s, or $VHTASK_CONNECT_TIMEOUT_MS);
//   6. release the lock.
// Nothing is trusted unchecked (client/rpc/socket_trust.h): an existing socket directory that is
// not the user's own and private is refused before connecting, a missing one is created 0700 and
// checked again before autostart locks or starts anything in it, and every connected socket is
// returned only once its file and its server's SO_PEERCRED uid passed.
// Every failure is exit status 3 (the daemon can't be reached), with a hint.
//
// Plain functions; call from the main thread (spawning forks the process).

#include "client/rpc/failure.h"
#include "client/rpc/unique_fd.h"

#include <chrono>
#include <string>
#include <vector>

namespace vhtask::client::rpc {

struct AutostartOptions {
  std::string socket_path;               // where the daemon listens
  bool enabled = true;                   // false: --no-autostart / VHTASK_NO_AUTOSTART=1
  std::vector<std::string> daemon_args;  // after "vhtaskd": --socket / --state-dir when given
  std::string daemon_binary;             // empty: find_daemon_binary()
  std::chrono::milliseconds timeout{10'000};
};

// A connected socket to the daemon at options.socket_path, starting the daemon if needed.
Outcome<UniqueFd> connect_or_autostart(const AutostartOptions& options);

// How long autostart waits for a new daemon: $VHTASK_CONNECT_TIMEOUT_MS if it is a positive
// integer, else 10 s.
std::chrono::milliseconds connect_timeout_from_env();

}  // namespace vhtask::client::rpc
