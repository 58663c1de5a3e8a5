#include "daemon/server/params.h"

#include "common/byte_string.h"

namespace vhtask::daemon::server {

namespace {

Error wrong_type(std::string_view key, const char* expected) {
  return Error::invalid_argument("params." + std::string(key) + " must be " + expected);
}

}  // namespace

const boost::json::value* Params::find(std::string_view key) const {
  const auto* value = m_params.if_contains(key);
  return (value == nullptr || value->is_null()) ? nullptr : value;
}

bool Params::has(std::string_view key) const {
  return find(key) != nullptr;
}

Result<std::optional<std::int64_t>> Params::optional_int(std::string_view key) const {
  const auto* value = find(key);
  if (value == nullptr) {
    return std::optional<std::int64_t>();
  }
  if (value->is_int64()) {
    return std::optional<std::int64_t>(value->get_int64());
  }
  if (value->is_uint64() && value->get_uint64() <= static_cast<std::uint64_t>(INT64_MAX)) {
    return std::optional<std::int64_t>(static_cast<std::int64_t>(value->get_uint64()));
  }
  return wrong_type(key, "an integer");
}

Result<std::optional<std::uint64_t>> Params::optional_uint(std::string_view key) const {
  const auto* value = find(key);
  if (value == nullptr) {
    return std::optional<std::uint64_t>();
  }
  if (value->is_uint64()) {
    return std::optional<std::uint64_t>(value->get_uint64());
  }
  if (value->is_int64() && value->get_int64() >= 0) {
    return std::optional<std::uint64_t>(static_cast<std::uint64_t>(value->get_int64()));
  }
  return wrong_type(key, "a non-negative integer");
}

Result<std::int64_t> Params::required_int(std::string_view key) const {
  const auto value = VHTASK_TRY(optional_int(key));
  if (!value) {
    return Error::invalid_argument("params." + std::string(key) + " is required");
  }
  return *value;
}

Result<std::string> Params::optional_string(std::string_view key) const {
  const auto* value = find(key);
  if (value == nullptr) {
    return std::string();
  }
  if (!value->is_string()) {
    return wrong_type(key, "a string");
  }
  return std::string(value->get_string());
}

Result<std::string> Params::required_string(std::string_view key) const {
  if (find(key) == nullptr) {
    return Error::invalid_argument("params." + std::string(key) + " is required");
  }
  return optional_string(key);
}

Result<bool> Params::optional_bool(std::string_view key) const {
  const auto* value = find(key);
  if (value == nullptr) {
    return false;
  }
  if (!value->is_bool()) {
    return wrong_type(key, "a boolean");
  }
  return value->get_bool();
}

Result<std::vector<std::int64_t>> Params::int_list(std::string_view key) const {
  std::vector<std::int64_t> out;
  const auto* value = find(key);
  if (value == nullptr) {
    return out;
  }
  if (!value->is_array()) {
    return wrong_type(key, "an array of integers");
  }
  for (const auto& item : value->get_array()) {
    if (!item.is_int64() && !item.is_uint64()) {
      return wrong_type(key, "an array of integers");
    }
    out.push_back(item.is_int64() ? item.get_int64()
                                  : static_cast<std::int64_t>(item.get_uint64()));
  }
  return out;
}

Result<std::vector<std::string>> Params::string_list(std::string_view key) const {
  std::vector<std::string> out;
  const auto* value = find(key);
  if (value == nullptr) {
    return out;
  }
  if (!value->is_array()) {
    return wrong_type(key, "an array of strings");
  }
  for (const auto& item : value->get_array()) {
    if (!item.is_string()) {
      return wrong_type(key, "an array of strings");
    }
    out.emplace_back(item.get_string());
  }
  return out;
}

Result<std::string> Params::required_bytes(std::string_view key) const {
  const auto* value = find(key);
  if (value == nullptr) {
    return Error::invalid_argument("params." + std::string(key) + " is required");
  }
  return common::decode_byte_string(*value, "params." + std::string(key));
}

Result<std::map<std::string, std::string>> Params::bytes_map(std::string_view key) const {
  std::map<std::string, std::string> out;
  const auto* value = find(key);
  if (value == nullptr) {
    return out;
  }
  if (!value->is_object()) {
    return wrong_type(key, "an object of strings");
  }
  for (const auto& [name, item] : value->get_object()) {
    out[std::string(name)] = VHTASK_TRY(
        common::decode_byte_string(item, "params." + std::string(key) + "." + std::string(name)));
  }
  return out;
}

}  // namespace vhtask::daemon::server
