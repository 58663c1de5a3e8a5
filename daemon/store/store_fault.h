#pragma once

// Store faults that pass: a write the database refused for a reason outside the daemon (another
// process holds the lock, the state dir's filesystem is full, read-only or failing). The Engine
// keeps such a write and retries it (daemon/pending_writes.h) instead of giving up on the
// execution; every other store error (a missing row, a constraint) is final. Plain functions; no
// thread restrictions.

#include "common/result.h"

#include <optional>
#include <string_view>

namespace vhtask::daemon::store {

enum class StoreFault { locked, full, io, read_only };

// The fault behind `error` when it may pass by itself (SQLITE_BUSY/LOCKED, FULL, IOERR,
// CANTOPEN, READONLY, from Error::cause); nullopt for any other error.
std::optional<StoreFault> transient_store_fault(const Error& error);

// What `status` says about it: "database is locked by another process", "no space left on the
// state dir", ...
std::string_view describe(StoreFault fault);

}  // namespace vhtask::daemon::store
