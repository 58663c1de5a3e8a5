#include "common/duration.h"

#include <charconv>
#include <cmath>
#include <string>
#include <string_view>

namespace vhtask::common {

namespace {

bool is_space(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}
bool is_letter(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}
bool is_number_char(char c) {
  return (c >= '0' && c <= '9') || c == '.';
}

// Seconds per unit, by the unit's first letter in either case; 0 for an unknown unit.
double unit_seconds(char first) {
  constexpr std::string_view k_letters = "smhdw";
  constexpr double k_seconds[] = {1, 60, 60 * 60, 60 * 60 * 24, 60 * 60 * 24 * 7};
  const std::size_t i = k_letters.find(static_cast<char>(first | 0x20));
  return i == std::string_view::npos ? 0 : k_seconds[i];
}

}  // namespace

Result<std::int64_t> parse_duration(std::string_view text) {
  const auto fail_with = [&](const std::string& why) {
    return Error::invalid_argument("invalid duration '" + std::string(text) + "': " + why);
  };
  double total = 0;
  int pairs = 0;
  bool bare_number = false;
  std::size_t pos = 0;
  const auto skip_spaces = [&] {
    while (pos < text.size() && is_space(text[pos])) {
      ++pos;
    }
  };
  for (skip_spaces(); pos < text.size(); skip_spaces()) {
    if (text[pos] == '-') {
      return fail_with("a duration cannot be negative");
    }
    // [.\d]+ as in the reference parser, but it must also read as one decimal number.
    const std::size_t start = pos;
    while (pos < text.size() && is_number_char(text[pos])) {
      ++pos;
    }
    double value = 0;
    const auto res =
        std::from_chars(text.data() + start, text.data() + pos, value, std::chars_format::fixed);
    if (start == pos || res.ec != std::errc() || res.ptr != text.data() + pos) {
      return fail_with("expected a number at '" + std::string(text.substr(start)) + "'");
    }
    skip_spaces();
    const std::size_t unit_start = pos;
    while (pos < text.size() && is_letter(text[pos])) {
      ++pos;
    }
    ++pairs;
    if (unit_start == pos) {
      // A number without a unit means seconds, but only as the whole text: in `1h 30` the 30
      // could as well mean minutes.
      bare_number = true;
      total += value;
      continue;
    }
    const double unit = unit_seconds(text[unit_start]);
    if (unit == 0) {
      return fail_with("unknown unit '" + std::string(text.substr(unit_start, pos - unit_start)) +
                       "' (use s, m, h, d or w)");
    }
    total += value * unit;
  }
  if (pairs == 0) {
    return fail_with("expected a number of seconds or pairs such as `1h 30m`");
  }
  if (bare_number && pairs > 1) {
    return fail_with("a number without a unit is only allowed on its own");
  }
  // 2^63 is exactly representable, so this rejects everything that does not fit an int64.
  if (!(total < 9223372036854775808.0)) {
    return fail_with("the duration is too long");
  }
  return static_cast<std::int64_t>(std::floor(total));
}

}  // namespace vhtask::common
