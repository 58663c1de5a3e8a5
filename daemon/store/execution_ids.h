#pragma once

// Execution ids against the directories on disk. Each execution's files live in
// EXECUTIONS_DIR/<id>/, named by its row's id. A database that was deleted, emptied or replaced
// by an older copy would hand those ids out again, and an old directory's log, outcome and
// metadata would pass for a new execution's. So at start-up, before recovery, the daemon scans
// EXECUTIONS_DIR, makes the store give new executions ids above the highest directory found
// (Store::reserve_execution_ids), and warns about directories the database has no row for. The
// runners create each new directory exclusively (daemon/runner/execution_dir.h), so even a
// directory that appears later is never shared.
//
// Plain functions; called once from the composition root (daemon/app/run.cpp) on the main thread.

#include "common/protocol/ids.h"
#include "common/result.h"

#include <cstdint>
#include <optional>
#include <string>

namespace vhtask::daemon::store {

class Store;

// What scan_execution_dirs found.
struct ExecutionDirScan {
  ExecutionId highest = 0;  // the highest id named by an entry; 0: none
  // Entries named by an id above `known` (the database's highest), and the lowest of them.
  std::int64_t unknown = 0;
  ExecutionId lowest_unknown = 0;
};

// The entries of `executions_dir` named like an execution id (a decimal number without leading
// zeros; any file type, since any of them blocks that id's directory). A missing directory holds
// none. Error::io names the directory when it cannot be read.
Result<ExecutionDirScan> scan_execution_dirs(const std::string& executions_dir, ExecutionId known);

// Scans `executions_dir` and reserves every id up to the highest entry in `store`. Returns the
// warning to show (it names both paths and the ids), or nullopt when the database knows every
// directory.
Result<std::optional<std::string>> reserve_execution_dirs(Store& store,
                                                          const std::string& executions_dir);

}  // namespace vhtask::daemon::store
