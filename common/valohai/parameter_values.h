#pragma once

// Typing and checking the parameter values a user or a task gives (spec 2.1). Pure; thread-safe.

#include "common/result.h"
#include "common/valohai/config.h"
#include "common/value.h"

#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace vhtask::common::valohai {

// Values by parameter name, already typed: a list for a `multiple` parameter.
using ParameterValues = std::map<std::string, Value>;

// Converts a user's text to the parameter's declared type, as Valohai's CLI does: integer takes
// base-10 digits with an optional sign ("5.3 is not an integer"); float any decimal or exponent
// form ("abc is not a floating-point number"); flag true/false/yes/no/1/0 in any case; string
// verbatim.
Result<Value> convert_text(const Parameter& parameter, std::string_view text);

// Converts an already-typed value (a grid item, a generated number) to the declared type:
// an integer parameter takes integers and integral floats, a float parameter turns ints to
// doubles, a string parameter takes the value's Python str(), a flag takes bools.
Result<Value> convert_value(const Parameter& parameter, const Value& value);

// Parses `NAME=VALUE` arguments for `step`. A name given twice makes a list for a `multiple`
// parameter; for others the last one wins. Every problem (no `=`, unknown name, bad value) is
// collected; the Error's message lists them one per line.
Result<ParameterValues> parse_parameter_args(const Step& step,
                                             const std::vector<std::string>& args);

// Every parameter's default, overridden by `given` (spec 2.3 step 1). Flag defaults count.
ParameterValues effective_values(const Step& step, const ParameterValues& given);

// The spec's checks on effective values: min, max, choices, single value, and required
// parameters missing. Returns every message, in definition order; empty when all is well.
// `check_required` is false for `vhtask render`, which renders what the reference renders.
std::vector<std::string> validate_values(const Step& step, const ParameterValues& effective,
                                         bool check_required = true);

}  // namespace vhtask::common::valohai
