#pragma once

// The JSON shapes of schema/protocol.md ("TaskSummary", "Execution") built from store rows.
// Pure functions; io_context thread only because they may read the Store.

#include "common/result.h"
#include "daemon/store/store.h"

#include <boost/json.hpp>

namespace vhtask::daemon::server {

// An Execution object: every column, with `parameters` parsed back into typed JSON.
boost::json::object execution_view(const store::ExecutionRecord& execution);

// A TaskSummary: the task's row, its per-state counts and its varying parameter names.
Result<boost::json::object> task_view(store::Store& store, const store::TaskRecord& task);

}  // namespace vhtask::daemon::server
