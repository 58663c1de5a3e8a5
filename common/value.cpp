#include "common/value.h"

#include "common/python_format.h"

#include <cmath>

namespace vhtask::common {

double Value::to_double() const {
  if (is_bool()) {
    return as_bool() ? 1.0 : 0.0;
  }
  if (is_int()) {
    return static_cast<double>(as_int());
  }
  return as_float();
}

namespace {

// Python's repr() of a str, as it appears inside a printed list.
std::string python_string_repr(const std::string& s) {
  const char quote =
      (s.find('\'') != std::string::npos && s.find('"') == std::string::npos) ? '"' : '\'';
  std::string out(1, quote);
  for (char c : s) {
    if (c == quote || c == '\\') {
      out += '\\';
      out += c;
    } else if (c == '\n') {
      out += "\\n";
    } else if (c == '\t') {
      out += "\\t";
    } else if (c == '\r') {
      out += "\\r";
    } else {
      out += c;
    }
  }
  out += quote;
  return out;
}

}  // namespace

std::string Value::to_python_str() const {
  if (is_null()) {
    return "None";
  }
  if (is_bool()) {
    return as_bool() ? "True" : "False";
  }
  if (is_int()) {
    return std::to_string(as_int());
  }
  if (is_float()) {
    return python_repr(as_float());
  }
  if (is_string()) {
    return as_string();
  }
  std::string out = "[";
  bool first = true;
  for (const auto& item : as_list()) {
    if (!first) {
      out += ", ";
    }
    first = false;
    out += item.is_string() ? python_string_repr(item.as_string()) : item.to_python_str();
  }
  out += "]";
  return out;
}

bool Value::python_equals(const Value& other) const {
  const bool numeric_a = is_number() || is_bool();
  const bool numeric_b = other.is_number() || other.is_bool();
  if (numeric_a && numeric_b) {
    if (is_float() || other.is_float()) {
      return to_double() == other.to_double();
    }
    const std::int64_t a = is_bool() ? (as_bool() ? 1 : 0) : as_int();
    const std::int64_t b = other.is_bool() ? (other.as_bool() ? 1 : 0) : other.as_int();
    return a == b;
  }
  if (is_string() && other.is_string()) {
    return as_string() == other.as_string();
  }
  if (is_null() && other.is_null()) {
    return true;
  }
  if (is_list() && other.is_list()) {
    const auto& a = as_list();
    const auto& b = other.as_list();
    if (a.size() != b.size()) {
      return false;
    }
    for (size_t i = 0; i < a.size(); ++i) {
      if (!a[i].python_equals(b[i])) {
        return false;
      }
    }
    return true;
  }
  return false;
}

}  // namespace vhtask::common
