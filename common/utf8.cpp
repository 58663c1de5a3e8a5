#include "common/utf8.h"

namespace vhtask::common {

namespace {

constexpr std::string_view k_replacement = "\xEF\xBF\xBD";

// The length of the well-formed UTF-8 sequence at s[0], 0 if it is malformed, or -1 if it is a
// valid prefix cut off by the end of s.
int sequence_length(std::string_view s) {
  const auto b0 = static_cast<unsigned char>(s[0]);
  if (b0 < 0x80) {
    return 1;
  }
  int len = 0;
  unsigned char lo = 0x80;
  unsigned char hi = 0xBF;
  if (b0 >= 0xC2 && b0 <= 0xDF) {
    len = 2;
  } else if (b0 >= 0xE0 && b0 <= 0xEF) {
    len = 3;
    lo = b0 == 0xE0 ? 0xA0 : 0x80;
    hi = b0 == 0xED ? 0x9F : 0xBF;
  } else if (b0 >= 0xF0 && b0 <= 0xF4) {
    len = 4;
    lo = b0 == 0xF0 ? 0x90 : 0x80;
    hi = b0 == 0xF4 ? 0x8F : 0xBF;
  } else {
    return 0;
  }
  for (int i = 1; i < len; ++i) {
    if (static_cast<size_t>(i) >= s.size()) {
      return -1;
    }
    const auto b = static_cast<unsigned char>(s[static_cast<size_t>(i)]);
    const unsigned char min = i == 1 ? lo : 0x80;
    const unsigned char max = i == 1 ? hi : 0xBF;
    if (b < min || b > max) {
      return 0;
    }
  }
  return len;
}

}  // namespace

void append_utf8_lossy(std::string_view bytes, std::string& carry, std::string& out, bool final) {
  std::string joined;
  if (!carry.empty()) {
    joined = carry;
    joined.append(bytes);
    bytes = joined;
    carry.clear();
  }
  size_t i = 0;
  while (i < bytes.size()) {
    const int len = sequence_length(bytes.substr(i));
    if (len > 0) {
      out.append(bytes.substr(i, static_cast<size_t>(len)));
      i += static_cast<size_t>(len);
    } else if (len < 0 && !final) {
      carry.assign(bytes.substr(i));
      return;
    } else {
      out.append(k_replacement);
      ++i;
    }
  }
}

std::optional<std::size_t> first_invalid_utf8(std::string_view bytes) {
  std::size_t at = 0;
  while (at < bytes.size()) {
    const int length = sequence_length(bytes.substr(at));
    if (length <= 0) {
      return at;
    }
    at += static_cast<std::size_t>(length);
  }
  return std::nullopt;
}

}  // namespace vhtask::common
