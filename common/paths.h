#pragma once

// Where vhtask keeps things, shared by the daemon and the client so both agree without asking.
// Every path is overridable: a command-line flag beats an environment variable beats the XDG
// default. Pure functions of the environment; thread-safe as long as nobody calls setenv.

#include <string>

namespace vhtask::common {

// The state directory (database, execution directories): $VHTASK_STATE_DIR, else
// $XDG_STATE_HOME/vhtask, else ~/.local/state/vhtask.
std::string default_state_dir();

// The daemon's socket: $VHTASK_SOCKET, else $XDG_RUNTIME_DIR/vhtask/vhtask.sock, else
// /tmp/vhtask-$UID/vhtask.sock.
std::string default_socket_path();

// Inside a state directory: the database and the per-execution directories.
std::string database_path(const std::string& state_dir);
std::string executions_dir(const std::string& state_dir);

}  // namespace vhtask::common
