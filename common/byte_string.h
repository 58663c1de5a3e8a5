#pragma once

// Byte strings on the wire (schema/protocol.md, "Byte strings"): JSON strings must be UTF-8, but
// an environment variable or a directory name may be any bytes. A field that carries bytes holds
// a JSON string when they are UTF-8 and otherwise {"base64": "..."} (RFC 4648, with padding),
// which the receiver decodes back to the exact bytes. Capability `byte-strings`. Used by the
// client for `start`'s `env` values and `cwd`, and by the daemon to decode them and to keep a
// task's environment in the database as valid JSON. Pure; thread-safe.

#include "common/result.h"

#include <boost/json/value.hpp>

#include <optional>
#include <string>
#include <string_view>

namespace vhtask::common {

// `bytes` as a JSON string if they are UTF-8, else as {"base64": ...}.
boost::json::value encode_byte_string(std::string_view bytes);

// The bytes of a byte-string field: a JSON string as is, or {"base64"} decoded. Anything else
// (or bad base64) is Error::invalid_argument naming `field`.
[[nodiscard]] Result<std::string> decode_byte_string(const boost::json::value& value,
                                                     std::string_view field);

// RFC 4648 base64 with padding, and back (nullopt for anything that is not base64).
std::string base64_encode(std::string_view bytes);
std::optional<std::string> base64_decode(std::string_view text);

}  // namespace vhtask::common
