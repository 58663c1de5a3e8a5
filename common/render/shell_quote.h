#pragma once

// Shell quoting exactly like Python's shlex.quote (spec 2.3 step 3). Pure; thread-safe.

#include <cstddef>
#include <string>
#include <string_view>

namespace vhtask::common::render {

// Empty -> ''; a word of only ASCII letters, digits and _@%+=:,./- stays as it is; anything else is
// wrapped in single quotes with each ' written '"'"'.
std::string shell_quote(std::string_view word);

// Appends shell_quote(word) to `out` without a temporary string.
// REQUIRES: `word` does not point into `out`.
void append_shell_quoted(std::string& out, std::string_view word);

// Replaces text[from, end) by its shell_quote, in place: the word is written first and quoted
// after, so a renderer need not build it in a temporary. REQUIRES: from <= text.size().
void shell_quote_tail(std::string& text, std::size_t from);

}  // namespace vhtask::common::render
