#pragma once

// The options every subcommand accepts (`vhtask [GLOBAL...] COMMAND ...` or after the command):
// where the daemon listens, where it keeps its state, whether to start it, and colour. Filled
// by CLI11 while parsing, read by the commands' callbacks afterwards. Main thread only.

#include <CLI/CLI.hpp>

#include <string>

namespace vhtask::client::rpc {

struct GlobalOptions {
  std::string socket;          // --socket; empty: $VHTASK_SOCKET or the default (common/paths.h)
  std::string state_dir;       // --state-dir; empty: the daemon decides ($VHTASK_STATE_DIR, XDG)
  bool no_autostart = false;   // --no-autostart
  std::string color = "auto";  // --color=auto|always|never

  // The socket to connect to: --socket, else common::default_socket_path().
  std::string socket_path() const;
  // True unless --no-autostart or VHTASK_NO_AUTOSTART=1.
  bool autostart() const;
};

// Adds --socket, --state-dir, --no-autostart and --color to `app`; `opts` must outlive parsing.
void add_global_options(CLI::App& app, GlobalOptions& opts);

}  // namespace vhtask::client::rpc
