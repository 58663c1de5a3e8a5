#pragma once

// JSON conversion of parameter values, and JSON text as people read it. Pure; thread-safe.

#include "common/result.h"
#include "common/value.h"

#include <boost/json.hpp>

#include <string>

namespace vhtask::common {

// A Value as JSON: null, bool, int64, double, string or array. Non-finite floats (which JSON
// cannot hold) become the strings "inf", "-inf" and "nan".
boost::json::value to_json(const Value& value);

// What from_json does with an integer above INT64_MAX, which a Value's int cannot hold: refuse it
// (a parameter value must be exact) or take it as the nearest double (a metric compared by a
// stop-condition).
enum class BigIntegers { refuse, as_double };

// The inverse for what to_json produces (objects are an Error::invalid_argument).
Result<Value> from_json(const boost::json::value& json, BigIntegers big = BigIntegers::refuse);

// Serializes compactly on one line like boost::json::serialize, except that doubles print as
// Python's repr (300.0, 1e-05) rather than Boost's "3E2", so the output reads like the values
// the user wrote and round-trips exactly.
std::string dump_json(const boost::json::value& json);

}  // namespace vhtask::common
