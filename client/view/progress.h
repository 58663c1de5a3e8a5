#pragma once

// Progress of a task for people: the per-state counts of a TaskSummary, a one-line progress
// bar, and LiveDisplay, which redraws such lines in place on a terminal (\r, cursor up, ANSI
// erase). On a non-terminal nothing live is printed at all (callers check Style::live).
//
// Plain values; main thread only.

#include "client/view/output.h"

#include <boost/json/object.hpp>

#include <cstdint>
#include <cstdio>
#include <string>
#include <utility>
#include <vector>

namespace vhtask::client::view {

// The numbers of one TaskSummary (schema/protocol.md, "Methods").
struct TaskProgress {
  std::int64_t id = 0;
  std::int64_t count = 0;  // executions in the task
  std::string state;       // the task's state
  // Non-zero counts of the newest attempt of each index, in display order: complete, error,
  // crashed, stopped, stopping, started, queued, then any state this client does not know.
  std::vector<std::pair<std::string, std::int64_t>> counts;
  std::string created_at;
  std::string finished_at;

  static TaskProgress from_summary(const boost::json::object& summary);

  // Executions that have ended (complete, error, crashed, stopped).
  std::int64_t finished() const;
  std::int64_t of(std::string_view wanted) const;  // the count of one state
};

// "40 complete, 2 error, 3 started, 55 queued", each count coloured by its state.
std::string counts_text(const TaskProgress& progress, const Style& style);

// "[=========>          ] 45/100  40 complete, 2 error, 3 started  1m 12s", cut to `width`.
std::string progress_line(const TaskProgress& progress, const Style& style, std::size_t width);

// Redraws a block of text in place. Owned by one command; writes only to its FILE.
class LiveDisplay {
public:
  explicit LiveDisplay(std::FILE* out) : m_out(out) {}
  LiveDisplay(const LiveDisplay&) = delete;
  LiveDisplay& operator=(const LiveDisplay&) = delete;

  // Replaces what was shown with `text` (lines separated by '\n', no trailing newline). Lines
  // are cut to the terminal's width so that the cursor arithmetic holds.
  void show(const std::string& text);

  // Erases what was shown, leaving the cursor where the display began.
  void clear();

private:
  void erase();

  std::FILE* m_out;
  std::size_t m_lines = 0;  // lines currently drawn (0: nothing)
};

}  // namespace vhtask::client::view
