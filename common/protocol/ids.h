#pragma once

// Identifiers shared by the scheduler, the store and the server. Plain integers: a TaskId and an
// ExecutionId are SQLite rowids, an index is a permutation's 0-based position in its task, and an
// attempt counts runs of one index from 1 (a rerun is attempt + 1).

#include <cstdint>

namespace vhtask {

using TaskId = std::int64_t;
using ExecutionId = std::int64_t;
using ExecutionIndex = std::int64_t;
using Attempt = std::int64_t;

// VHTASK_SLOT: a small integer 0..limit-1 that no other running execution holds.
using Slot = int;

}  // namespace vhtask
