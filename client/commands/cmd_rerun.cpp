// `vhtask rerun EXEC...` and `vhtask rerun --failed TASK`: new attempts of executions (the same
// parameters and command), queued ahead of their task's queue.

#include "client/commands/commands.h"
#include "client/rpc/global_options.h"
#include "client/rpc/session.h"
#include "client/view/execution_view.h"
#include "client/view/json_fields.h"
#include "common/json_text.h"
#include "common/protocol/capabilities.h"
#include "common/protocol/protocol.h"

#include <iostream>
#include <memory>

namespace vhtask::client::commands {

namespace {

struct RerunOptions {
  std::vector<std::int64_t> executions;
  std::optional<std::int64_t> failed_task;
  bool json = false;
};

boost::json::object request_params(const RerunOptions& opts) {
  if (opts.failed_task) {
    return {{"task", *opts.failed_task}, {"failed", true}};
  }
  boost::json::array ids;
  for (const auto id : opts.executions) {
    ids.emplace_back(id);
  }
  return {{"executions", std::move(ids)}};
}

rpc::Outcome<int> run_rerun(const RerunOptions& opts, const rpc::GlobalOptions& global) {
  if (opts.executions.empty() == !opts.failed_task.has_value()) {
    return rpc::Failure::usage("name the executions to rerun, or --failed TASK (not both)",
                               "see `vhtask rerun --help`");
  }
  auto session = VHTASK_TRY(rpc::open_session(global, {common::protocol::k_cap_cmd_rerun}));
  const auto result = VHTASK_TRY(session.call(common::protocol::k_rerun, request_params(opts)));
  if (opts.json) {
    std::cout << common::dump_json(result) << "\n";
    return rpc::k_exit_ok;
  }
  const auto* queued = view::array_field(result, "executions");
  if (queued == nullptr || queued->empty()) {
    std::cout << "Nothing to rerun"
              << (opts.failed_task ? ": no execution of that task failed" : "") << ".\n";
    return rpc::k_exit_ok;
  }
  std::cout << "Queued " << queued->size() << (queued->size() == 1 ? " rerun" : " reruns") << ":\n"
            << view::render_execution_table(*queued, {}, view::Style::for_stdout(global.color));
  return rpc::k_exit_ok;
}

}  // namespace

void register_rerun(CLI::App& app, const rpc::GlobalOptions& global, int& exit_code) {
  auto opts = std::make_shared<RerunOptions>();
  CLI::App* cmd =
      app.add_subcommand("rerun",
                         "Run executions again with the same parameters: `rerun EXEC...` or "
                         "`rerun --failed TASK`");
  auto* execs = cmd->add_option("exec", opts->executions, "Execution ids to run again");
  auto* failed = cmd->add_option("--failed", opts->failed_task,
                                 "Rerun every execution of task TASK that ended in error, "
                                 "crashed or was stopped");
  failed->excludes(execs);
  cmd->add_flag("--json", opts->json, "Print the daemon's result as JSON: {\"executions\"}");
  cmd->callback(
      [opts, &global, &exit_code] { exit_code = rpc::exit_status(run_rerun(*opts, global)); });
}

}  // namespace vhtask::client::commands
