#include "client/view/json_fields.h"

#include "common/json_text.h"

#include <cmath>
#include <limits>

namespace vhtask::client::view {

std::optional<std::int64_t> as_int(const boost::json::value& value) {
  if (value.is_int64()) {
    return value.as_int64();
  }
  if (value.is_uint64() &&
      value.as_uint64() <= static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max())) {
    return static_cast<std::int64_t>(value.as_uint64());
  }
  if (value.is_double()) {
    const double d = value.as_double();
    if (std::isfinite(d) && std::trunc(d) == d && std::fabs(d) < 9.0e18) {
      return static_cast<std::int64_t>(d);
    }
  }
  return std::nullopt;
}

std::optional<std::int64_t> int_field(const boost::json::object& object, std::string_view key) {
  const auto* value = object.if_contains(key);
  return value != nullptr ? as_int(*value) : std::nullopt;
}

std::string string_field(const boost::json::object& object, std::string_view key) {
  const auto* value = object.if_contains(key);
  if (value == nullptr || !value->is_string()) {
    return {};
  }
  return std::string(value->as_string());
}

const boost::json::object* object_field(const boost::json::object& object, std::string_view key) {
  const auto* value = object.if_contains(key);
  return value != nullptr ? value->if_object() : nullptr;
}

const boost::json::array* array_field(const boost::json::object& object, std::string_view key) {
  const auto* value = object.if_contains(key);
  return value != nullptr ? value->if_array() : nullptr;
}

std::string value_text(const boost::json::value& value) {
  if (value.is_string()) {
    return std::string(value.as_string());
  }
  if (value.is_null()) {
    return "-";
  }
  return common::dump_json(value);
}

}  // namespace vhtask::client::view
