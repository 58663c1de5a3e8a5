#pragma once

// Reading a request's params (a JSON object) into typed values, with messages that name the
// field. Handlers answer a decoding failure with -32602 (Reply::invalid_params). Pure.

#include "common/result.h"

#include <boost/json.hpp>

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace vhtask::daemon::server {

class Params {
public:
  explicit Params(const boost::json::object& params) : m_params(params) {}

  Result<std::int64_t> required_int(std::string_view key) const;
  Result<std::optional<std::int64_t>> optional_int(std::string_view key) const;
  Result<std::optional<std::uint64_t>> optional_uint(std::string_view key) const;
  Result<std::string> required_string(std::string_view key) const;
  Result<std::string> optional_string(std::string_view key) const;           // absent/null: ""
  Result<bool> optional_bool(std::string_view key) const;                    // absent/null: false
  Result<std::vector<std::int64_t>> int_list(std::string_view key) const;    // absent: {}
  Result<std::vector<std::string>> string_list(std::string_view key) const;  // absent: {}
  // Byte strings (common/byte_string.h): a string, or {"base64"} decoded to its bytes.
  Result<std::string> required_bytes(std::string_view key) const;
  Result<std::map<std::string, std::string>> bytes_map(std::string_view key) const;  // absent: {}
  bool has(std::string_view key) const;

private:
  const boost::json::value* find(std::string_view key) const;
  const boost::json::object& m_params;
};

}  // namespace vhtask::daemon::server
