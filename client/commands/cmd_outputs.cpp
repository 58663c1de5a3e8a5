// `vhtask outputs EXEC [--json]`: the files execution EXEC wrote to its VH_OUTPUTS_DIR, one
// absolute path a line (so `vhtask outputs 12 | xargs ls -l` works), or as JSON.

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

struct OutputsOptions {
  std::int64_t execution = 0;
  bool json = false;
};

rpc::Outcome<int> run_outputs(const OutputsOptions& opts, const rpc::GlobalOptions& global) {
  // `show` carries the listing (capability "outputs"); its first page is enough, since the pages
  // differ only in metadata (capability "byte-paging").
  auto session = VHTASK_TRY(
      rpc::open_session(global, {common::protocol::k_cap_cmd_show, common::protocol::k_cap_outputs,
                                 common::protocol::k_cap_byte_paging}));
  const auto result = VHTASK_TRY(session.call(
      common::protocol::k_show, {{"execution", opts.execution}, {"metadata_offset", 0}}));
  static const boost::json::array k_none;
  const auto* found = view::array_field(result, "outputs");
  const auto& files = found != nullptr ? *found : k_none;
  if (opts.json) {
    boost::json::array out;
    for (const auto& file : files) {
      if (const auto* object = file.if_object()) {
        out.push_back(boost::json::object{{"name", view::string_field(*object, "name")},
                                          {"path", view::string_field(*object, "path")},
                                          {"size", view::int_field(*object, "size").value_or(0)}});
      }
    }
    std::cout << common::dump_json(out) << "\n";
  } else {
    for (const auto& file : files) {
      if (const auto* object = file.if_object()) {
        std::cout << view::string_field(*object, "path") << "\n";
      }
    }
  }
  const auto total = view::int_field(result, "outputs_total").value_or(0);
  if (total > static_cast<std::int64_t>(files.size())) {
    std::cerr << "vhtask: only the first " << files.size() << " of " << total
              << " files are listed; the rest are in " << view::string_field(result, "outputs_dir")
              << "\n";
  }
  return rpc::k_exit_ok;
}

}  // namespace

void register_outputs(CLI::App& app, const rpc::GlobalOptions& global, int& exit_code) {
  auto opts = std::make_shared<OutputsOptions>();
  CLI::App* cmd = app.add_subcommand(
      "outputs", "The files an execution wrote to its VH_OUTPUTS_DIR, one path a line");
  cmd->add_option("exec", opts->execution, "An execution id (the EXEC column of `status TASK`)")
      ->required();
  cmd->add_flag("--json", opts->json,
                "Print a JSON array of {\"name\", \"path\", \"size\"} (name relative to the "
                "outputs directory)");
  cmd->callback(
      [opts, &global, &exit_code] { exit_code = rpc::exit_status(run_outputs(*opts, global)); });
}

}  // namespace vhtask::client::commands
