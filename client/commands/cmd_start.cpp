// `vhtask start STEP [-f FILE] [--grid GRID | --task NAME] [--param N=V]... [--parallel N]
//               [--name TEXT] [--seed N] [--wait] [--yes] [--dry-run] [--json]
//               [--executor local|slurm] [--partition P] [--sbatch-arg ARG]... [--pack N]`
// Expands and validates the search offline; with --dry-run prints the executions without
// starting anything, otherwise sends `start` to the daemon with the very texts it validated.

#include "client/commands/commands.h"
#include "client/commands/config_file.h"
#include "client/commands/search_file.h"
#include "client/commands/start_context.h"
#include "client/commands/start_text.h"
#include "client/commands/task_wait.h"
#include "client/rpc/global_options.h"
#include "client/rpc/session.h"
#include "client/view/json_fields.h"
#include "client/view/stream_out.h"
#include "client/view/task_view.h"
#include "client/view/terminal_text.h"
#include "common/byte_string.h"
#include "common/json_text.h"
#include "common/protocol/capabilities.h"
#include "common/protocol/protocol.h"
#include "common/render/command_renderer.h"
#include "common/search/task_plan.h"
#include "common/value_text.h"

#include <charconv>
#include <iostream>
#include <memory>
#include <unistd.h>

