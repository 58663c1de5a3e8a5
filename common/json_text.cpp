#include "common/json_text.h"

#include "common/python_format.h"

#include <cmath>

namespace vhtask::common {

boost::json::value to_json(const Value& value) {
  if (value.is_null()) {
    return nullptr;
  }
  if (value.is_bool()) {
    return value.as_bool();
  }
  if (value.is_int()) {
    return value.as_int();
  }
  if (value.is_float()) {
    const double d = value.as_float();
    if (std::isfinite(d)) {
      return d;
    }
    return boost::json::string(python_repr(d));
  }
  if (value.is_string()) {
    return boost::json::string(value.as_string());
  }
  boost::json::array out;
  for (const auto& item : value.as_list()) {
    out.push_back(to_json(item));
  }
  return out;
}

Result<Value> from_json(const boost::json::value& json, BigIntegers big) {
  switch (json.kind()) {
    case boost::json::kind::null:
      return Value();
    case boost::json::kind::bool_:
      return Value(json.get_bool());
    case boost::json::kind::int64:
      return Value(json.get_int64());
    case boost::json::kind::uint64:
      if (json.get_uint64() > static_cast<std::uint64_t>(INT64_MAX)) {
        if (big == BigIntegers::as_double) {
          return Value(static_cast<double>(json.get_uint64()));
        }
        return Error::invalid_argument("integer out of the 64-bit range");
      }
      return Value(static_cast<std::int64_t>(json.get_uint64()));
    case boost::json::kind::double_:
      return Value(json.get_double());
    case boost::json::kind::string:
      return Value(std::string(json.get_string()));
    case boost::json::kind::array: {
      ValueList out;
      for (const auto& item : json.get_array()) {
        out.push_back(VHTASK_TRY(from_json(item, big)));
      }
      return Value(std::move(out));
    }
    case boost::json::kind::object:
      break;
  }
  return Error::invalid_argument("a parameter value cannot be a JSON object");
}

namespace {

void dump_to(const boost::json::value& json, std::string& out) {
  switch (json.kind()) {
    case boost::json::kind::double_: {
      const double d = json.get_double();
      out += std::isfinite(d) ? python_repr(d) : "null";
      return;
    }
    case boost::json::kind::array: {
      out += '[';
      bool first = true;
      for (const auto& item : json.get_array()) {
        out += first ? "" : ",";
        first = false;
        dump_to(item, out);
      }
      out += ']';
      return;
    }
    case boost::json::kind::object: {
      out += '{';
      bool first = true;
      for (const auto& [key, item] : json.get_object()) {
        out += first ? "" : ",";
        first = false;
        out += boost::json::serialize(boost::json::string_view(key));
        out += ':';
        dump_to(item, out);
      }
      out += '}';
      return;
    }
    default:
      out += boost::json::serialize(json);
  }
}

}  // namespace

std::string dump_json(const boost::json::value& json) {
  std::string out;
  dump_to(json, out);
  return out;
}

}  // namespace vhtask::common
