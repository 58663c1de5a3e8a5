// `vhtask parallel N [--task TASK]`: how many executions may run at once, for the whole daemon
// or for one task.

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

struct ParallelOptions {
  std::int64_t limit = 0;
  std::optional<std::int64_t> task;
  bool json = false;
};

rpc::Outcome<int> run_parallel(const ParallelOptions& opts, const rpc::GlobalOptions& global) {
  boost::json::object params{{"limit", opts.limit}};
  if (opts.task) {
    params["task"] = *opts.task;
  }
  auto session = VHTASK_TRY(rpc::open_session(global, {common::protocol::k_cap_cmd_parallel}));
  const auto result = VHTASK_TRY(session.call(common::protocol::k_parallel, std::move(params)));
  if (opts.json) {
    std::cout << common::dump_json(result) << "\n";
    return rpc::k_exit_ok;
  }
  const auto limit = view::int_field(result, "limit").value_or(opts.limit);
  if (const auto task = view::int_field(result, "task")) {
    std::cout << "Task " << *task << " runs at most " << limit << " at once\n";
  } else {
    std::cout << "At most " << limit << " executions run at once\n";
  }
  return rpc::k_exit_ok;
}

}  // namespace

void register_parallel(CLI::App& app, const rpc::GlobalOptions& global, int& exit_code) {
  auto opts = std::make_shared<ParallelOptions>();
  CLI::App* cmd = app.add_subcommand(
      "parallel", "Set how many executions run at once (all tasks, or one with --task)");
  cmd->add_option("limit", opts->limit, "The number of executions")
      ->required()
      ->check(CLI::NonNegativeNumber);
  cmd->add_option("-t,--task", opts->task, "Set the limit of this task only");
  cmd->add_flag("--json", opts->json, "Print the daemon's result as JSON: {\"limit\", \"task\"}");
  cmd->callback(
      [opts, &global, &exit_code] { exit_code = rpc::exit_status(run_parallel(*opts, global)); });
}

}  // namespace vhtask::client::commands
