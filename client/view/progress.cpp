#include "client/view/progress.h"

#include "client/view/json_fields.h"
#include "common/protocol/states.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>

namespace vhtask::client::view {

namespace {

constexpr std::array<std::string_view, 7> k_state_order = {
    "complete", "error", "crashed", "stopped", "stopping", "started", "queued"};
constexpr std::size_t k_bar_width = 24;

std::size_t rank(std::string_view state) {
  const auto it = std::find(k_state_order.begin(), k_state_order.end(), state);
  return static_cast<std::size_t>(it - k_state_order.begin());
}

std::string bar(std::int64_t done, std::int64_t total) {
  const std::size_t filled =
      total <= 0 ? k_bar_width
                 : static_cast<std::size_t>(std::clamp<std::int64_t>(done, 0, total) *
                                            static_cast<std::int64_t>(k_bar_width) / total);
  std::string out = "[";
  out.append(filled, '=');
  if (filled < k_bar_width) {
    out.push_back('>');
    out.append(k_bar_width - filled - 1, ' ');
  }
  out.push_back(']');
  return out;
}

}  // namespace

TaskProgress TaskProgress::from_summary(const boost::json::object& summary) {
  TaskProgress progress;
  progress.id = int_field(summary, "id").value_or(0);
  progress.count = int_field(summary, "count").value_or(0);
  progress.state = string_field(summary, "state");
  progress.created_at = string_field(summary, "created_at");
  progress.finished_at = string_field(summary, "finished_at");
  if (const auto* counts = object_field(summary, "counts")) {
    for (const auto& [state, value] : *counts) {
      const auto n = as_int(value);
      if (n && *n != 0) {
        progress.counts.emplace_back(std::string(state), *n);
      }
    }
  }
  std::stable_sort(progress.counts.begin(), progress.counts.end(),
                   [](const auto& a, const auto& b) { return rank(a.first) < rank(b.first); });
  return progress;
}

std::int64_t TaskProgress::finished() const {
  std::int64_t total = 0;
  for (const ExecutionState each : all_execution_states()) {
    if (is_terminal(each)) {
      total += of(to_string(each));
    }
  }
  return total;
}

std::int64_t TaskProgress::of(std::string_view wanted) const {
  for (const auto& [name, n] : counts) {
    if (name == wanted) {
      return n;
    }
  }
  return 0;
}

std::string counts_text(const TaskProgress& progress, const Style& style) {
  std::string out;
  for (const auto& [state, n] : progress.counts) {
    if (!out.empty()) {
      out += ", ";
    }
    out += style.paint(fmt::format("{} {}", n, state), state_color(state));
  }
  return out.empty() ? "no executions" : out;
}

std::string progress_line(const TaskProgress& progress, const Style& style, std::size_t width) {
  std::string line = fmt::format("{} {}/{}  {}", bar(progress.finished(), progress.count),
                                 progress.finished(), progress.count, counts_text(progress, style));
  if (const auto elapsed = elapsed_between(progress.created_at, progress.finished_at)) {
    line += "  " + format_duration(*elapsed);
  }
  return truncate_visible(line, width);
}

void LiveDisplay::show(const std::string& text) {
  const std::size_t width = static_cast<std::size_t>(std::max(terminal_width() - 1, 1));
  std::string out;
  std::size_t lines = 0;
  std::size_t start = 0;
  while (start <= text.size()) {
    const auto end = std::min(text.find('\n', start), text.size());
    if (lines > 0) {
      out.push_back('\n');
    }
    out += truncate_visible(std::string_view(text).substr(start, end - start), width);
    ++lines;
    start = end + 1;
  }
  erase();
  std::fputs(out.c_str(), m_out);
  std::fflush(m_out);
  m_lines = lines;
}

void LiveDisplay::clear() {
  erase();
  std::fflush(m_out);
  m_lines = 0;
}

void LiveDisplay::erase() {
  if (m_lines == 0) {
    return;
  }
  // To the start of the first drawn line, then erase to the end of the screen.
  std::fputs("\r", m_out);
  if (m_lines > 1) {
    std::fprintf(m_out, "\x1b[%zuA", m_lines - 1);
  }
  std::fputs("\x1b[J", m_out);
}

}  // namespace vhtask::client::view
