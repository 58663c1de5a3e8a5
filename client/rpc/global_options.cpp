#include "client/rpc/global_options.h"

#include "common/paths.h"

#include <cstdlib>
#include <cstring>

namespace vhtask::client::rpc {

std::string GlobalOptions::socket_path() const {
  return socket.empty() ? common::default_socket_path() : socket;
}

bool GlobalOptions::autostart() const {
  if (no_autostart) {
    return false;
  }
  const char* env = std::getenv("VHTASK_NO_AUTOSTART");
  return env == nullptr || std::strcmp(env, "1") != 0;
}

void add_global_options(CLI::App& app, GlobalOptions& opts) {
  app.add_option("--socket", opts.socket,
                 "The daemon's socket (default: $VHTASK_SOCKET, else "
                 "$XDG_RUNTIME_DIR/vhtask/vhtask.sock)");
  app.add_option("--state-dir", opts.state_dir,
                 "The daemon's state directory, passed to a daemon this client starts "
                 "(default: $VHTASK_STATE_DIR, else $XDG_STATE_HOME/vhtask)");
  app.add_flag("--no-autostart", opts.no_autostart,
               "Fail (exit 3) instead of starting vhtaskd when it is not running "
               "(also VHTASK_NO_AUTOSTART=1)");
  app.add_option("--color", opts.color,
                 "Colour output: auto (on a terminal), always or never; NO_COLOR (any value) "
                 "turns it off")
      ->check(CLI::IsMember({"auto", "always", "never"}))
      ->capture_default_str();
}

}  // namespace vhtask::client::rpc
