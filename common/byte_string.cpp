#include "common/byte_string.h"

#include "common/utf8.h"

#include <boost/json/object.hpp>

#include <algorithm>
#include <cstdint>

namespace vhtask::common {

namespace {

constexpr std::string_view k_alphabet =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

int sextet(char c) {
  const auto at = k_alphabet.find(c);
  return at == std::string_view::npos ? -1 : static_cast<int>(at);
}

}  // namespace

std::string base64_encode(std::string_view bytes) {
  std::string out;
  out.reserve((bytes.size() + 2) / 3 * 4);
  for (std::size_t i = 0; i < bytes.size(); i += 3) {
    const std::size_t n = std::min<std::size_t>(3, bytes.size() - i);
    std::uint32_t group = 0;
    for (std::size_t k = 0; k < 3; ++k) {
      group = (group << 8) | (k < n ? static_cast<unsigned char>(bytes[i + k]) : 0u);
    }
    for (std::size_t k = 0; k < 4; ++k) {
      out += k <= n ? k_alphabet[(group >> (18 - 6 * k)) & 0x3F] : '=';
    }
  }
  return out;
}

std::optional<std::string> base64_decode(std::string_view text) {
  if (text.size() % 4 != 0) {
    return std::nullopt;
  }
  std::string out;
  out.reserve(text.size() / 4 * 3);
  for (std::size_t i = 0; i < text.size(); i += 4) {
    const bool last = i + 4 == text.size();
    std::size_t pad = 0;
    std::uint32_t group = 0;
    for (std::size_t k = 0; k < 4; ++k) {
      const char c = text[i + k];
      int v = 0;
      if (c == '=' && last && k >= 2 && (k == 3 || text[i + 3] == '=')) {
        ++pad;
      } else if (pad > 0 || (v = sextet(c)) < 0) {
        return std::nullopt;
      }
      group = (group << 6) | static_cast<std::uint32_t>(v);
    }
    for (std::size_t k = 0; k < 3 - pad; ++k) {
      out += static_cast<char>((group >> (16 - 8 * k)) & 0xFF);
    }
  }
  return out;
}

boost::json::value encode_byte_string(std::string_view bytes) {
  if (!first_invalid_utf8(bytes)) {
    return boost::json::value(bytes);
  }
  return boost::json::object{{"base64", base64_encode(bytes)}};
}

Result<std::string> decode_byte_string(const boost::json::value& value, std::string_view field) {
  if (value.is_string()) {
    return std::string(value.get_string());
  }
  const auto* object = value.if_object();
  const auto* encoded = object != nullptr ? object->if_contains("base64") : nullptr;
  if (encoded == nullptr || !encoded->is_string() || object->size() != 1) {
    return Error::invalid_argument(std::string(field) +
                                   " must be a string or {\"base64\": string}");
  }
  auto bytes = base64_decode(encoded->get_string());
  if (!bytes) {
    return Error::invalid_argument(std::string(field) + ".base64 is not valid base64");
  }
  return std::move(*bytes);
}

}  // namespace vhtask::common