namespace vhtask::client::commands {

namespace {

struct StartOptions {
  std::string step;
  std::string file = k_default_config;
  std::string grid;
  std::string task;
  std::vector<std::string> params;
  std::optional<std::uint64_t> seed;
  std::optional<std::int64_t> parallel;
  std::string name;
  bool dry_run = false;
  bool json = false;
  bool yes = false;
  bool wait = false;
  std::string executor;  // empty: the daemon's default
  std::string partition;
  std::vector<std::string> sbatch_args;
  std::optional<std::int64_t> pack;
};

// Searches larger than this ask before starting (--yes answers in advance).
constexpr std::uint64_t k_confirm_above = 10'000;

// True when the user agrees to start `count` executions: asked on a terminal, refused elsewhere.
bool confirm_large_search(std::uint64_t count) {
  if (!isatty(STDIN_FILENO)) {
    std::cerr << "vhtask: this search has " << count << " executions (over " << k_confirm_above
              << "); pass --yes to start it without a terminal to confirm\n";
    return false;
  }
  std::cerr << "This search has " << count << " executions. Start them all? [y/N] ";
  std::string answer;
  std::getline(std::cin, answer);
  return answer == "y" || answer == "Y" || answer == "yes";
}

// Prints every execution: "N executions" then INDEX<TAB>COMMAND lines (a multi-line script's
// later lines start with a TAB), or one JSON document
// {"count", "seed", "executions": [{"index", "parameters", "command"}, ...]}, streamed so a
// million executions never sit in memory. The step is prepared once (CommandRenderer) and each
// line is written into reused buffers; the JSON is written by hand, byte for byte what
// dump_json() of the same objects gives ("parameters": the effective values, in name order).
int print_dry_run(const common::valohai::Step& step, const common::search::TaskPlan& plan,
                  bool json) {
  view::StreamOut out(stdout);
  if (!json) {
    out << std::to_string(plan.count()) << (plan.count() == 1 ? " execution\n" : " executions\n");
  } else {
    out << "{\"count\":" << std::to_string(plan.count())
        << ",\"seed\":" << std::to_string(plan.seed()) << ",\"executions\":[";
  }
  const common::render::CommandRenderer renderer(step);
  common::render::EffectiveValues effective;
  std::string command;
  std::string line;
  char index_text[24];
  for (std::uint64_t i = 0; i < plan.count(); ++i) {
    const auto values = plan.values_at(i);
    Result<void> rendered = values ? Result<void>() : Result<void>(values.error());
    if (values) {
      renderer.resolve(*values, effective);
      command.clear();
      rendered = renderer.render_to(command, effective);
    }
    if (!rendered) {
      out.flush();
      std::cerr << "vhtask: execution " << i << ": "
                << view::escape_controls_keep_newlines(rendered.error().message) << "\n";
      return rpc::k_exit_usage;
    }
    const std::string_view index(index_text,
                                 std::to_chars(index_text, index_text + sizeof index_text, i).ptr);
    line.clear();
    if (!json) {
      line.append(index).append("\t");
      // A list command's script: its later lines indented by a tab under the first.
      for (const char c : command) {
        line.push_back(c);
        if (c == '\n') {
          line.push_back('\t');
        }
      }
      line.append("\n");
    } else {
      line.append(i == 0 ? "{\"index\":" : ",{\"index\":").append(index).append(",\"parameters\":");
      renderer.append_json_object(line, effective);
      line.append(",\"command\":");
      common::append_json_string(line, command);
      line.append("}");
    }
    out << line;
  }
  if (json) {
    out << "]}\n";
  }
  return rpc::k_exit_ok;
}

// The `start` params (schema/protocol.md, "start"): the texts exactly as validated above, and
// the seed the validation used, so the daemon runs the very executions that were checked.
// `used_bytes` is set when the cwd or an environment value is not UTF-8 (a {"base64"} byte
// string; client/commands/start_text.h).
boost::json::object start_params(const StartOptions& opts, const Search& search,
                                 const common::search::TaskPlan& plan, bool& used_bytes) {
  boost::json::array fixed;
  for (const auto& p : opts.params) {
    fixed.emplace_back(p);
  }
  // Executions run in the project directory, wherever the client runs (spec section 5); the
  // grid file was read already, relative to the client's own directory.
  const std::string project = project_directory(opts.file);
  boost::json::object params{
      {"config_text", search.config_text},
      {"config_file", opts.file},
      {"step", search.step->name},
      {"params", std::move(fixed)},
      {"seed", plan.seed()},
      {"cwd", common::encode_byte_string(project)},
      {"env", environment_params(used_bytes)},
  };
  used_bytes = used_bytes || params["cwd"].is_object();
  if (!opts.grid.empty()) {
    params["grid_text"] = search.grid_text;
    params["grid_file"] = opts.grid;
  }
  if (!opts.task.empty()) {
    params["task_name"] = opts.task;
  }
  if (opts.parallel) {
    params["parallel"] = *opts.parallel;
  }
  if (!opts.name.empty()) {
    params["name"] = opts.name;
  }
  if (!opts.executor.empty()) {
    params["executor"] = opts.executor;
  }
  if (!opts.partition.empty()) {
    params["partition"] = opts.partition;
  }
  if (!opts.sbatch_args.empty()) {
    boost::json::array args;
    for (const auto& arg : opts.sbatch_args) {
      args.emplace_back(arg);
    }
    params["sbatch_args"] = std::move(args);
  }
  if (opts.pack) {
    params["pack"] = *opts.pack;
  }
  if (auto git = git_state(project); git.commit) {
    params["git_commit"] = *git.commit;
    if (git.dirty) {
      params["git_dirty"] = *git.dirty;
    }
  }
  return params;
}

// Every text `start` sends as a JSON string must be UTF-8; each failure names what holds it.
rpc::Outcome<void> check_texts(const StartOptions& opts, const Search& search) {
  VHTASK_TRY(require_utf8_file(search.config_text, opts.file));
  VHTASK_TRY(require_utf8_file(search.grid_text, opts.grid));
  VHTASK_TRY(require_utf8(opts.file, "the path of the valohai.yaml (-f)"));
  VHTASK_TRY(require_utf8(opts.grid, "the path of the grid file (--grid)"));
  for (const auto& p : opts.params) {
    const auto name = p.substr(0, p.find('='));
    VHTASK_TRY(require_utf8(name, "a --param name"));
    VHTASK_TRY(require_utf8(p, "the --param value of parameter '" + name + "'"));
  }
  VHTASK_TRY(require_utf8(opts.name, "--name"));
  VHTASK_TRY(require_utf8(opts.step, "the step name"));
  VHTASK_TRY(require_utf8(opts.task, "--task"));
  VHTASK_TRY(require_utf8(opts.partition, "--partition"));
  for (const auto& arg : opts.sbatch_args) {
    VHTASK_TRY(require_utf8(arg, "--sbatch-arg"));
  }
  return {};
}

rpc::Outcome<int> start_on_daemon(const StartOptions& opts, const rpc::GlobalOptions& global,
                                  const Search& search, const common::search::TaskPlan& plan) {
  const view::Style style = view::Style::for_stdout(global.color);
  VHTASK_TRY(check_texts(opts, search));
  bool used_bytes = false;
  auto params = start_params(opts, search, plan, used_bytes);
  std::vector<std::string> required = {common::protocol::k_cap_cmd_start};
  if (opts.wait) {
    required.emplace_back(common::protocol::k_cap_cmd_wait);
  }
  auto session = VHTASK_TRY(
      rpc::open_session(global, std::move(required),
                        {common::protocol::k_cap_cmd_status, common::protocol::k_cap_status_watch,
                         common::protocol::k_cap_byte_strings}));
  if (used_bytes && !session.has(common::protocol::k_cap_byte_strings)) {
    return rpc::Failure::usage(
        "the current directory or an environment value is not valid UTF-8, and this vhtaskd "
        "cannot take bytes that are not (capability byte-strings); nothing was started",
        "restart vhtaskd with `vhtask shutdown` so that the new one starts");
  }
  auto started = VHTASK_TRY(session.call(common::protocol::k_start, std::move(params)));
  const auto task = view::int_field(started, "task");
  if (!task) {
    return rpc::transport_failure(Error::protocol("vhtaskd's reply to `start` has no task id"));
  }
  if (!opts.json) {
    const auto count = view::int_field(started, "count").value_or(0);
    std::cout << "Started task " << *task << " with " << count
              << (count == 1 ? " execution" : " executions") << "\n"
              << std::flush;
  }
  if (!opts.wait) {
    if (opts.json) {
      std::cout << common::dump_json(started) << "\n";
    } else {
      std::cout << "Follow it with `vhtask status " << *task << " --watch` or `vhtask wait "
                << *task << "`\n";
    }
    return rpc::k_exit_ok;
  }
  auto summary = VHTASK_TRY(wait_for_task(session, *task, style, !opts.json));
  if (opts.json) {
    started["summary"] = summary;
    std::cout << common::dump_json(started) << "\n";
  } else {
    std::cout << view::render_task_outcome(summary, style);
  }
  return task_exit_status(summary);
}

int run_start(const StartOptions& opts, const rpc::GlobalOptions& global) {
  if (opts.executor == "local" &&
      (!opts.partition.empty() || !opts.sbatch_args.empty() || opts.pack)) {
    std::cerr << "vhtask: --partition, --sbatch-arg and --pack apply to --executor slurm\n";
    return rpc::k_exit_usage;
  }
  const auto search = load_search_or_report(opts.file, opts.step, opts.grid, opts.task);
  if (!search) {
    return rpc::k_exit_usage;
  }
  const auto fixed = common::valohai::parse_parameter_args(*search->step, opts.params);
  if (!fixed) {
    std::cerr << view::escape_controls_keep_newlines(fixed.error().message) << "\n";
    return rpc::k_exit_usage;
  }
  const auto plan =
      common::search::TaskPlan::create(*search->step, search->spec, *fixed, opts.seed);
  if (!plan) {
    std::cerr << view::escape_controls_keep_newlines(plan.error().message) << "\n";
    return rpc::k_exit_usage;
  }
  if (opts.dry_run) {
    return print_dry_run(*search->step, *plan, opts.json);
  }
  if (plan->count() > k_confirm_above && !opts.yes && !confirm_large_search(plan->count())) {
    return rpc::k_exit_usage;
  }
  return rpc::exit_status(start_on_daemon(opts, global, *search, *plan));
}

}  // namespace

void register_start(CLI::App& app, const rpc::GlobalOptions& global, int& exit_code) {
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
  cmd->add_option("--parallel", opts->parallel,
                  "Run at most N of this task's executions at once (overrides the task's "
                  "maximum-queued-executions)")
      ->check(CLI::NonNegativeNumber);
  cmd->add_option("--name", opts->name, "A label for the task, shown by `vhtask status`");
  cmd->add_option("--executor", opts->executor,
                  "Where the executions run: local (this machine) or slurm (job arrays; "
                  "docs/slurm.md). Default: the daemon's --executor")
      ->check(CLI::IsMember({"local", "slurm"}));
  cmd->add_option("--partition", opts->partition, "Slurm: the partition to submit to");
  cmd->add_option("--sbatch-arg", opts->sbatch_args,
                  "Slurm: an extra sbatch argument, e.g. --sbatch-arg=--mem=4G (repeatable)")
      ->allow_extra_args(false);
  cmd->add_option("--pack", opts->pack,
                  "Slurm: run N executions one after another per array element (for tiny "
                  "executions; see docs/slurm.md)")
      ->check(CLI::PositiveNumber);
  cmd->add_flag("-n,--dry-run", opts->dry_run, "Print the executions; start nothing");
  cmd->add_flag("-w,--wait", opts->wait,
                "Wait for the task to end (progress on a terminal); exit 0 if every execution "
                "completed or the task's stop-condition was met, 1 otherwise");
  cmd->add_flag("--json", opts->json,
                "Print JSON: {\"task\", \"count\", \"seed\"} (with --wait also \"summary\"); "
                "with --dry-run the executions");
  cmd->add_flag("-y,--yes", opts->yes, "Start a search of over 10,000 executions without asking");
  cmd->callback([opts, &global, &exit_code] { exit_code = run_start(*opts, global); });
}

}  // namespace vhtask::client::commands
