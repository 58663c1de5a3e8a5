#pragma once

// Value: a typed parameter value, as YAML 1.1 (the reference Python parser) or a user's
// NAME=VALUE typed it. A plain value type; no thread restrictions.

#include <cstdint>
#include <string>
#include <variant>
#include <vector>

namespace vhtask::common {

struct Value;
using ValueList = std::vector<Value>;

struct Null {
  bool operator==(const Null&) const = default;
};

// One alternative per Python type the reference implementation would hold: None, bool, int,
// float, str and list. Integers are 64-bit; a YAML integer outside that range is an error.
struct Value {
  std::variant<Null, bool, std::int64_t, double, std::string, ValueList> v;

  Value() = default;
  Value(Null n) : v(n) {}
  Value(bool b) : v(b) {}
  Value(std::int64_t i) : v(i) {}
  Value(int i) : v(static_cast<std::int64_t>(i)) {}
  Value(double d) : v(d) {}
  Value(std::string s) : v(std::move(s)) {}
  Value(const char* s) : v(std::string(s)) {}
  Value(ValueList l) : v(std::move(l)) {}

  bool is_null() const { return std::holds_alternative<Null>(v); }
  bool is_bool() const { return std::holds_alternative<bool>(v); }
  bool is_int() const { return std::holds_alternative<std::int64_t>(v); }
  bool is_float() const { return std::holds_alternative<double>(v); }
  bool is_number() const { return is_int() || is_float(); }
  bool is_string() const { return std::holds_alternative<std::string>(v); }
  bool is_list() const { return std::holds_alternative<ValueList>(v); }

  bool as_bool() const { return std::get<bool>(v); }
  std::int64_t as_int() const { return std::get<std::int64_t>(v); }
  double as_float() const { return std::get<double>(v); }
  const std::string& as_string() const { return std::get<std::string>(v); }
  const ValueList& as_list() const { return std::get<ValueList>(v); }

  // The number as a double (bools count as 0/1, as in Python). REQUIRES: is_number() || is_bool().
  double to_double() const;

  // Python's str(): repr-formatted floats, True/False, None, and lists as Python prints them.
  std::string to_python_str() const;

  // Python equality: 1 == 1.0 == True; used for choices and de-duplication.
  bool python_equals(const Value& other) const;
};

// A number as written in YAML: its text (for exact decimal arithmetic) and its typed value.
struct Number {
  std::string text;
  Value value;  // int or float
};

}  // namespace vhtask::common
