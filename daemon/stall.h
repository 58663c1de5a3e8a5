#pragma once

// Stall: why the daemon starts nothing new for now although work is queued (the database
// refuses writes, the log dir is full), as `status` reports it (schema/protocol.md, "status").
// A plain value; no thread restrictions.

#include "common/protocol/timestamp.h"

#include <cstddef>
#include <string>

namespace vhtask::daemon {

struct Stall {
  std::string reason;              // "database is locked by another process", ...
  Timestamp since;                 // when it began
  std::size_t pending_writes = 0;  // store writes waiting to be retried
};

}  // namespace vhtask::daemon
