// `vhtask start STEP [-f FILE] [--grid GRID | --task NAME] [--param N=V]... [--dry-run] [--json]`
// Expands the search; with --dry-run prints the executions without starting anything.

#include "client/commands.h"
#include "client/config_file.h"
#include "client/search_file.h"
#include "client/stream_out.h"
#include "common/json_text.h"
#include "common/render.h"
#include "common/task_plan.h"

#include <unistd.h>

#include <iostream>
#include <memory>

namespace vhtask::client {

namespace {

struct StartOptions {
  std::string step;
  std::string file = k_default_config;
  std::string grid;
  std::string task;
  std::vector<std::string> params;
  std::optional<std::uint64_t> seed;
  bool dry_run = false;
  bool json = false;
  bool yes = false;
};

// Searches larger than this ask before starting (--yes answers in advance).
constexpr std::uint64_t k_confirm_above = 10'000;

// True when the user agrees to start `count` executions: asked on a terminal, refused elsewhere.
bool confirm_large_search(std::uint64_t count) {
  if (!isatty(STDIN_FILENO)) {
    std::cerr << "vhtask: this search has " << count << " executions (over "
              << k_confirm_above << "); pass --yes to start it without a terminal to confirm\n";
    return false;
  }
  std::cerr << "This search has " << count << " executions. Start them all? [y/N] ";
  std::string answer;
  std::getline(std::cin, answer);
  return answer == "y" || answer == "Y" || answer == "yes";
}

// Prints every execution: "N executions" then INDEX<TAB>COMMAND lines, or one JSON document
// {"count", "seed", "executions": [...]}, streamed so a million executions never sit in memory.
int print_dry_run(const common::Step& step, const common::TaskPlan& plan, bool json) {
  StreamOut out(stdout);
  if (!json) {
    out << std::to_string(plan.count()) << (plan.count() == 1 ? " execution\n" : " executions\n");
  } else {
    out << "{\"count\":" << std::to_string(plan.count()) << ",\"seed\":" << std::to_string(plan.seed())
        << ",\"executions\":[";
  }
  for (std::uint64_t i = 0; i < plan.count(); ++i) {
    const auto values = plan.values_at(i);
    auto command = values ? common::render_command(step, *values)
                          : Result<std::string>(values.error());
    if (!command) {
      out.flush();
      std::cerr << "vhtask: execution " << i << ": " << command.error().message << "\n";
      return k_exit_usage;
    }
    if (!json) {
      out << std::to_string(i) << "\t" << *command << "\n";
      continue;
    }
    boost::json::object parameters;
    for (const auto& [name, value] : common::effective_values(step, *values)) {
      parameters[name] = common::to_json(value);
    }
    boost::json::object item;
    item["index"] = i;
    item["parameters"] = std::move(parameters);
    item["command"] = *command;
    out << (i == 0 ? "" : ",") << common::dump_json(item);
  }
  if (json) {
    out << "]}\n";
  }
  return k_exit_ok;
}

int run_start(const StartOptions& opts) {
  const auto search = load_search_or_report(opts.file, opts.step, opts.grid, opts.task);
  if (!search) {
    return k_exit_usage;
  }
  const auto fixed = common::parse_parameter_args(*search->step, opts.params);
  if (!fixed) {
    std::cerr << fixed.error().message << "\n";
    return k_exit_usage;
  }
  const auto plan = common::TaskPlan::create(*search->step, search->spec, *fixed, opts.seed);
  if (!plan) {
    std::cerr << plan.error().message << "\n";
    return k_exit_usage;
  }
  if (opts.dry_run) {
    return print_dry_run(*search->step, *plan, opts.json);
  }
  if (plan->count() > k_confirm_above && !opts.yes && !confirm_large_search(plan->count())) {
    return k_exit_usage;
  }
  std::cerr << "vhtask: starting executions needs the daemon, which is not part of this build "
               "yet; use --dry-run to see the executions\n";
  return k_exit_unreachable;
}

}  // namespace

void register_start(CLI::App& app, int& exit_code) {
  auto opts = std::make_shared<StartOptions>();
  CLI::App* cmd = app.add_subcommand("start", "Start a step over a parameter search");
  cmd->add_option("step", opts->step, "The step to run (optional with --task)");
  cmd->add_option("-f,--file", opts->file, "The valohai.yaml to read")->capture_default_str();
  auto* grid = cmd->add_option("-g,--grid", opts->grid, "A grid file (the fields of a - task:)");
  auto* task = cmd->add_option("-t,--task", opts->task, "A - task: blueprint in valohai.yaml");
  grid->excludes(task);
  cmd->add_option("-p,--param", opts->params,
                  "Fix a parameter for every execution, NAME=VALUE (repeatable)");
  cmd->add_option("--seed", opts->seed, "Seed for random variants (default: drawn and recorded)");
  cmd->add_flag("-n,--dry-run", opts->dry_run, "Print the executions; start nothing");
  cmd->add_flag("--json", opts->json, "Print JSON");
  cmd->add_flag("-y,--yes", opts->yes, "Start a search of over 10,000 executions without asking");
  cmd->callback([opts, &exit_code] { exit_code = run_start(*opts); });
}

}  // namespace vhtask::client
