#pragma once

// Tolerant reads of the daemon's JSON results for printing: a missing, null or mistyped field
// reads as absent rather than failing, since receivers ignore what they do not know and the
// printers show "-" for what is not there. Pure; thread-safe.

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace vhtask::client::view {

// An integer (int64 or a uint64 that fits, or a double with no fraction), else nullopt.
std::optional<std::int64_t> as_int(const boost::json::value& value);

std::optional<std::int64_t> int_field(const boost::json::object& object, std::string_view key);
// The string, or "" when absent, null or not a string.
std::string string_field(const boost::json::object& object, std::string_view key);
// nullptr when absent or not an object / array.
const boost::json::object* object_field(const boost::json::object& object, std::string_view key);
const boost::json::array* array_field(const boost::json::object& object, std::string_view key);

// A value as a table cell: strings as they are, null as "-", anything else as JSON (numbers as
// Python prints them: 0.1, 1e-05, 300.0).
std::string value_text(const boost::json::value& value);

}  // namespace vhtask::client::view
