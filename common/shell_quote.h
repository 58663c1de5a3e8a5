#pragma once

// Shell quoting exactly like Python's shlex.quote (spec 2.3 step 3). Pure; thread-safe.

#include <string>
#include <string_view>

namespace vhtask::common {

// Empty -> ''; a word of only ASCII letters, digits and _@%+=:,./- stays as it is; anything else is
// wrapped in single quotes with each ' written '"'"'.
std::string shell_quote(std::string_view word);

}  // namespace vhtask::common
