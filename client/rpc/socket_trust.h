#pragma once

// The checks the client makes before it trusts a Unix socket with a request: a `start` carries
// the user's whole environment (secrets included), the valohai.yaml and the cwd, so a socket
// that someone else could have put there gets nothing (issue 14, item 2). Like the daemon's own
// check of its directories (daemon/store/state_dir.h), after watchman's verify_dir_ownership:
//   - the socket's directory must be a directory owned by the effective uid and not writable by
//     group or others (a predictable fallback such as /tmp/vhtask-UID/ could have been created
//     first by another user);
//   - the socket file (stat(2), so a symlink is judged by what it points to) must be owned by
//     the effective uid and not writable by group or others;
//   - once connected, the server's SO_PEERCRED uid must be the effective uid (a root daemon
//     serving other users is not a case vhtask supports).
// Every refusal is an Error::io whose message names the path and says that nothing was sent.
//
// Pure functions of the file system and the socket; any thread.

#include "common/result.h"

#include <string>

namespace vhtask::client::rpc {

// The directory the socket at `socket_path` lives in ("." for a bare name).
std::string socket_dir_of(const std::string& socket_path);

// Checks the directory of `socket_path`. True when it exists and is trusted, false when it does
// not exist (nothing can be listening; autostart may create it), an error when it is untrusted.
[[nodiscard]] Result<bool> check_socket_dir(const std::string& socket_path);

// Checks the socket file itself (missing is fine: connecting then fails with ENOENT).
[[nodiscard]] Result<void> check_socket_file(const std::string& socket_path);

// Checks who listens on the connected socket `fd` (connected to `socket_path`).
[[nodiscard]] Result<void> check_peer(int fd, const std::string& socket_path);

}  // namespace vhtask::client::rpc
