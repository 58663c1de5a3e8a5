// `vhtask outputs EXEC [--json]`: the files execution EXEC wrote to its VH_OUTPUTS_DIR, one
// absolute path a line (so `vhtask outputs 12 | xargs ls -l` works), or as JSON.

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

struct OutputsOptions {
  std::int64_t execution = 0;
  bool json = false;
};

Outcome<int> run_outputs(const OutputsOptions& opts, const GlobalOptions& global) {
  // `show` carries the listing (capability "outputs"); its first page is enough, since the pages
  // differ only in metadata (capability "byte-paging").
  auto session = VHTASK_TRY(open_session(global, {"cmd-show", "outputs", "byte-paging"}));
  const auto result = VHTASK_TRY(session.call(
      common::protocol::k_show, {{"execution", opts.execution}, {"metadata_offset", 0}}));
  static const boost::json::array k_none;
  const auto* found = array_field(result, "outputs");
  const auto& files = found != nullptr ? *found : k_none;
  if (opts.json) {
    boost::json::array out;
    for (const auto& file : files) {
      if (const auto* object = file.if_object()) {
        out.push_back(boost::json::object{{"name", string_field(*object, "name")},
                                          {"path", string_field(*object, "path")},
                                          {"size", int_field(*object, "size").value_or(0)}});
      }
    }
    std::cout << common::dump_json(out) << "\n";
  } else {
    for (const auto& file : files) {
      if (const auto* object = file.if_object()) {
        std::cout << string_field(*object, "path") << "\n";
      }
    }
  }
  const auto total = int_field(result, "outputs_total").value_or(0);
  if (total > static_cast<std::int64_t>(files.size())) {
    std::cerr << "vhtask: only the first " << files.size() << " of " << total
              << " files are listed; the rest are in " << string_field(result, "outputs_dir")
              << "\n";
  }
  return k_exit_ok;
}

}  // namespace

void register_outputs(CLI::App& app, const GlobalOptions& global, int& exit_code) {
  auto opts = std::make_shared<OutputsOptions>();
  CLI::App* cmd = app.add_subcommand(
      "outputs", "The files an execution wrote to its VH_OUTPUTS_DIR, one path a line");
  cmd->add_option("exec", opts->execution, "An execution id (the EXEC column of `status TASK`)")
      ->required();
  cmd->add_flag("--json", opts->json,
                "Print a JSON array of {\"name\", \"path\", \"size\"} (name relative to the "
                "outputs directory)");
  cmd->callback(
      [opts, &global, &exit_code] { exit_code = exit_status(run_outputs(*opts, global)); });
}

}  // namespace vhtask::client
