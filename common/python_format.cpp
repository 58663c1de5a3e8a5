#include "common/python_format.h"

#include <charconv>
#include <cmath>
#include <cstdlib>

namespace vhtask::common {

std::string python_repr(double d) {
  if (std::isnan(d)) {
    return "nan";
  }
  if (std::isinf(d)) {
    return d > 0 ? "inf" : "-inf";
  }
  // Shortest round-trip digits in scientific form: "-1.2345e+05".
  char buf[64];
  const auto res = std::to_chars(buf, buf + sizeof buf, d, std::chars_format::scientific);
  std::string sci(buf, res.ptr);
  std::string sign;
  if (!sci.empty() && sci[0] == '-') {
    sign = "-";
    sci.erase(0, 1);
  }
  const auto e_pos = sci.find('e');
  std::string digits = sci.substr(0, e_pos);
  const int exponent = std::atoi(sci.c_str() + e_pos + 1);
  if (const auto dot = digits.find('.'); dot != std::string::npos) {
    digits.erase(dot, 1);
  }
  if (exponent >= -4 && exponent < 16) {
    std::string out;
    if (exponent < 0) {
      out = "0." + std::string(static_cast<size_t>(-exponent - 1), '0') + digits;
    } else if (static_cast<size_t>(exponent) + 1 >= digits.size()) {
      out = digits + std::string(static_cast<size_t>(exponent) + 1 - digits.size(), '0') + ".0";
    } else {
      out = digits.substr(0, static_cast<size_t>(exponent) + 1) + "." +
            digits.substr(static_cast<size_t>(exponent) + 1);
    }
    return sign + out;
  }
  std::string mantissa = digits.substr(0, 1);
  if (digits.size() > 1) {
    mantissa += "." + digits.substr(1);
  }
  const int abs_exp = std::abs(exponent);
  std::string exp_text = (abs_exp < 10 ? "0" : "") + std::to_string(abs_exp);
  return sign + mantissa + "e" + (exponent < 0 ? "-" : "+") + exp_text;
}

Result<std::string> python_format(const Value& value, std::string_view spec) {
  if (spec.empty()) {
    return value.to_python_str();
  }
  return Error::unsupported("format spec '" + std::string(spec) + "' is not supported yet");
}

}  // namespace vhtask::common
