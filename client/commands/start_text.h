#pragma once

// Making sure `vhtask start` never sends invalid JSON (issue 14, item 6): JSON strings are UTF-8,
// but a file, an argument, the cwd or an environment variable may hold any bytes.
//   - The environment's values and the cwd travel losslessly as byte strings
//     (common/byte_string.h: {"base64"} when not UTF-8); the daemon decodes them before exec.
//     A variable whose *name* is not UTF-8 is left out, with a warning naming it (escaped).
//   - The texts the daemon parses itself (valohai.yaml, the grid file), the --param values,
//     --name and the other option values must be UTF-8: otherwise a usage error names the file
//     and line, or the parameter or option, and nothing is sent.
// Pure except for the warning on stderr; main thread only.

#include "client/rpc/failure.h"

#include <boost/json/object.hpp>

#include <string>
#include <string_view>

namespace vhtask::client::commands {

// A usage Failure when `text` is not UTF-8: "WHAT is not valid UTF-8 (byte 0xNN at offset N)".
rpc::Outcome<void> require_utf8(std::string_view text, const std::string& what);

// The same for a file's text, naming FILE:LINE:COLUMN of the first bad byte.
rpc::Outcome<void> require_utf8_file(std::string_view text, const std::string& file);

// The process environment as `start`'s `env`: values as byte strings; names that are not UTF-8
// are skipped with a warning on stderr. `used_bytes` is set when a value needed {"base64"}.
boost::json::object environment_params(bool& used_bytes);

}  // namespace vhtask::client::commands
