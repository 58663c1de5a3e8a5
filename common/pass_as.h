#pragma once

// Pass-as templates: Python str.format strings whose fields are `name`, `value` and `v`, each
// optionally with a format spec (`{v:.3f}`), and `{{`/`}}` escapes. Pure; thread-safe.

#include "common/result.h"
#include "common/value.h"

#include <string>
#include <string_view>
#include <vector>

namespace vhtask::common {

// Splits a template on runs of whitespace, as Python's str.split() does.
std::vector<std::string> split_template(std::string_view text);

// The field names a template uses, in order; Error::invalid_argument if it is not a valid
// str.format string (a lone `}`, an unclosed `{`, a conversion like `!r`).
Result<std::vector<std::string>> template_fields(std::string_view text);

// Fills one template piece: `{name}` with `name`, `{value}`/`{v}` with the value formatted by
// its spec (python_format). Error::invalid_argument for an unknown field or a spec that does not
// apply to the value.
Result<std::string> fill_template(std::string_view piece, const std::string& name,
                                  const Value& value);

}  // namespace vhtask::common
