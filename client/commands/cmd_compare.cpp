// `vhtask compare TASK [--sort KEY] [--desc] [--limit N] [--all-attempts] [--json|--csv]`: one
// row per execution (its newest attempt unless --all-attempts) with the parameters that vary in
// the task and the latest value of each metadata key, best first: sorted by KEY (numbers
// ascending, --desc descending; executions without the key last either way), else by id.

#include "client/commands/commands.h"
#include "client/rpc/global_options.h"
#include "client/rpc/paged_calls.h"
#include "client/rpc/session.h"
#include "client/view/csv.h"
#include "client/view/table.h"
#include "common/json_text.h"
#include "common/protocol/capabilities.h"
#include "common/protocol/protocol.h"

#include <iostream>
#include <memory>
#include <optional>

namespace vhtask::client::commands {

namespace {

struct CompareOptions {
  std::int64_t task = 0;
  std::string sort;
  bool desc = false;
  std::optional<std::int64_t> limit;
  bool all_attempts = false;
  bool json = false;
  bool csv = false;
};

// A value as a cell: strings as they are, anything else as JSON ("" when missing).
std::string cell_text(const boost::json::value* value) {
  if (value == nullptr) {
    return "";
  }
  if (value->is_string()) {
    return std::string(value->get_string());
  }
  return common::dump_json(*value);
}

// Header and rows as text: EXEC, STATE, (ATTEMPT,) parameters, then the metadata keys.
struct Grid {
  std::vector<std::string> header;
  std::vector<std::vector<std::string>> rows;
  std::size_t fixed = 0;  // leading columns that are not parameters or metadata
};

Grid grid_of(const boost::json::object& result, bool all_attempts) {
  Grid grid;
  grid.header = {"execution", "state"};
  if (all_attempts) {
    grid.header.emplace_back("attempt");
  }
  grid.fixed = grid.header.size();
  const auto& parameters = result.at("parameters").as_array();
  const auto& keys = result.at("keys").as_array();
  for (const auto& name : parameters) {
    grid.header.emplace_back(name.as_string());
  }
  for (const auto& key : keys) {
    grid.header.emplace_back(key.as_string());
  }
  for (const auto& item : result.at("executions").as_array()) {
    const auto& row = item.as_object();
    std::vector<std::string> cells{std::to_string(row.at("id").as_int64()),
                                   std::string(row.at("state").as_string())};
    if (all_attempts) {
      cells.push_back(std::to_string(row.at("attempt").as_int64()));
    }
    for (const auto& name : parameters) {
      cells.push_back(cell_text(row.at("parameters").as_object().if_contains(name.as_string())));
    }
    for (const auto& key : keys) {
      cells.push_back(cell_text(row.at("metadata").as_object().if_contains(key.as_string())));
    }
    grid.rows.push_back(std::move(cells));
  }
  return grid;
}

std::string render_table(const Grid& grid, const view::Style& style) {
  std::vector<view::Column> columns;
  for (std::size_t i = 0; i < grid.header.size(); ++i) {
    std::string header = grid.header[i];
    if (i < grid.fixed) {
      for (auto& c : header) {
        c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
      }
    }
    columns.push_back({i == 0 ? "EXEC" : header, i == 0 ? view::Align::right : view::Align::left});
  }
  view::Table table(std::move(columns));
  for (const auto& row : grid.rows) {
    std::vector<view::Cell> cells;
    for (std::size_t i = 0; i < row.size(); ++i) {
      cells.emplace_back(row[i], i == 1 ? view::state_color(row[i]) : view::Color::none);
    }
    table.add_row(std::move(cells));
  }
  return table.render(style);
}

rpc::Outcome<int> run_compare(const CompareOptions& opts, const rpc::GlobalOptions& global) {
  auto session = VHTASK_TRY(rpc::open_session(
      global, {common::protocol::k_cap_cmd_compare, common::protocol::k_cap_byte_paging}));
  boost::json::object params{{"task", opts.task},
                             {"sort", opts.sort},
                             {"desc", opts.desc},
                             {"all_attempts", opts.all_attempts}};
  if (opts.limit) {
    params["limit"] = *opts.limit;
  }
  const auto result = VHTASK_TRY(rpc::fetch_compare(session, params));
  if (opts.json) {
    boost::json::array rows;
    for (const auto& row : result.at("executions").as_array()) {
      rows.push_back(row);
    }
    std::cout << common::dump_json(rows) << "\n";
    return rpc::k_exit_ok;
  }
  const Grid grid = grid_of(result, opts.all_attempts);
  if (opts.csv) {
    std::cout << view::csv_record(grid.header);
    for (const auto& row : grid.rows) {
      std::cout << view::csv_record(row);
    }
  } else if (grid.rows.empty()) {
    std::cout << "Task " << opts.task << " has no executions yet\n";
  } else {
    std::cout << render_table(grid, view::Style::for_stdout(global.color));
  }
  return rpc::k_exit_ok;
}

}  // namespace

void register_compare(CLI::App& app, const rpc::GlobalOptions& global, int& exit_code) {
  auto opts = std::make_shared<CompareOptions>();
  CLI::App* cmd = app.add_subcommand(
      "compare", "A task's executions side by side: varying parameters and latest metadata");
  cmd->add_option("task", opts->task, "A task id")->required();
  cmd->add_option("-s,--sort", opts->sort,
                  "Order by this metadata key (numbers ascending; executions without it last)");
  cmd->add_flag("--desc", opts->desc, "Descending order (executions without the key stay last)");
  cmd->add_option("-n,--limit", opts->limit, "Show only the first N rows")
      ->check(CLI::NonNegativeNumber);
  cmd->add_flag("--all-attempts", opts->all_attempts,
                "One row per attempt (default: the newest attempt of each permutation)");
  auto* json = cmd->add_flag("--json", opts->json,
                             "Print a JSON array of {id, index, attempt, state, parameters, "
                             "metadata}");
  auto* csv = cmd->add_flag("--csv", opts->csv, "Print CSV (RFC 4180) with a header row");
  json->excludes(csv);
  cmd->callback(
      [opts, &global, &exit_code] { exit_code = rpc::exit_status(run_compare(*opts, global)); });
}

}  // namespace vhtask::client::commands
