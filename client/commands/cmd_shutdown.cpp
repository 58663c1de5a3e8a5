// `vhtask shutdown [--json]`: asks vhtaskd to exit. Running executions keep running; the next
// daemon reattaches to them. Never starts a daemon just to stop it.

#include "client/commands/commands.h"
#include "client/rpc/global_options.h"
#include "client/rpc/session.h"
#include "common/json_text.h"
#include "common/protocol/capabilities.h"
#include "common/protocol/protocol.h"

#include <cerrno>
#include <iostream>
#include <memory>

namespace vhtask::client::commands {

namespace {

rpc::Outcome<int> run_shutdown(bool json, const rpc::GlobalOptions& global) {
  // Probe first (and close the probe at once): a daemon that is not running needs no stopping.
  const int probe_error = rpc::connect_unix(global.socket_path()).error;
  if (probe_error == ENOENT || probe_error == ECONNREFUSED) {
    std::cout << (json ? "{\"running\":false}" : "vhtaskd is not running") << "\n";
    return rpc::k_exit_ok;
  }
  rpc::GlobalOptions no_start = global;
  no_start.no_autostart = true;
  auto session = VHTASK_TRY(rpc::open_session(no_start, {common::protocol::k_cap_cmd_shutdown}));
  const auto result = VHTASK_TRY(session.call(common::protocol::k_shutdown, {}));
  if (json) {
    std::cout << common::dump_json(result) << "\n";
  } else {
    std::cout << "vhtaskd is shutting down; running executions keep running\n";
  }
  return rpc::k_exit_ok;
}

}  // namespace

void register_shutdown(CLI::App& app, const rpc::GlobalOptions& global, int& exit_code) {
  auto json = std::make_shared<bool>(false);
  CLI::App* cmd =
      app.add_subcommand("shutdown",
                         "Stop vhtaskd; running executions keep running and are picked up again by "
                         "the next daemon");
  cmd->add_flag("--json", *json, "Print the daemon's result as JSON");
  cmd->callback(
      [json, &global, &exit_code] { exit_code = rpc::exit_status(run_shutdown(*json, global)); });
}

}  // namespace vhtask::client::commands
