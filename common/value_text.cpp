#include "common/value_text.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstdlib>

namespace vhtask::common {

namespace {

void append_int(std::string& out, std::int64_t i) {
  char buf[24];
  const auto res = std::to_chars(buf, buf + sizeof buf, i);
  out.append(buf, res.ptr);
}

// The bytes boost::json::serialize escapes: controls, '"' and '\\'.
struct JsonEscapedTable {
  bool escaped[256] = {};
  constexpr JsonEscapedTable() {
    for (int c = 0; c < 0x20; ++c) {
      escaped[c] = true;
    }
    escaped[static_cast<unsigned char>('"')] = true;
    escaped[static_cast<unsigned char>('\\')] = true;
  }
};

constexpr JsonEscapedTable k_json_escaped;

}  // namespace

void append_python_repr(std::string& out, double d) {
  if (std::isnan(d)) {
    out += "nan";
    return;
  }
  if (std::isinf(d)) {
    out += d > 0 ? "inf" : "-inf";
    return;
  }
  // Shortest round-trip digits in scientific form, "-1.2345e+05", taken apart into sign, digits
  // and decimal exponent; at most 17 digits.
  char buf[40];
  const auto res = std::to_chars(buf, buf + sizeof buf, d, std::chars_format::scientific);
  const char* p = buf;
  if (*p == '-') {
    out += '-';
    ++p;
  }
  const char* e = std::find(p, static_cast<const char*>(res.ptr), 'e');
  char digits[24];
  std::size_t n = 0;
  for (const char* q = p; q < e; ++q) {
    if (*q != '.') {
      digits[n++] = *q;
    }
  }
  int exponent = 0;
  const char* exp_first = e + 1 + (e[1] == '+' ? 1 : 0);
  std::from_chars(exp_first, res.ptr, exponent);
  if (exponent >= -4 && exponent < 16) {
    const auto point = static_cast<std::size_t>(exponent + 1);  // digits before the point
    if (exponent < 0) {
      out += "0.";
      out.append(static_cast<std::size_t>(-exponent - 1), '0');
      out.append(digits, n);
    } else if (point >= n) {
      out.append(digits, n);
      out.append(point - n, '0');
      out += ".0";
    } else {
      out.append(digits, point);
      out += '.';
      out.append(digits + point, n - point);
    }
    return;
  }
  out += digits[0];
  if (n > 1) {
    out += '.';
    out.append(digits + 1, n - 1);
  }
  out += 'e';
  out += exponent < 0 ? '-' : '+';
  const int abs_exp = std::abs(exponent);
  if (abs_exp < 10) {
    out += '0';
  }
  append_int(out, abs_exp);
}

void append_python_str(std::string& out, const Value& value) {
  if (value.is_string()) {
    out += value.as_string();
  } else if (value.is_int()) {
    append_int(out, value.as_int());
  } else if (value.is_float()) {
    append_python_repr(out, value.as_float());
  } else if (value.is_bool()) {
    out += value.as_bool() ? "True" : "False";
  } else if (value.is_null()) {
    out += "None";
  } else {
    out += value.to_python_str();
  }
}

void append_json_string(std::string& out, std::string_view text) {
  static constexpr char k_hex[] = "0123456789abcdef";
  out += '"';
  std::size_t plain = 0;  // start of the run of bytes not yet copied
  for (std::size_t i = 0; i < text.size(); ++i) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (!k_json_escaped.escaped[c]) {
      continue;
    }
    out.append(text.data() + plain, i - plain);
    plain = i + 1;
    out += '\\';
    switch (c) {
      case '"':
        out += '"';
        break;
      case '\\':
        out += '\\';
        break;
      case '\b':
        out += 'b';
        break;
      case '\t':
        out += 't';
        break;
      case '\n':
        out += 'n';
        break;
      case '\f':
        out += 'f';
        break;
      case '\r':
        out += 'r';
        break;
      default:
        out += "u00";
        out += k_hex[c >> 4];
        out += k_hex[c & 0xF];
    }
  }
  out.append(text.data() + plain, text.size() - plain);
  out += '"';
}

void append_json_value(std::string& out, const Value& value) {
  if (value.is_string()) {
    append_json_string(out, value.as_string());
    return;
  }
  if (value.is_int()) {
    append_int(out, value.as_int());
    return;
  }
  if (value.is_float()) {
    // JSON has no inf or nan: to_json makes them strings.
    const bool finite = std::isfinite(value.as_float());
    out += finite ? "" : "\"";
    append_python_repr(out, value.as_float());
    out += finite ? "" : "\"";
    return;
  }
  if (value.is_bool()) {
    out += value.as_bool() ? "true" : "false";
    return;
  }
  if (value.is_null()) {
    out += "null";
    return;
  }
  out += '[';
  bool first = true;
  for (const auto& item : value.as_list()) {
    if (!first) {
      out += ',';
    }
    first = false;
    append_json_value(out, item);
  }
  out += ']';
}

}  // namespace vhtask::common
