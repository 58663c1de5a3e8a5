// `vhtask stop TASK` / `vhtask stop --exec EXEC...`: stops a whole task (its queue is dropped,
// running executions get SIGTERM, then SIGKILL after a grace period) or the given executions.
// A bare number is a task id; --exec makes every number an execution id, so the two never mix.

#include "client/commands/commands.h"
#include "client/rpc/global_options.h"
#include "client/rpc/session.h"
#include "client/view/json_fields.h"
#include "common/json_text.h"
#include "common/protocol/capabilities.h"
#include "common/protocol/protocol.h"

#include <iostream>
#include <memory>

namespace vhtask::client::commands {

namespace {

struct StopOptions {
  std::vector<std::int64_t> ids;
  bool executions = false;
  bool json = false;
};

rpc::Outcome<int> run_stop(const StopOptions& opts, const rpc::GlobalOptions& global) {
  if (!opts.executions && opts.ids.size() != 1) {
    return rpc::Failure::usage("stop takes one task id, or --exec and execution ids",
                               "stop a task with `vhtask stop TASK`, executions with "
                               "`vhtask stop --exec EXEC...`");
  }
  boost::json::object params;
  if (opts.executions) {
    boost::json::array ids;
    for (const auto id : opts.ids) {
      ids.emplace_back(id);
    }
    params["executions"] = std::move(ids);
  } else {
    params["task"] = opts.ids.front();
  }
  auto session = VHTASK_TRY(rpc::open_session(global, {common::protocol::k_cap_cmd_stop}));
  const auto result = VHTASK_TRY(session.call(common::protocol::k_stop, std::move(params)));
  if (opts.json) {
    std::cout << common::dump_json(result) << "\n";
    return rpc::k_exit_ok;
  }
  const auto stopped = view::int_field(result, "stopped").value_or(0);
  std::cout << "Stopped " << stopped << (stopped == 1 ? " execution" : " executions");
  if (!opts.executions) {
    std::cout << " of task " << opts.ids.front();
  }
  std::cout << (stopped == 0 ? " (nothing was queued or running)" : "") << "\n";
  return rpc::k_exit_ok;
}

}  // namespace

void register_stop(CLI::App& app, const rpc::GlobalOptions& global, int& exit_code) {
  auto opts = std::make_shared<StopOptions>();
  CLI::App* cmd =
      app.add_subcommand("stop", "Stop a task (`stop TASK`) or executions (`stop --exec EXEC...`)");
  cmd->add_option("ids", opts->ids, "A task id; with --exec, one or more execution ids")
      ->required();
  cmd->add_flag("-e,--exec", opts->executions, "Read the numbers as execution ids, not a task id");
  cmd->add_flag("--json", opts->json, "Print the daemon's result as JSON: {\"stopped\": N}");
  cmd->callback(
      [opts, &global, &exit_code] { exit_code = rpc::exit_status(run_stop(*opts, global)); });
}

}  // namespace vhtask::client::commands
