#pragma once

// Finding and starting the vhtaskd program, for autostart (client/rpc/autostart.h) and
// `vhtask daemon`. Plain functions; call from the main thread (spawning forks the process).

#include "common/result.h"

#include <optional>
#include <string>
#include <vector>

namespace vhtask::client::rpc {

// vhtaskd next to this program (the directory of /proc/self/exe), else the first executable
// vhtaskd in PATH; nullopt if there is none. The path returned is absolute.
std::optional<std::string> find_daemon_binary();

// Starts `binary` with `args` (not including argv[0]) as a detached daemon: its own session
// (double fork + setsid, so it is nobody's child and has no controlling terminal), stdin, stdout
// and stderr on /dev/null, cwd "/", an empty signal mask, and none of our descriptors (ours are
// all close-on-exec). Returns once the exec succeeded, or Error::spawn naming the reason it
// failed. Does not wait for the daemon to be ready.
// REQUIRES: `binary` and every path in `args` are absolute (the daemon runs in "/").
Result<void> spawn_detached(const std::string& binary, const std::vector<std::string>& args);

}  // namespace vhtask::client::rpc
