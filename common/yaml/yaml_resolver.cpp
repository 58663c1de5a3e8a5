#include "common/yaml/yaml_resolver.h"

#include "common/python_format.h"
#include "common/yaml/yaml_scalar.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <limits>
#include <regex>
#include <string>
#include <utility>
#include <vector>

namespace vhtask::common::yaml {

namespace yaml11 {

namespace {

bool is_digit(char c) {
  return c >= '0' && c <= '9';
}
bool is_hex(char c) {
  return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

// Consumes chars matching `pred` from `pos`; returns how many.
template <class Pred>
std::size_t span(std::string_view s, std::size_t& pos, Pred pred) {
  const std::size_t start = pos;
  while (pos < s.size() && pred(s[pos])) {
    ++pos;
  }
  return pos - start;
}

std::size_t skip_sign(std::string_view s) {
  return (!s.empty() && (s[0] == '-' || s[0] == '+')) ? 1 : 0;
}

// `(?::[0-5]?[0-9])+` from `pos`; true when at least one group matched.
bool match_sexagesimal_groups(std::string_view s, std::size_t& pos) {
  bool any = false;
  while (pos < s.size() && s[pos] == ':') {
    std::size_t p = pos + 1;
    if (p + 1 < s.size() && s[p] >= '0' && s[p] <= '5' && is_digit(s[p + 1])) {
      p += 2;
    } else if (p < s.size() && is_digit(s[p])) {
      p += 1;
    } else {
      return false;
    }
    pos = p;
    any = true;
  }
  return any;
}

const auto k_digit_ = [](char c) { return is_digit(c) || c == '_'; };

std::string without_underscores(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (char c : s) {
    if (c != '_') {
      out += c;
    }
  }
  return out;
}

// Python's str() of an int given as digits in `base` (or base-60 parts), for values outside
// 64 bits. Little-endian decimal digits; quadratic, so only for texts Python itself would convert.
class BigDecimal {
public:
  void multiply_add(unsigned multiplier, unsigned addend) {
    unsigned carry = addend;
    for (auto& d : m_digits) {
      const unsigned v = d * multiplier + carry;
      d = static_cast<unsigned char>(v % 10);
      carry = v / 10;
    }
    while (carry > 0) {
      m_digits.push_back(static_cast<unsigned char>(carry % 10));
      carry /= 10;
    }
  }
  std::string str(bool negative) const {
    std::string out = negative ? "-" : "";
    std::size_t n = m_digits.size();
    while (n > 1 && m_digits[n - 1] == 0) {
      --n;
    }
    if (n == 0) {
      return "0";
    }
    for (std::size_t i = n; i-- > 0;) {
      out += static_cast<char>('0' + m_digits[i]);
    }
    return (out == "-0") ? "0" : out;
  }

private:
  std::vector<unsigned char> m_digits;
};

unsigned digit_value(char c) {
  if (is_digit(c)) {
    return static_cast<unsigned>(c - '0');
  }
  return static_cast<unsigned>(std::tolower(static_cast<unsigned char>(c)) - 'a' + 10);
}

// Python's float() of an unsigned decimal text without underscores (digits, optional dot,
// optional exponent). from_chars reports overflow and underflow instead of rounding to inf/0.
std::optional<double> parse_decimal(std::string_view s) {
  double d = 0;
  const auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), d);
  if (ptr != s.data() + s.size()) {
    return std::nullopt;
  }
  if (ec == std::errc::result_out_of_range) {
    // Decide by the decimal exponent: leading significant digit position plus the exponent.
    const std::size_t e_pos = s.find_first_of("eE");
    std::string_view mantissa = s.substr(0, e_pos);
    long exponent = 0;
    if (e_pos != std::string_view::npos) {
      std::from_chars(s.data() + e_pos + 1 + (s[e_pos + 1] == '+' ? 1 : 0), s.data() + s.size(),
                      exponent);
    }
    const std::size_t dot = std::min(mantissa.find('.'), mantissa.size());
    const std::size_t first = mantissa.find_first_of("123456789");
    const long magnitude =
        (first < dot) ? static_cast<long>(dot - first) : -static_cast<long>(first - dot - 1);
    return magnitude + exponent > 0 ? std::numeric_limits<double>::infinity() : 0.0;
  }
  if (ec != std::errc()) {
    return std::nullopt;
  }
  return d;
}

}  // namespace

// PyYAML's int resolver regex.
bool matches_int(std::string_view s) {
  std::string_view r = s.substr(skip_sign(s));
  if (r.empty()) {
    return false;
  }
  std::size_t pos = 0;
  if (r.starts_with("0b")) {
    pos = 2;
    return span(r, pos, [](char c) { return c == '0' || c == '1' || c == '_'; }) > 0 &&
           pos == r.size();
  }
  if (r.starts_with("0x")) {
    pos = 2;
    return span(r, pos, [](char c) { return is_hex(c) || c == '_'; }) > 0 && pos == r.size();
  }
  if (r[0] == '0') {
    pos = 1;
    span(r, pos, [](char c) { return (c >= '0' && c <= '7') || c == '_'; });
    return pos == r.size();
  }
  if (r[0] < '1' || r[0] > '9') {
    return false;
  }
  pos = 1;
  span(r, pos, k_digit_);
  if (pos == r.size()) {
    return true;
  }
  return match_sexagesimal_groups(r, pos) && pos == r.size();
}

// PyYAML's float resolver regex (floats need a dot, exponents need a sign).
bool matches_float(std::string_view s) {
  static constexpr std::array<std::string_view, 3> k_inf = {".inf", ".Inf", ".INF"};
  static constexpr std::array<std::string_view, 3> k_nan = {".nan", ".NaN", ".NAN"};
  if (std::find(k_nan.begin(), k_nan.end(), s) != k_nan.end()) {
    return true;
  }
  const std::size_t sign = skip_sign(s);
  std::string_view r = s.substr(sign);
  if (std::find(k_inf.begin(), k_inf.end(), r) != k_inf.end()) {
    return true;
  }
  auto exponent_then_end = [&](std::size_t pos) {
    if (pos < r.size() && (r[pos] == 'e' || r[pos] == 'E')) {
      ++pos;
      if (pos >= r.size() || (r[pos] != '-' && r[pos] != '+')) {
        return false;
      }
      ++pos;
      if (span(r, pos, is_digit) == 0) {
        return false;
      }
    }
    return pos == r.size();
  };
  std::size_t pos = 0;
  if (!r.empty() && r[0] == '.') {  // `\.[0-9][0-9_]*(exp)?`, no sign allowed
    pos = 1;
    if (sign != 0 || pos >= r.size() || !is_digit(r[pos])) {
      return false;
    }
    span(r, pos, k_digit_);
    return exponent_then_end(pos);
  }
  if (r.empty() || !is_digit(r[0])) {
    return false;
  }
  pos = 1;
  span(r, pos, k_digit_);
  if (pos < r.size() && r[pos] == '.') {
    ++pos;
    span(r, pos, k_digit_);
    return exponent_then_end(pos);
  }
  if (!match_sexagesimal_groups(r, pos) || pos >= r.size() || r[pos] != '.') {
    return false;
  }
  ++pos;
  span(r, pos, k_digit_);
  return pos == r.size();
}

// The YAML 1.1 bool words; PyYAML accepts them lower, Capitalised or UPPER case, `!!bool` in any
// case.
std::optional<bool> match_bool(std::string_view s, bool any_case) {
  if (s.size() < 2 || s.size() > 5) {
    return std::nullopt;
  }
  char lower[5];
  bool all_lower = true;
  bool all_upper = true;
  for (std::size_t i = 0; i < s.size(); ++i) {
    const auto c = static_cast<unsigned char>(s[i]);
    lower[i] = static_cast<char>(std::tolower(c));
    all_lower = all_lower && !std::isupper(c);
    all_upper = all_upper && !std::islower(c);
  }
  const bool capitalised =
      std::isupper(static_cast<unsigned char>(s[0])) &&
      std::all_of(s.begin() + 1, s.end(), [](unsigned char c) { return !std::isupper(c); });
  if (!any_case && !all_lower && !all_upper && !capitalised) {
    return std::nullopt;
  }
  const std::string_view word(lower, s.size());
  if (word == "yes" || word == "true" || word == "on") {
    return true;
  }
  if (word == "no" || word == "false" || word == "off") {
    return false;
  }
  return std::nullopt;
}

bool matches_null(std::string_view s) {
  return s.empty() || s == "~" || s == "null" || s == "Null" || s == "NULL";
}

// PyYAML's construct_yaml_int. REQUIRES: matches_int(text). Values outside 64 bits become the
// string Python's str() would print; the few texts PyYAML itself fails on (`0b_`) stay as text.
Value construct_int(std::string_view text) {
  std::string v = without_underscores(text);
  bool negative = false;
  if (!v.empty() && (v[0] == '-' || v[0] == '+')) {
    negative = v[0] == '-';
    v.erase(0, 1);
  }
  // Horner steps (multiplier, addend), most significant first.
  std::vector<std::pair<unsigned, unsigned>> steps;
  if (v == "0") {
    return Value(std::int64_t{0});
  }
  if (v.starts_with("0b") || v.starts_with("0x")) {
    const unsigned base = v[1] == 'b' ? 2 : 16;
    for (char c : v.substr(2)) {
      steps.emplace_back(base, digit_value(c));
    }
  } else if (v[0] == '0') {
    for (char c : v) {
      steps.emplace_back(8, digit_value(c));
    }
  } else {
    // Decimal digits, then each `:NN` sexagesimal part as one base-60 digit.
    const std::size_t colon = std::min(v.find(':'), v.size());
    for (std::size_t i = 0; i < colon; ++i) {
      steps.emplace_back(10, digit_value(v[i]));
    }
    std::size_t start = colon + 1;
    while (start <= v.size()) {
      const std::size_t next = std::min(v.find(':', start), v.size());
      unsigned part = 0;
      for (std::size_t i = start; i < next; ++i) {
        part = part * 10 + digit_value(v[i]);
      }
      steps.emplace_back(60, part);
      start = next + 1;
    }
  }
  if (steps.empty()) {
    return Value(std::string(text));
  }
  // Accumulate the magnitude in 64 bits (up to 2**63, for INT64_MIN); decimal digits beyond.
  std::uint64_t magnitude = 0;
  constexpr std::uint64_t limit = std::uint64_t{1} << 63;
  bool overflow = false;
  for (const auto& [multiplier, addend] : steps) {
    if (__builtin_mul_overflow(magnitude, std::uint64_t{multiplier}, &magnitude) ||
        __builtin_add_overflow(magnitude, std::uint64_t{addend}, &magnitude) || magnitude > limit) {
      overflow = true;
      break;
    }
  }
  if (!overflow && (magnitude < limit || negative)) {
    if (magnitude == limit) {
      return Value(std::numeric_limits<std::int64_t>::min());
    }
    const auto i = static_cast<std::int64_t>(magnitude);
    return Value(negative ? -i : i);
  }
  if (steps.size() > 4300) {
    return Value(std::string(text));  // Python refuses int('...') this long, too
  }
  BigDecimal big;
  for (const auto& [multiplier, addend] : steps) {
    big.multiply_add(multiplier, addend);
  }
  return Value(big.str(negative));
}

// PyYAML's construct_yaml_float, also used for `!!float` texts that only Python's float() takes
// (`1`, `1e5`, `inf`). nullopt when Python would raise.
std::optional<double> construct_float(std::string_view text) {
  std::string v = without_underscores(text);
  std::transform(v.begin(), v.end(), v.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  double sign = 1.0;
  if (!v.empty() && (v[0] == '-' || v[0] == '+')) {
    sign = v[0] == '-' ? -1.0 : 1.0;
    v.erase(0, 1);
  }
  if (!v.empty() && (v[0] == '-' || v[0] == '+')) {
    return std::nullopt;  // Python's float() takes one sign only
  }
  if (v == ".inf" || v == "inf" || v == "infinity") {
    return sign * std::numeric_limits<double>::infinity();
  }
  if (v == ".nan" || v == "nan") {
    return std::numeric_limits<double>::quiet_NaN();
  }
  if (v.find(':') != std::string::npos) {
    // Python sums float(part) * 60**k from the least significant part.
    std::vector<double> parts;
    std::size_t start = 0;
    while (start <= v.size()) {
      const std::size_t colon = std::min(v.find(':', start), v.size());
      auto part = parse_decimal(std::string_view(v).substr(start, colon - start));
      if (!part) {
        return std::nullopt;
      }
      parts.push_back(*part);
      start = colon + 1;
    }
    double value = 0.0;
    double base = 1.0;
    for (auto it = parts.rbegin(); it != parts.rend(); ++it) {
      value += *it * base;
      base *= 60;
    }
    return sign * value;
  }
  if (v.empty() || v.find_first_not_of("0123456789.e+-") != std::string::npos) {
    return std::nullopt;
  }
  auto d = parse_decimal(v);
  if (!d) {
    return std::nullopt;
  }
  return sign * *d;
}

bool matches_timestamp(std::string_view text) {
  static const std::regex k_timestamp(
      "[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]"
      "|[0-9][0-9][0-9][0-9]-[0-9][0-9]?-[0-9][0-9]?"
      "(?:[Tt]|[ \t]+)[0-9][0-9]?:[0-9][0-9]:[0-9][0-9](?:\\.[0-9]*)?"
      "(?:[ \t]*(?:Z|[-+][0-9][0-9]?(?::[0-9][0-9])?))?",
      std::regex::ECMAScript);
  return text.size() <= 64 && std::regex_match(text.begin(), text.end(), k_timestamp);
}

bool is_plain_string(std::string_view text) {
  return !matches_null(text) && !match_bool(text, false) && !matches_int(text) &&
         !matches_float(text);
}

}  // namespace yaml11

// Declared in yaml_scalar.h, with number_source_text below.
Value resolve_plain_scalar(std::string_view text) {
  if (yaml11::matches_null(text)) {
    return Value(Null{});
  }
  if (auto b = yaml11::match_bool(text, false)) {
    return Value(*b);
  }
  if (yaml11::matches_int(text)) {
    return yaml11::construct_int(text);
  }
  if (yaml11::matches_float(text)) {
    if (auto d = yaml11::construct_float(text)) {
      return Value(*d);
    }
  }
  return Value(std::string(text));
}

std::string number_source_text(std::string_view plain_text, const Value& value) {
  if (value.is_int()) {
    return std::to_string(value.as_int());
  }
  if (!value.is_float()) {
    return std::string(plain_text);
  }
  std::string t = yaml11::without_underscores(plain_text);
  if (!std::isfinite(value.as_float()) || t.find(':') != std::string::npos ||
      !yaml11::matches_float(plain_text)) {
    return python_repr(value.as_float());
  }
  std::string sign;
  if (t[0] == '-' || t[0] == '+') {
    sign = t[0] == '-' ? "-" : "";
    t.erase(0, 1);
  }
  std::transform(t.begin(), t.end(), t.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  const std::size_t dot = t.find('.');
  if (dot + 1 == t.size() || t[dot + 1] == 'e') {
    t.insert(dot + 1, "0");  // `3.` -> `3.0`, `1.e+5` -> `1.0e+5`
  }
  const std::size_t first_kept = std::min(t.find_first_not_of('0'), dot == 0 ? 0 : dot - 1);
  t.erase(0, first_kept);  // `01.5` -> `1.5`, `.5` stays `.5` until the next line
  if (t[0] == '.') {
    t.insert(0, "0");
  }
  return sign + t;
}

}  // namespace vhtask::common::yaml
