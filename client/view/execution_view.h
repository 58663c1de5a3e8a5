#pragma once

// Human renderings of the daemon's Execution objects (schema/protocol.md, "Methods"): the table
// of a task's executions (`vhtask status TASK`, `vhtask rerun`) and the detail of one execution
// with its attempts (`vhtask show`). Each returns text ending in '\n'. Pure; main thread only
// like all output.

#include "client/view/output.h"

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>

#include <string>
#include <vector>

namespace vhtask::client::view {

// EXEC, INDEX, ATTEMPT (only when some row is a rerun), STATE, EXIT, DURATION, then one column
// per name in `varying` (the task's parameters whose value differs between executions).
std::string render_execution_table(const boost::json::array& executions,
                                   const std::vector<std::string>& varying, const Style& style);

// `vhtask show`: the result {execution, attempts} as labelled lines (state, exit code or
// signal, command, parameters, times, log path), then a table of every attempt.
std::string render_execution_detail(const boost::json::object& show_result, const Style& style);

// How an execution ended: its exit code, "SIGKILL" (or "signal N") when a signal ended it, or
// "-" when it has not ended.
std::string exit_text(const boost::json::object& execution);

// Its run time: started_at to finished_at, or to now while it runs; "-" before it started.
std::string run_time_text(const boost::json::object& execution);

}  // namespace vhtask::client::view
