#pragma once

// Text from users and programs (task names, step names, parameter values, commands, metadata,
// reasons, error messages) made safe to print on a terminal: every control character becomes a
// visible escape, so `\e]0;...\a` cannot retitle the terminal, `\e[1;31m` cannot colour it and
// `\r\n` cannot forge a table line (issue 14, item 9). Escaped are the C0 controls (U+0000 to
// U+001F, ESC included) as `\n`, `\r`, `\t` or `\xNN`, DEL as `\x7f`, the C1 controls (U+0080
// to U+009F) as `\u0080`..`\u009f`, and every byte that is not part of well-formed UTF-8 as
// `\xNN`. Everything else (printable ASCII, other UTF-8) is kept as is; a backslash is not
// doubled, so the escapes are for people, not to be decoded.
//
// Only for human output: --json and --csv are escaped by their formats, and `vhtask logs`
// prints an execution's own bytes raw. Pure; thread-safe.

#include <string>
#include <string_view>

namespace vhtask::client::view {

// `text` with every control character escaped, newlines included (a table cell, a header).
std::string escape_controls(std::string_view text);

// The same, but '\n' is kept: for messages that are meant to span lines (errors, hints).
std::string escape_controls_keep_newlines(std::string_view text);

}  // namespace vhtask::client::view
