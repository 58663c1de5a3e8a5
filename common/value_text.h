#pragma once

// A Value's text forms appended straight onto an output buffer, for the hot loops that print a
// million executions (CommandRenderer, `start --dry-run`). Each function is byte-for-byte the
// same as the allocating form it names. Pure; thread-safe.

#include "common/value.h"

#include <string>
#include <string_view>

namespace vhtask::common {

// Appends python_repr(d): shortest round-trip digits, Python's fixed/scientific choice.
void append_python_repr(std::string& out, double d);

// Appends value.to_python_str(). Numbers, bools, None and strings are written without a
// temporary; lists fall back to to_python_str().
void append_python_str(std::string& out, const Value& value);

// Appends `text` as a JSON string exactly as boost::json::serialize writes it: `"` and `\`
// escaped, \b \t \n \f \r, other control bytes as \u00xx; every other byte (UTF-8 included)
// as it is.
void append_json_string(std::string& out, std::string_view text);

// Appends dump_json(to_json(value)) (common/json_text.h): null, true/false, integers, finite
// floats as Python's repr, non-finite floats as the strings "inf" / "-inf" / "nan", strings,
// and arrays of those.
void append_json_value(std::string& out, const Value& value);

}  // namespace vhtask::common
