#pragma once

// Waiting for a task to end, shared by `vhtask wait` and `vhtask start --wait`. On a terminal
// (Style::live) and when the daemon offers `status-watch`, a progress bar is redrawn in place
// from `status.update` notifications; elsewhere nothing is printed while waiting. The final
// summary always comes from the `wait` method. Both survive a daemon restart (Session::resume:
// reconnect and ask again). Main thread only.

#include "client/rpc/failure.h"
#include "client/rpc/session.h"
#include "client/view/output.h"

#include <boost/json/object.hpp>

#include <cstdint>

namespace vhtask::client::commands {

// Blocks until task `task` has ended; returns its final TaskSummary. `progress` false never
// shows the bar (--json).
rpc::Outcome<boost::json::object> wait_for_task(rpc::Session& session, std::int64_t task,
                                                const view::Style& style, bool progress);

// The exit status a waited-for task earns: 0 when it ended complete with every execution
// complete or stopped by its step's stop-condition, or when the task's own stop-condition
// stopped it ("stopped, condition met"); 1 otherwise (a task can end `complete` despite failed
// executions, and a task stopped by request is not a success).
int task_exit_status(const boost::json::object& summary);

}  // namespace vhtask::client::commands
