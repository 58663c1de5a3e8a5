// `vhtask render STEP [-f FILE] [--param NAME=VALUE]... [--json]`: the command Valohai would run.

#include "client/commands/commands.h"
#include "client/commands/config_file.h"
#include "common/json_text.h"
#include "common/render/render.h"

#include <iostream>
#include <memory>

namespace vhtask::client::commands {

namespace {

struct RenderOptions {
  std::string step;
  std::string file = k_default_config;
  std::vector<std::string> params;
  bool json = false;
};

int run_render(const RenderOptions& opts) {
  const auto loaded = load_config_or_report(opts.file);
  if (!loaded) {
    return rpc::k_exit_usage;
  }
  const common::valohai::Step* step = find_step_or_report(loaded->config, opts.step);
  if (step == nullptr) {
    return rpc::k_exit_usage;
  }
  const auto given = common::valohai::parse_parameter_args(*step, opts.params);
  if (!given) {
    std::cerr << given.error().message << "\n";
    return rpc::k_exit_usage;
  }
  const auto effective = common::valohai::effective_values(*step, *given);
  // Missing required parameters don't stop a render: it shows what the reference would build.
  // They do stop `start`.
  const auto problems = common::valohai::validate_values(*step, effective, false);
  for (const auto& problem : problems) {
    std::cerr << problem << "\n";
  }
  if (!problems.empty()) {
    return rpc::k_exit_usage;
  }
  const auto command = common::render::render_command(*step, *given);
  if (!command) {
    std::cerr << "vhtask: step '" << step->name << "': " << command.error().message << "\n";
    return rpc::k_exit_usage;
  }
  if (!opts.json) {
    std::cout << *command << "\n";
    return rpc::k_exit_ok;
  }
  boost::json::object parameters;
  for (const auto& p : step->parameters) {
    if (auto it = effective.find(p.name); it != effective.end()) {
      parameters[p.name] = common::to_json(it->second);
    }
  }
  boost::json::object out{{"step", step->name}, {"command", *command}, {"parameters", parameters}};
  std::cout << common::dump_json(out) << "\n";
  return rpc::k_exit_ok;
}

}  // namespace

void register_render(CLI::App& app, int& exit_code) {
  auto opts = std::make_shared<RenderOptions>();
  CLI::App* cmd =
      app.add_subcommand("render", "Print the command a step runs, rendered as Valohai does");
  cmd->add_option("step", opts->step, "The step's name")->required();
  cmd->add_option("-f,--file", opts->file, "The valohai.yaml to read")->capture_default_str();
  cmd->add_option("-p,--param", opts->params, "A parameter value, NAME=VALUE (repeatable)");
  cmd->add_flag("--json", opts->json, "Print {\"step\", \"command\", \"parameters\"} as JSON");
  cmd->callback([opts, &exit_code] { exit_code = run_render(*opts); });
}

}  // namespace vhtask::client::commands
