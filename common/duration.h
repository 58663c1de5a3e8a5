#pragma once

// Durations as valohai.yaml writes `time-limit` and `no-output-timeout`. Pure; thread-safe.

#include "common/result.h"

#include <cstdint>
#include <string_view>

namespace vhtask::common {

// Parses `<number><unit>` pairs separated by optional spaces, such as `1h 30m 5s`, `90s`, `2d`,
// `1.5h`; only the unit's first letter counts (s m h d w, case-insensitive, so `30min` is 30
// minutes); a bare number is seconds, but only on its own (in `1h 30` the 30 is ambiguous).
// Numbers are decimal (`1.5`, `.5`), with no sign or exponent. Returns whole seconds (rounded
// down); zero is allowed (the caller decides what a zero limit means).
// Error::invalid_argument with a message naming the text when it does not parse (empty, blank,
// `abc`, `5x`, `1h junk`), is negative, or does not fit an int64.
Result<std::int64_t> parse_duration(std::string_view text);

}  // namespace vhtask::common
