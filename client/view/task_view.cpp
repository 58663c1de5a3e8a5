#include "client/view/task_view.h"

#include "client/view/json_fields.h"
#include "client/view/progress.h"
#include "client/view/table.h"
#include "client/view/terminal_text.h"

#include <fmt/format.h>

namespace vhtask::client::view {

namespace {

std::string task_label(const boost::json::object& task) {
  std::vector<std::string> parts;
  for (const char* key : {"name", "step", "type"}) {
    if (auto text = string_field(task, key); !text.empty()) {
      parts.push_back(std::move(text));
    }
  }
  if (const auto seed = int_field(task, "seed")) {
    parts.push_back(fmt::format("seed {}", *seed));
  }
  return parts.empty() ? std::string()
                       : escape_controls(fmt::format(" ({})", fmt::join(parts, ", ")));
}

std::string duration_of(const TaskProgress& progress) {
  const auto elapsed = elapsed_between(progress.created_at, progress.finished_at);
  return elapsed ? format_duration(*elapsed) : "-";
}

// The state, painted; a task its stop-condition stopped reads "stopped, condition met".
std::string state_text(const boost::json::object& task, const TaskProgress& progress,
                       const Style& style) {
  std::string text = style.paint(progress.state, state_color(progress.state));
  const auto* met = task.if_contains("condition_met");
  if (met != nullptr && met->is_bool() && met->get_bool()) {
    text += ", condition met";
  }
  return text;
}

// "Project: DIR (git 0123abcd..., dirty)", or "" when the summary has no directory.
std::string project_line(const boost::json::object& task) {
  const auto dir = string_field(task, "cwd");
  if (dir.empty()) {
    return "";
  }
  std::string line = "Project: " + dir;
  if (const auto commit = string_field(task, "git_commit"); !commit.empty()) {
    const auto* dirty = task.if_contains("git_dirty");
    const bool is_dirty = dirty != nullptr && dirty->is_bool() && dirty->get_bool();
    line += " (git " + commit + (is_dirty ? ", dirty)" : ")");
  }
  return line + "\n";
}

std::string local_time(const std::string& timestamp) {
  const auto time = parse_timestamp(timestamp);
  return time ? format_local_time(*time) : "-";
}

}  // namespace

std::string render_task_list(const boost::json::array& tasks, const Style& style) {
  if (tasks.empty()) {
    return "No tasks yet; start one with `vhtask start STEP`.\n";
  }
  bool any_name = false;
  for (const auto& item : tasks) {
    if (const auto* task = item.if_object(); task && !string_field(*task, "name").empty()) {
      any_name = true;
    }
  }
  std::vector<Column> columns = {{"ID", Align::right}, {"STEP"}};
  if (any_name) {
    columns.push_back({"NAME"});
  }
  columns.insert(
      columns.end(),
      {{"STATE"}, {"DONE", Align::right}, {"COUNTS"}, {"STARTED"}, {"DURATION", Align::right}});
  Table table(std::move(columns));
  for (const auto& item : tasks) {
    const auto* task = item.if_object();
    if (task == nullptr) {
      continue;
    }
    const auto progress = TaskProgress::from_summary(*task);
    std::vector<Cell> row = {std::to_string(progress.id), string_field(*task, "step")};
    if (any_name) {
      const auto name = string_field(*task, "name");
      row.emplace_back(name.empty() ? "-" : name);
    }
    row.emplace_back(progress.state, state_color(progress.state));
    row.emplace_back(fmt::format("{}/{}", progress.finished(), progress.count));
    // Counts are coloured piecewise, so the cell carries its own escapes.
    row.push_back(Cell::preformatted(counts_text(progress, style)));
    row.emplace_back(local_time(progress.created_at));
    row.emplace_back(duration_of(progress));
    table.add_row(std::move(row));
  }
  return table.render(style);
}

std::string render_task_header(const boost::json::object& task, const Style& style) {
  const auto progress = TaskProgress::from_summary(task);
  std::string out =
      fmt::format("Task {}{}: {}  {}/{}  {}  {}\n", progress.id, task_label(task),
                  state_text(task, progress, style), progress.finished(), progress.count,
                  counts_text(progress, style), duration_of(progress));
  out += project_line(task);
  // Why it stopped or failed (e.g. which execution met its stop-condition).
  if (const auto reason = string_field(task, "reason"); !reason.empty()) {
    out += "Reason: " + escape_controls(reason) + "\n";
  }
  return out;
}

std::string render_task_outcome(const boost::json::object& task, const Style& style) {
  const auto progress = TaskProgress::from_summary(task);
  std::string line =
      fmt::format("Task {} {}: {} in {}", progress.id, state_text(task, progress, style),
                  counts_text(progress, style), duration_of(progress));
  if (const auto reason = string_field(task, "reason"); !reason.empty()) {
    line += " (" + escape_controls(reason) + ")";
  }
  return line + "\n";
}

}  // namespace vhtask::client::view
