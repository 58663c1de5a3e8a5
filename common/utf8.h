#pragma once

// Making arbitrary bytes (a log that may hold binary junk) safe to carry in a JSON string.
// Pure; thread-safe.

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace vhtask::common {

// Appends `bytes` to `out` as valid UTF-8: every byte that does not start a well-formed
// sequence becomes U+FFFD. A sequence cut off at the end of `bytes` is not replaced but kept in
// `carry` and completed by the next call (pass the same carry; call with `final` to flush it).
void append_utf8_lossy(std::string_view bytes, std::string& carry, std::string& out,
                       bool final = false);

// The offset of the first byte of `bytes` that is not part of well-formed UTF-8 (a sequence cut
// off at the end counts), or nullopt when all of it is UTF-8.
std::optional<std::size_t> first_invalid_utf8(std::string_view bytes);

}  // namespace vhtask::common
