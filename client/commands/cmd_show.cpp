// `vhtask show EXEC [--json]`: one execution's parameters, command, state, exit code or signal,
// times and log path, and every attempt of the same permutation.

#include "client/commands/commands.h"
#include "client/rpc/global_options.h"
#include "client/rpc/paged_calls.h"
#include "client/rpc/session.h"
#include "client/view/execution_view.h"
#include "common/json_text.h"
#include "common/protocol/capabilities.h"
#include "common/protocol/protocol.h"

#include <iostream>
#include <memory>

namespace vhtask::client::commands {

namespace {

struct ShowOptions {
  std::int64_t execution = 0;
  bool json = false;
};

rpc::Outcome<int> run_show(const ShowOptions& opts, const rpc::GlobalOptions& global) {
  auto session = VHTASK_TRY(rpc::open_session(
      global, {common::protocol::k_cap_cmd_show, common::protocol::k_cap_byte_paging}));
  const auto result = VHTASK_TRY(rpc::fetch_show(session, opts.execution));
  if (opts.json) {
    std::cout << common::dump_json(result) << "\n";
  } else {
    std::cout << view::render_execution_detail(result, view::Style::for_stdout(global.color));
  }
  return rpc::k_exit_ok;
}

}  // namespace

void register_show(CLI::App& app, const rpc::GlobalOptions& global, int& exit_code) {
  auto opts = std::make_shared<ShowOptions>();
  CLI::App* cmd = app.add_subcommand(
      "show", "One execution: parameters, command, state, exit code, times, log, attempts");
  cmd->add_option("exec", opts->execution, "An execution id (the EXEC column of `status TASK`)")
      ->required();
  cmd->add_flag("--json", opts->json,
                "Print the daemon's result as JSON: {\"execution\", \"attempts\", \"metadata\", "
                "\"directory\", \"git_commit\", \"outputs\", ...}");
  cmd->callback(
      [opts, &global, &exit_code] { exit_code = rpc::exit_status(run_show(*opts, global)); });
}

}  // namespace vhtask::client::commands
