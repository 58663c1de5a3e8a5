#include "client/view/execution_view.h"

#include "client/view/json_fields.h"
#include "client/view/table.h"
#include "client/view/terminal_text.h"

#include <fmt/format.h>

#include <array>
#include <signal.h>
#include <utility>

namespace vhtask::client::view {

namespace {

constexpr std::array<std::pair<int, std::string_view>, 13> k_signal_names = {{
    {SIGHUP, "SIGHUP"},
    {SIGINT, "SIGINT"},
    {SIGQUIT, "SIGQUIT"},
    {SIGILL, "SIGILL"},
    {SIGABRT, "SIGABRT"},
    {SIGFPE, "SIGFPE"},
    {SIGKILL, "SIGKILL"},
    {SIGSEGV, "SIGSEGV"},
    {SIGPIPE, "SIGPIPE"},
    {SIGALRM, "SIGALRM"},
    {SIGTERM, "SIGTERM"},
    {SIGUSR1, "SIGUSR1"},
    {SIGUSR2, "SIGUSR2"},
}};

std::string signal_name(std::int64_t number) {
  for (const auto& [n, name] : k_signal_names) {
    if (n == number) {
      return std::string(name);
    }
  }
  return fmt::format("signal {}", number);
}

bool has_attempts(const boost::json::array& executions) {
  for (const auto& item : executions) {
    if (const auto* e = item.if_object(); e && int_field(*e, "attempt").value_or(1) > 1) {
      return true;
    }
  }
  return false;
}

std::string number_or_dash(const boost::json::object& object, std::string_view key) {
  const auto n = int_field(object, key);
  return n ? std::to_string(*n) : "-";
}

std::string local_time(const boost::json::object& object, std::string_view key) {
  const auto time = parse_timestamp(string_field(object, key));
  return time ? format_local_time(*time) : "-";
}

void add_line(std::string& out, std::string_view label, const std::string& value) {
  out += fmt::format("{:<12}{}\n", std::string(label) + ":", value);
}

}  // namespace

std::string exit_text(const boost::json::object& execution) {
  if (const auto code = int_field(execution, "exit_code")) {
    return std::to_string(*code);
  }
  if (const auto signal = int_field(execution, "signal")) {
    return signal_name(*signal);
  }
  return "-";
}

std::string run_time_text(const boost::json::object& execution) {
  const auto state = string_field(execution, "state");
  const auto finished = string_field(execution, "finished_at");
  if (finished.empty() && state != "started" && state != "stopping") {
    return "-";
  }
  const auto elapsed = elapsed_between(string_field(execution, "started_at"), finished);
  return elapsed ? format_duration(*elapsed) : "-";
}

std::string render_execution_table(const boost::json::array& executions,
                                   const std::vector<std::string>& varying, const Style& style) {
  const bool attempts = has_attempts(executions);
  std::vector<Column> columns = {{"EXEC", Align::right}, {"INDEX", Align::right}};
  if (attempts) {
    columns.push_back({"ATTEMPT", Align::right});
  }
  columns.insert(columns.end(), {{"STATE"}, {"EXIT", Align::right}, {"DURATION", Align::right}});
  for (const auto& name : varying) {
    columns.push_back({name});
  }
  Table table(std::move(columns));
  for (const auto& item : executions) {
    const auto* e = item.if_object();
    if (e == nullptr) {
      continue;
    }
    const auto state = string_field(*e, "state");
    std::vector<Cell> row = {number_or_dash(*e, "id"), number_or_dash(*e, "index")};
    if (attempts) {
      row.emplace_back(number_or_dash(*e, "attempt"));
    }
    row.emplace_back(state, state_color(state));
    row.emplace_back(exit_text(*e));
    row.emplace_back(run_time_text(*e));
    const auto* parameters = object_field(*e, "parameters");
    for (const auto& name : varying) {
      const auto* value = parameters ? parameters->if_contains(name) : nullptr;
      row.emplace_back(value ? value_text(*value) : "-");
    }
    table.add_row(std::move(row));
  }
  return table.render(style);
}

std::string render_execution_detail(const boost::json::object& show_result, const Style& style) {
  static const boost::json::object k_empty;
  const auto* found = object_field(show_result, "execution");
  const auto& e = found ? *found : k_empty;
  const auto state = string_field(e, "state");
  std::string out = fmt::format("Execution {} (task {}, index {}, attempt {})\n",
                                number_or_dash(e, "id"), number_or_dash(e, "task"),
                                number_or_dash(e, "index"), number_or_dash(e, "attempt"));
  std::string state_text = style.paint(state, state_color(state));
  if (int_field(e, "exit_code")) {
    state_text += " (exit code " + exit_text(e) + ")";
  } else if (int_field(e, "signal")) {
    state_text += " (" + exit_text(e) + ")";
  }
  if (const auto reason = string_field(e, "reason"); !reason.empty()) {
    state_text += ": " + escape_controls(reason);
  }
  add_line(out, "State", state_text);
  add_line(out, "Command", escape_controls(string_field(e, "command")));
  std::string parameters;
  if (const auto* values = object_field(e, "parameters")) {
    for (const auto& [name, value] : *values) {
      parameters += fmt::format("{}{} = {}", parameters.empty() ? "" : "\n" + std::string(12, ' '),
                                escape_controls(name), escape_controls(value_text(value)));
    }
  }
  add_line(out, "Parameters", parameters.empty() ? "-" : parameters);
  add_line(out, "Created", local_time(e, "created_at"));
  add_line(out, "Started", local_time(e, "started_at"));
  add_line(out, "Finished", local_time(e, "finished_at"));
  add_line(out, "Duration", run_time_text(e));
  if (const auto pid = int_field(e, "pid"); pid && (state == "started" || state == "stopping")) {
    add_line(out, "PID", std::to_string(*pid));
  }
  const auto log = string_field(e, "log_path");
  add_line(out, "Log", log.empty() ? "-" : escape_controls(log));
  // Where it ran and what it wrote (daemons without the "outputs" capability omit these).
  if (const auto dir = string_field(show_result, "directory"); !dir.empty()) {
    add_line(out, "Directory", escape_controls(dir));
  }
  if (const auto commit = string_field(show_result, "git_commit"); !commit.empty()) {
    const auto* dirty = show_result.if_contains("git_dirty");
    add_line(out, "Git",
             escape_controls(commit) +
                 (dirty != nullptr && dirty->is_bool() && dirty->get_bool() ? " (dirty)" : ""));
  }
  if (const auto* outputs = array_field(show_result, "outputs")) {
    std::string lines;
    for (const auto& item : *outputs) {
      if (const auto* file = item.if_object()) {
        lines += fmt::format("{}{}  ({} bytes)", lines.empty() ? "" : "\n" + std::string(12, ' '),
                             escape_controls(string_field(*file, "name")),
                             int_field(*file, "size").value_or(0));
      }
    }
    const auto total = int_field(show_result, "outputs_total").value_or(0);
    if (total > static_cast<std::int64_t>(outputs->size())) {
      lines += fmt::format("\n{}(and {} more: `vhtask outputs`)", std::string(12, ' '),
                           total - static_cast<std::int64_t>(outputs->size()));
    }
    add_line(out, "Outputs", lines.empty() ? "-" : lines);
  }
  // The latest value of each metadata key (daemons without the "metadata" capability omit it).
  if (const auto* metadata = object_field(show_result, "metadata")) {
    std::string lines;
    for (const auto& [key, value] : *metadata) {
      lines += fmt::format("{}{} = {}", lines.empty() ? "" : "\n" + std::string(12, ' '),
                           escape_controls(key), escape_controls(value_text(value)));
    }
    if (const auto dropped = int_field(show_result, "metadata_dropped"); dropped && *dropped > 0) {
      lines += fmt::format("{}({} over-long lines skipped)",
                           lines.empty() ? "" : "\n" + std::string(12, ' '), *dropped);
    }
    add_line(out, "Metadata", lines.empty() ? "-" : lines);
  }
  if (const auto* attempts = array_field(show_result, "attempts"); attempts && !attempts->empty()) {
    out += "\nAttempts of index " + number_or_dash(e, "index") + ":\n";
    out += render_execution_table(*attempts, {}, style);
  }
  return out;
}

}  // namespace vhtask::client::view
