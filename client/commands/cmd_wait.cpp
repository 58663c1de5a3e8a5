// `vhtask wait TASK [--json]`: blocks until the task ends (a progress bar on a terminal); exits 0
// if it ended complete, 1 otherwise.

#include "client/commands/commands.h"
#include "client/commands/task_wait.h"
#include "client/rpc/global_options.h"
#include "client/rpc/session.h"
#include "client/view/task_view.h"
#include "common/json_text.h"
#include "common/protocol/capabilities.h"

#include <iostream>
#include <memory>

namespace vhtask::client::commands {

namespace {

struct WaitOptions {
  std::int64_t task = 0;
  bool json = false;
};

rpc::Outcome<int> run_wait(const WaitOptions& opts, const rpc::GlobalOptions& global) {
  const view::Style style = view::Style::for_stdout(global.color);
  auto session = VHTASK_TRY(rpc::open_session(
      global, {common::protocol::k_cap_cmd_wait},
      {common::protocol::k_cap_cmd_status, common::protocol::k_cap_status_watch}));
  auto summary = VHTASK_TRY(wait_for_task(session, opts.task, style, !opts.json));
  if (opts.json) {
    std::cout << common::dump_json(boost::json::object{{"task", summary}}) << "\n";
  } else {
    std::cout << view::render_task_outcome(summary, style);
  }
  return task_exit_status(summary);
}

}  // namespace

void register_wait(CLI::App& app, const rpc::GlobalOptions& global, int& exit_code) {
  auto opts = std::make_shared<WaitOptions>();
  CLI::App* cmd = app.add_subcommand(
      "wait",
      "Wait for a task to end; exit 0 if every execution completed or the task's "
      "stop-condition was met, 1 otherwise");
  cmd->add_option("task", opts->task, "A task id")->required();
  cmd->add_flag("--json", opts->json,
                "Print the daemon's result as JSON: {\"task\": {...}} once the task has ended");
  cmd->callback(
      [opts, &global, &exit_code] { exit_code = rpc::exit_status(run_wait(*opts, global)); });
}

}  // namespace vhtask::client::commands
