#pragma once

// Decimal: an exact decimal number, units × 10^-scale, for the `linear` variant's arithmetic on
// numbers as written (spec section 3: 0.8 → 0.9 step 0.01 gives 11 values, which binary doubles
// get wrong). A plain value type; no thread restrictions.

#include "common/result.h"
#include "common/valohai/config.h"

#include <compare>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace vhtask::common::search {

// 128-bit units hold about 38 significant digits: every number a YAML file reasonably holds,
// aligned to a common number of decimal places. `__extension__` keeps -Wpedantic quiet.
__extension__ typedef __int128 DecimalUnits;

class Decimal {
public:
  // The most decimal places a Decimal may carry (beyond that, 128 bits run out quickly).
  static constexpr int k_max_scale = 30;

  Decimal() = default;
  Decimal(DecimalUnits units, int scale) : m_units(units), m_scale(scale) {}

  // Parses decimal text as YAML writes it: an optional sign, digits with `_` separators, an
  // optional `.` and fraction, an optional exponent (`1.0e-5`, `.5`, `3.`, `+4`, `1_000`).
  // Error::invalid_argument naming the text when it is not such a number or needs more than
  // k_max_scale places or 38 digits.
  static Result<Decimal> parse(std::string_view text);

  // The exact value of an integer.
  static Decimal of_int(std::int64_t value);

  // A YAML number as written: an int value exactly; a float by its text, or, when the text is
  // not plain decimal (sexagesimal `1:30.5`), by the shortest repr of the double. inf and nan
  // are an Error::invalid_argument.
  static Result<Decimal> of_number(const Number& number);

  DecimalUnits units() const { return m_units; }
  int scale() const { return m_scale; }

  // The same number with `scale` decimal places. nullopt when `scale` < scale() would lose
  // digits or the units overflow. REQUIRES: 0 <= scale <= k_max_scale.
  std::optional<Decimal> rescaled(int scale) const;

  // True when the number has no fractional part.
  bool is_integral() const;

  // The nearest double (correctly rounded, as from the decimal text).
  double to_double() const;

  // The value when it is integral and fits 64 bits.
  std::optional<std::int64_t> to_int64() const;

  // Plain decimal text with exactly scale() fractional digits: "-0.0012", "5", "1.50".
  std::string to_string() const;

  // Exact comparison (aligns scales; numbers too far apart to align compare by sign first).
  std::strong_ordering operator<=>(const Decimal& other) const;
  bool operator==(const Decimal& other) const { return std::is_eq(*this <=> other); }

private:
  DecimalUnits m_units = 0;
  int m_scale = 0;
};

}  // namespace vhtask::common::search
