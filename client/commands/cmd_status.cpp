// `vhtask status [TASK] [--state STATE] [--limit N] [--watch] [--json]`
// Without TASK: recent tasks with per-state counts and progress. With TASK: its executions (id,
// index, state, exit code, duration, the parameters that vary in the task). --watch follows
// changes: on a terminal redrawn in place, until the task ends (without TASK: until Ctrl-C).

#include "client/commands/commands.h"
#include "client/commands/task_wait.h"
#include "client/rpc/global_options.h"
#include "client/rpc/session.h"
#include "client/view/execution_view.h"
#include "client/view/json_fields.h"
#include "client/view/progress.h"
#include "client/view/task_view.h"
#include "common/json_text.h"
#include "common/protocol/capabilities.h"
#include "common/protocol/protocol.h"
#include "common/protocol/states.h"

#include <fmt/format.h>

#include <algorithm>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

namespace vhtask::client::commands {

namespace {

namespace protocol = common::protocol;

struct StatusOptions {
  std::optional<std::int64_t> task;
  std::string state;
  std::optional<std::int64_t> limit;
  bool watch = false;
  bool json = false;
};

// The protocol filters a task's executions by state; the task list is filtered here, by the
// tasks' own state, since `state` is defined only for a task's rows.
boost::json::object request_params(const StatusOptions& opts) {
  boost::json::object params;
  if (opts.task) {
    params["task"] = *opts.task;
    if (!opts.state.empty()) {
      params["state"] = opts.state;
    }
  }
  if (opts.limit) {
    params["limit"] = *opts.limit;
  }
  return params;
}

// The status answer; for one task, every row asked for (all of them without --limit, else the
// last N), fetched page by page: the daemon sends at most 1,000 rows and about 768 KiB per answer
// (schema/protocol.md, "status").
rpc::Outcome<boost::json::object> fetch_status(rpc::Session& session, const StatusOptions& opts) {
  auto result = VHTASK_TRY(session.call(protocol::k_status, request_params(opts)));
  if (!opts.task) {
    return result;
  }
  auto* rows = result.if_contains("executions");
  const auto* total = result.if_contains("total");
  const auto* offset = result.if_contains("offset");
  if (rows == nullptr || !rows->is_array() || total == nullptr || !total->is_int64() ||
      offset == nullptr || !offset->is_int64()) {
    return result;  // an older daemon: it sent everything
  }
  auto& all = rows->as_array();
  const std::int64_t first = offset->as_int64();
  const std::int64_t end =
      opts.limit ? std::min(total->as_int64(), first + *opts.limit) : total->as_int64();
  std::int64_t next = first + static_cast<std::int64_t>(all.size());
  while (next < end) {
    auto params = request_params(opts);
    params["offset"] = next;
    params["limit"] = end - next;
    auto page = VHTASK_TRY(session.call(protocol::k_status, std::move(params)));
    auto* more = page.if_contains("executions");
    if (more == nullptr || !more->is_array() || more->as_array().empty()) {
      break;  // the task changed meanwhile; show what we have
    }
    next += static_cast<std::int64_t>(more->as_array().size());
    for (auto& row : more->as_array()) {
      all.push_back(std::move(row));
    }
  }
  if (result.contains("next_offset")) {
    result["next_offset"] = nullptr;  // all of it is here now
  }
  return result;
}

boost::json::array filter_tasks(const boost::json::array* tasks, const std::string& state) {
  boost::json::array out;
  if (tasks == nullptr) {
    return out;
  }
  for (const auto& item : *tasks) {
    const auto* task = item.if_object();
    if (task != nullptr && (state.empty() || view::string_field(*task, "state") == state)) {
      out.push_back(item);
    }
  }
  return out;
}

std::string render_task_detail(const boost::json::object& result, const StatusOptions& opts,
                               const view::Style& style) {
  static const boost::json::object k_empty;
  const auto* task = view::object_field(result, "task");
  std::string out = view::render_task_header(task ? *task : k_empty, style);
  std::vector<std::string> varying;
  if (const auto* names = task ? view::array_field(*task, "varying") : nullptr) {
    for (const auto& name : *names) {
      if (name.is_string()) {
        varying.emplace_back(name.as_string());
      }
    }
  }
  const auto* executions = view::array_field(result, "executions");
  if (executions == nullptr || executions->empty()) {
    return out + (opts.state.empty() ? "No execution has started yet.\n"
                                     : fmt::format("No execution is {}.\n", opts.state));
  }
  return out + "\n" + view::render_execution_table(*executions, varying, style);
}

// What the daemon found wrong at start-up (a lost database: schema/protocol.md, "status"), on
// stderr, so a table or --json on stdout stays as it was.
void print_warnings(const boost::json::object& result) {
  if (const auto* warnings = view::array_field(result, "warnings")) {
    for (const auto& warning : *warnings) {
      if (warning.is_string()) {
        std::cerr << "vhtask: warning: " << std::string_view(warning.as_string()) << "\n";
      }
    }
  }
}

// The daemon-wide `stalled` member as a line above the table; "" while the daemon works.
std::string render_stall(const boost::json::object& result) {
  const auto* stall = view::object_field(result, "stalled");
  if (stall == nullptr) {
    return "";
  }
  std::string line = fmt::format("Stalled since {}: {}", view::string_field(*stall, "since"),
                                 view::string_field(*stall, "reason"));
  if (const auto* pending = stall->if_contains("pending_writes");
      pending != nullptr && pending->is_int64() && pending->get_int64() > 0) {
    line += fmt::format(" ({} writes waiting)", pending->get_int64());
  }
  return line + ". Nothing new starts until it passes; vhtaskd retries by itself.\n";
}

// Prints one status result (a task's, or the task list).
void print_result(boost::json::object result, const StatusOptions& opts, const view::Style& style) {
  print_warnings(result);
  if (!opts.json) {
    std::cout << render_stall(result);
  }
  if (!opts.task) {
    auto tasks = filter_tasks(view::array_field(result, "tasks"), opts.state);
    if (opts.json) {
      result["tasks"] = std::move(tasks);
      std::cout << common::dump_json(result) << "\n";
    } else {
      std::cout << view::render_task_list(tasks, style);
      if (const auto* cut = result.if_contains("truncated");
          cut && cut->is_bool() && cut->get_bool()) {
        std::cout << "(Older tasks did not fit one answer; ask for fewer with --limit.)\n";
      }
    }
    return;
  }
  std::cout << (opts.json ? common::dump_json(result) + "\n"
                          : render_task_detail(result, opts, style));
}

// --watch with a task: progress until the daemon ends the stream (the task ended), then the
// final status.
rpc::Outcome<int> watch_task(rpc::Session& session, const StatusOptions& opts,
                             const view::Style& style) {
  view::LiveDisplay live(stdout);
  auto params = request_params(opts);
  params["watch"] = true;
  params["limit"] = 1;  // the rows come from the status call after the stream
  auto done = session.stream(
      protocol::k_status, std::move(params), [&](const common::protocol::Notification& n) {
        const auto* task = view::object_field(n.params, "task");
        if (n.method != "status.update" || task == nullptr || !style.live || opts.json) {
          return;
        }
        const auto progress = view::TaskProgress::from_summary(*task);
        live.show(
            fmt::format("Task {}: {}\n{}", *opts.task,
                        style.paint(progress.state, view::state_color(progress.state)),
                        view::progress_line(progress, style,
                                            static_cast<std::size_t>(view::terminal_width() - 1))));
      });
  live.clear();
  VHTASK_TRY(std::move(done));
  print_result(VHTASK_TRY(fetch_status(session, opts)), opts, style);
  return rpc::k_exit_ok;
}

// --watch without a task: the list on every update; the daemon never ends this stream.
rpc::Outcome<int> watch_tasks(rpc::Session& session, const StatusOptions& opts,
                              const view::Style& style) {
  view::LiveDisplay live(stdout);
  auto params = request_params(opts);
  params["watch"] = true;
  auto done = session.stream(
      protocol::k_status, std::move(params), [&](const common::protocol::Notification& n) {
        if (n.method != "status.update" || view::array_field(n.params, "tasks") == nullptr) {
          return;
        }
        auto tasks = filter_tasks(view::array_field(n.params, "tasks"), opts.state);
        if (opts.json) {
          std::cout << common::dump_json(boost::json::object{{"tasks", std::move(tasks)}})
                    << std::endl;
        } else if (style.live) {
          auto text = view::render_task_list(tasks, style);
          text.pop_back();  // LiveDisplay wants no trailing newline
          live.show(text);
        } else {
          std::cout << view::render_task_list(tasks, style) << std::endl;
        }
      });
  if (style.live && !opts.json) {
    std::cout << "\n";
  }
  VHTASK_TRY(std::move(done));
  return rpc::k_exit_ok;
}

rpc::Outcome<int> run_status(const StatusOptions& opts, const rpc::GlobalOptions& global) {
  const view::Style style = view::Style::for_stdout(global.color);
  std::vector<std::string> required = {common::protocol::k_cap_cmd_status};
  if (opts.watch) {
    required.emplace_back(common::protocol::k_cap_status_watch);
  }
  auto session = VHTASK_TRY(rpc::open_session(global, std::move(required)));
  if (opts.watch) {
    return opts.task ? watch_task(session, opts, style) : watch_tasks(session, opts, style);
  }
  print_result(VHTASK_TRY(fetch_status(session, opts)), opts, style);
  return rpc::k_exit_ok;
}

// What --state accepts: every execution state, in order, then `running`, the one task state that
// is not also an execution state.
std::vector<std::string> state_names() {
  std::vector<std::string> names;
  for (const ExecutionState state : all_execution_states()) {
    names.emplace_back(to_string(state));
  }
  names.emplace_back(to_string(TaskState::running));
  return names;
}

}  // namespace

void register_status(CLI::App& app, const rpc::GlobalOptions& global, int& exit_code) {
  auto opts = std::make_shared<StatusOptions>();
  CLI::App* cmd =
      app.add_subcommand("status", "Recent tasks with their progress, or one task's executions");
  cmd->add_option("task", opts->task, "A task id: list its executions");
  cmd->add_option("-s,--state", opts->state,
                  "Only executions in this state (with TASK), or tasks in this state")
      ->check(CLI::IsMember(state_names()));
  cmd->add_option("-n,--limit", opts->limit,
                  "At most N tasks (default 20), or a task's last N executions")
      ->check(CLI::PositiveNumber);
  cmd->add_flag("-w,--watch", opts->watch,
                "Follow changes (redrawn in place on a terminal) until the task ends; without "
                "TASK until interrupted");
  cmd->add_flag("--json", opts->json,
                "Print the daemon's result as JSON: {\"tasks\": [...]}, or {\"task\", "
                "\"executions\"} for a TASK");
  cmd->callback(
      [opts, &global, &exit_code] { exit_code = rpc::exit_status(run_status(*opts, global)); });
}

}  // namespace vhtask::client::commands
