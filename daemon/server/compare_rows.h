#pragma once

// The rows of `compare` (schema/protocol.md, "compare"): one per execution of a task (its newest
// attempt, or every attempt), with its varying parameters and the latest value of each metadata
// key, ordered by one key. Plain functions; no thread restrictions.

#include <boost/json/array.hpp>
#include <boost/json/value.hpp>

#include <string>

namespace vhtask::daemon::server {

// Orders rows (objects with "id" and a "metadata" object) by metadata[key]: numbers first
// (ascending, or descending with `desc`), then strings (by bytes), then other values (by their
// JSON text); rows without the key come last either way. Ties keep execution id order.
void sort_rows(boost::json::array& rows, const std::string& key, bool desc);

}  // namespace vhtask::daemon::server
