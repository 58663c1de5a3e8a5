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

// Python's format(value, spec) for the values a parameter can hold: the whole mini-language
// [[fill]align][sign][z][#][0][width][grouping][.precision][type], with Python's per-type rules:
// - float: e E f F g G n % and no type (repr, or with a precision 'g' that keeps a ".0");
// - int: b c d o x X n, and the float types after converting to float as Python does;
// - bool: str() (`True`) for an empty spec, otherwise formatted as the int 0 / 1;
// - str: s or no type, with fill, align, width and precision (truncation);
// - None and lists: only the empty spec.
// Widths count code points (text is UTF-8). 'n' uses the C locale, as Python does by default, so it
// is 'd' for ints and 'g' for floats.
// Never throws. A spec Python would reject for the value's type (e.g. `.3f` on a string) is an
// Error::invalid_argument naming the spec and the type, followed by Python's own message
// ("Unknown format code 'f' for object of type 'str'"). Two limits Python lacks are errors too:
// a width or precision above 10000, and 'c' of a surrogate code point (no UTF-8 form).
Result<std::string> python_format(const Value& value, std::string_view spec);

}  // namespace vhtask::common
