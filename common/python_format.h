#pragma once

// Python-compatible number formatting (spec 2.2): repr() of floats and the format-spec
// mini-language used by pass-as fields such as `{v:.3f}`. Pure functions; thread-safe.

#include "common/result.h"
#include "common/value.h"

#include <string>
#include <string_view>

namespace vhtask::common {

// Python's repr(float): the shortest digits that read back to the same double; fixed notation
// with at least one fractional digit when the decimal exponent E is in [-4, 16), otherwise
// scientific with a signed exponent of at least two digits. Also inf, -inf, nan, -0.0.
std::string python_repr(double d);

// Python's format(value, spec) for the values a parameter can hold. An empty spec is str().
// A spec that Python would reject for the value's type (e.g. `.3f` on a string) is an
// Error::invalid_argument naming the spec.
Result<std::string> python_format(const Value& value, std::string_view spec);

}  // namespace vhtask::common
