#pragma once

// Human renderings of the daemon's TaskSummary objects (schema/protocol.md, "Methods"): the
// recent-tasks table of `vhtask status`, the one-line header of a task, and the closing line of
// `wait` / `start --wait`. Each returns text ending in '\n'. Pure; main thread only like all
// output.

#include "client/view/output.h"

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>

#include <string>

namespace vhtask::client::view {

// ID, STEP, NAME (only when some task has one), STATE, DONE ("45/100"), COUNTS, STARTED (local
// time) and DURATION (until finished, or until now while running) of each task; a line saying
// there are none when `tasks` is empty.
std::string render_task_list(const boost::json::array& tasks, const Style& style);

// "Task 12 (train, grid_search, seed 42): running  45/100  40 complete, 5 queued  1m 12s", then
// "Project: DIR (git COMMIT[, dirty])" and "Reason: ..." when known. A task its stop-condition
// stopped is "stopped, condition met".
std::string render_task_header(const boost::json::object& task, const Style& style);

// The closing line of a wait: "Task 12 complete: 100 complete in 3m 12s".
std::string render_task_outcome(const boost::json::object& task, const Style& style);

}  // namespace vhtask::client::view
