#include "common/search/decimal.h"

#include "common/python_format.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <limits>

namespace vhtask::common::search {

namespace {

__extension__ typedef unsigned __int128 UnsignedUnits;

// 10^n for n in [0, 38]; 10^38 < 2^127.
DecimalUnits pow10(int n) {
  DecimalUnits out = 1;
  for (int i = 0; i < n; ++i) {
    out *= 10;
  }
  return out;
}

std::optional<DecimalUnits> checked_mul(DecimalUnits a, DecimalUnits b) {
  DecimalUnits out = 0;
  if (__builtin_mul_overflow(a, b, &out)) {
    return std::nullopt;
  }
  return out;
}

Error not_a_number(std::string_view text, const char* why) {
  return Error::invalid_argument(std::string(text) + " " + why);
}

}  // namespace

Result<Decimal> Decimal::parse(std::string_view text) {
  std::string_view rest = text;
  bool negative = false;
  if (!rest.empty() && (rest.front() == '+' || rest.front() == '-')) {
    negative = rest.front() == '-';
    rest.remove_prefix(1);
  }
  DecimalUnits units = 0;
  int digits = 0;    // significant digits so far (leading zeros don't count)
  int fraction = 0;  // digits after the point
  bool any_digit = false;
  bool seen_point = false;
  while (!rest.empty()) {
    const char c = rest.front();
    if (c >= '0' && c <= '9') {
      any_digit = true;
      if (units != 0 || c != '0') {
        if (++digits > 38) {
          return not_a_number(text, "has too many digits for exact decimal arithmetic");
        }
      }
      units = units * 10 + (c - '0');
      fraction += seen_point ? 1 : 0;
    } else if (c == '.' && !seen_point) {
      seen_point = true;
    } else if (c != '_') {
      break;
    }
    rest.remove_prefix(1);
  }
  if (!any_digit) {
    return not_a_number(text, "is not a decimal number");
  }
  int exponent = 0;
  if (!rest.empty() && (rest.front() == 'e' || rest.front() == 'E')) {
    rest.remove_prefix(rest.size() > 1 && rest[1] == '+' ? 2 : 1);
    const auto res = std::from_chars(rest.data(), rest.data() + rest.size(), exponent);
    if (res.ec != std::errc() || res.ptr != rest.data() + rest.size() || rest.empty()) {
      return not_a_number(text, "is not a decimal number");
    }
    rest = {};
  }
  if (!rest.empty()) {
    return not_a_number(text, "is not a decimal number");
  }
  // Value = units × 10^(exponent - fraction). Trailing fractional zeros are dropped first so
  // that `0.50000` costs no more places than `0.5` when scales are aligned.
  long scale = static_cast<long>(fraction) - exponent;
  while (scale > 0 && units != 0 && units % 10 == 0) {  // units is still non-negative here
    units /= 10;
    --scale;
  }
  if (units == 0) {
    scale = 0;
  }
  if (scale > k_max_scale) {
    return not_a_number(text, "has too many decimal places for exact decimal arithmetic");
  }
  if (scale < 0) {
    if (scale < -38) {
      return not_a_number(text, "is too large for exact decimal arithmetic");
    }
    const auto scaled = checked_mul(units, pow10(static_cast<int>(-scale)));
    if (!scaled || *scaled > pow10(38)) {
      return not_a_number(text, "is too large for exact decimal arithmetic");
    }
    units = *scaled;
    scale = 0;
  }
  return Decimal(negative ? -units : units, static_cast<int>(scale));
}

Decimal Decimal::of_int(std::int64_t value) {
  return Decimal(value, 0);
}

// The text is what the user meant (0.81, not the double nearest it); the value only decides
// int versus float and is the fallback for forms that aren't plain decimal.
Result<Decimal> Decimal::of_number(const Number& number) {
  if (number.value.is_int()) {
    return of_int(number.value.as_int());
  }
  if (!number.value.is_float()) {
    return Error::invalid_argument(number.text + " is not a number");
  }
  const double d = number.value.as_float();
  if (!std::isfinite(d)) {
    return Error::invalid_argument(number.text + " is not a finite number");
  }
  if (auto exact = parse(number.text)) {
    return exact;
  }
  return parse(python_repr(d));
}

std::optional<Decimal> Decimal::rescaled(int scale) const {
  if (scale < m_scale) {
    const DecimalUnits divisor = pow10(m_scale - scale);
    if (m_units % divisor != 0) {
      return std::nullopt;
    }
    return Decimal(m_units / divisor, scale);
  }
  const auto units = checked_mul(m_units, pow10(scale - m_scale));
  if (!units) {
    return std::nullopt;
  }
  return Decimal(*units, scale);
}

bool Decimal::is_integral() const {
  return m_units % pow10(m_scale) == 0;
}

// from_chars rounds correctly, so the double is the one nearest the exact decimal, just as
// Python's float("0.81") is.
double Decimal::to_double() const {
  const std::string text = to_string();
  double out = 0;
  std::from_chars(text.data(), text.data() + text.size(), out);
  return out;
}

std::optional<std::int64_t> Decimal::to_int64() const {
  if (!is_integral()) {
    return std::nullopt;
  }
  const DecimalUnits whole = m_units / pow10(m_scale);
  if (whole < std::numeric_limits<std::int64_t>::min() ||
      whole > std::numeric_limits<std::int64_t>::max()) {
    return std::nullopt;
  }
  return static_cast<std::int64_t>(whole);
}

std::string Decimal::to_string() const {
  // Digits of |units|, least significant first; unsigned so the most negative value works too.
  UnsignedUnits magnitude =
      m_units < 0 ? -static_cast<UnsignedUnits>(m_units) : static_cast<UnsignedUnits>(m_units);
  std::string digits;
  do {
    digits.push_back(static_cast<char>('0' + static_cast<int>(magnitude % 10)));
    magnitude /= 10;
  } while (magnitude != 0);
  while (static_cast<int>(digits.size()) <= m_scale) {
    digits.push_back('0');
  }
  std::reverse(digits.begin(), digits.end());
  if (m_scale > 0) {
    digits.insert(digits.size() - static_cast<std::size_t>(m_scale), 1, '.');
  }
  return (m_units < 0 ? "-" : "") + digits;
}

std::strong_ordering Decimal::operator<=>(const Decimal& other) const {
  // Whole parts first, then fractions aligned to a common scale: a fraction is below 10^30, so
  // aligning it never overflows, whatever the whole parts are.
  const DecimalUnits whole_a = m_units / pow10(m_scale);
  const DecimalUnits whole_b = other.m_units / pow10(other.m_scale);
  if (whole_a != whole_b) {
    return whole_a < whole_b ? std::strong_ordering::less : std::strong_ordering::greater;
  }
  const int scale = std::max(m_scale, other.m_scale);
  const DecimalUnits frac_a = (m_units % pow10(m_scale)) * pow10(scale - m_scale);
  const DecimalUnits frac_b = (other.m_units % pow10(other.m_scale)) * pow10(scale - other.m_scale);
  if (frac_a == frac_b) {
    return std::strong_ordering::equal;
  }
  return frac_a < frac_b ? std::strong_ordering::less : std::strong_ordering::greater;
}

}  // namespace vhtask::common::search
