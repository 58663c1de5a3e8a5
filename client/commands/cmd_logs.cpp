// `vhtask logs EXEC [-f] [--tail N] [--json]`: an execution's output. With -f, follows it as it
// grows until the execution ends; then exits 0 if it completed, 1 otherwise. Log text goes to
// stdout raw, as it arrives. A follower that loses the daemon (restarted) reconnects and resumes
// at the log offset it has printed up to (`end` of the last chunk, capability `logs-offset`),
// so every byte is printed exactly once.

#include "client/commands/commands.h"
#include "client/rpc/global_options.h"
#include "client/rpc/session.h"
#include "client/view/json_fields.h"
#include "common/json_text.h"
#include "common/protocol/capabilities.h"
#include "common/protocol/protocol.h"

#include <fmt/format.h>

#include <cstdio>
#include <iostream>
#include <memory>

namespace vhtask::client::commands {

namespace {

struct LogsOptions {
  std::int64_t execution = 0;
  bool follow = false;
  std::optional<std::int64_t> tail;
  bool json = false;
};

void write_raw(std::string_view text) {
  std::fwrite(text.data(), 1, text.size(), stdout);
  std::fflush(stdout);
}

rpc::Outcome<int> run_logs(const LogsOptions& opts, const rpc::GlobalOptions& global) {
  std::vector<std::string> required = {common::protocol::k_cap_cmd_logs};
  if (opts.follow) {
    required.emplace_back(common::protocol::k_cap_logs_follow);
  }
  auto session = VHTASK_TRY(
      rpc::open_session(global, std::move(required), {common::protocol::k_cap_logs_offset}));
  std::optional<std::int64_t> printed_to;  // the log offset printed up to, from chunks' `end`
  bool offsets_known = true;               // false once a chunk came without `end`
  int attempts = 0;
  const auto attempt = [&]() -> rpc::Outcome<boost::json::object> {
    if (attempts++ > 0 && printed_to &&
        (!offsets_known || !session.has(common::protocol::k_cap_logs_offset))) {
      return rpc::Failure::unreachable(
          "reconnected to vhtaskd, but it cannot resume the log where this client stopped "
          "(capability logs-offset)",
          fmt::format("run `vhtask logs {}` to see the rest", opts.execution));
    }
    boost::json::object params{{"execution", opts.execution}};
    if (printed_to) {
      params["offset"] = *printed_to;
    } else if (opts.tail) {
      params["tail"] = *opts.tail;
    }
    if (opts.follow) {
      params["follow"] = true;
    }
    // --json: one line per chunk ({"execution", "text", "end"}), then the final result.
    return session.stream(common::protocol::k_logs, std::move(params),
                          [&](const common::protocol::Notification& n) {
                            if (n.method != "logs.output") {
                              return;
                            }
                            if (opts.json) {
                              auto chunk = n.params;
                              chunk.erase("request");
                              std::cout << common::dump_json(chunk) << std::endl;
                            } else {
                              write_raw(view::string_field(n.params, "text"));
                            }
                            if (const auto end = view::int_field(n.params, "end")) {
                              printed_to = *end;
                            } else {
                              offsets_known = false;
                            }
                          });
  };
  const auto final = VHTASK_TRY(opts.follow ? session.resume(attempt) : attempt());
  if (opts.json) {
    std::cout << common::dump_json(final) << "\n";
  } else {
    write_raw(view::string_field(final, "text"));
  }
  if (!opts.follow) {
    return rpc::k_exit_ok;
  }
  return view::string_field(final, "state") == "complete" ? rpc::k_exit_ok : rpc::k_exit_failed;
}

}  // namespace

void register_logs(CLI::App& app, const rpc::GlobalOptions& global, int& exit_code) {
  auto opts = std::make_shared<LogsOptions>();
  CLI::App* cmd = app.add_subcommand("logs", "An execution's output (stdout and stderr)");
  cmd->add_option("exec", opts->execution, "An execution id")->required();
  cmd->add_flag("-f,--follow", opts->follow,
                "Follow the log until the execution ends; exit 0 if it completed, 1 otherwise");
  cmd->add_option("-n,--tail", opts->tail, "Only the last N lines (then follow from there)")
      ->check(CLI::NonNegativeNumber);
  cmd->add_flag("--json", opts->json,
                "Print JSON: the daemon's result; with -f one {\"execution\", \"text\"} line per "
                "chunk, then the final {\"execution\", \"state\", \"exit_code\", \"signal\"}");
  cmd->callback(
      [opts, &global, &exit_code] { exit_code = rpc::exit_status(run_logs(*opts, global)); });
}

}  // namespace vhtask::client::commands
