// `vhtask parallel N [--task TASK]`: how many executions may run at once, for the whole daemon
// or for one task.

#include "client/commands.h"
#include "client/global_options.h"
#include "client/json_fields.h"
#include "client/session.h"
#include "common/json_text.h"
#include "common/protocol/protocol.h"

#include <iostream>
#include <memory>

namespace vhtask::client {

namespace {

struct ParallelOptions {
  std::int64_t limit = 0;
  std::optional<std::int64_t> task;
  bool json = false;
};

Outcome<int> run_parallel(const ParallelOptions& opts, const GlobalOptions& global) {
  boost::json::object params{{"limit", opts.limit}};
  if (opts.task) {
    params["task"] = *opts.task;
  }
  auto session = VHTASK_TRY(open_session(global, {"cmd-parallel"}));
  const auto result = VHTASK_TRY(session.call(common::protocol::k_parallel, std::move(params)));
  if (opts.json) {
    std::cout << common::dump_json(result) << "\n";
    return k_exit_ok;
  }
  const auto limit = int_field(result, "limit").value_or(opts.limit);
  if (const auto task = int_field(result, "task")) {
    std::cout << "Task " << *task << " runs at most " << limit << " at once\n";
  } else {
    std::cout << "At most " << limit << " executions run at once\n";
  }
  return k_exit_ok;
}

}  // namespace

void register_parallel(CLI::App& app, const GlobalOptions& global, int& exit_code) {
  auto opts = std::make_shared<ParallelOptions>();
  CLI::App* cmd = app.add_subcommand(
      "parallel", "Set how many executions run at once (all tasks, or one with --task)");
  cmd->add_option("limit", opts->limit, "The number of executions")
      ->required()
      ->check(CLI::NonNegativeNumber);
  cmd->add_option("-t,--task", opts->task, "Set the limit of this task only");
  cmd->add_flag("--json", opts->json, "Print the daemon's result as JSON: {\"limit\", \"task\"}");
  cmd->callback(
      [opts, &global, &exit_code] { exit_code = exit_status(run_parallel(*opts, global)); });
}

}  // namespace vhtask::client
