#pragma once

// The answers that come in pages (schema/protocol.md, capability `byte-paging`), fetched whole:
// a reply stays under the protocol's 1 MiB however big the task or the metadata is, and these
// ask for the next page until there is none.
//
// Main thread only, like Session.

#include "client/rpc/failure.h"
#include "client/rpc/session.h"

#include <boost/json/object.hpp>

#include <cstdint>

namespace vhtask::client::rpc {

// `compare` with `params`: every row of the answer, in its order.
Outcome<boost::json::object> fetch_compare(Session& session, boost::json::object params);

// `show` of `execution` with every metadata key.
Outcome<boost::json::object> fetch_show(Session& session, std::int64_t execution);

}  // namespace vhtask::client::rpc
