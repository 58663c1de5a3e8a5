#include "common/search/variants.h"

#include "common/python_format.h"
#include "common/search/decimal.h"
#include "common/valohai/parameter_values.h"

#include <algorithm>
#include <cmath>
#include <unordered_set>

namespace vhtask::common::search {

namespace {

// Every variant error carries the variant's position and the parameter's name.
Error bad(const valohai::VariantSpec& v, const std::string& message) {
  return Error::invalid_argument(variant_message(v, message));
}

// A number as the user wrote it.
std::string written(const Number& n) {
  return n.text.empty() ? n.value.to_python_str() : n.text;
}

// The rule `name` of `v`, or an error saying the style needs it.
Result<Number> required(const valohai::VariantSpec& v, const std::optional<Number>& rule,
                        const char* name) {
  if (!rule) {
    return bad(v, std::string(to_string(v.style)) + " needs `" + name + "`");
  }
  return *rule;
}

// `count` of logspace and random: at least 1, at most k_max_variant_values.
Result<std::uint64_t> checked_count(const valohai::VariantSpec& v) {
  if (!v.count) {
    return bad(v, std::string(to_string(v.style)) + " needs `count`");
  }
  if (*v.count < 1) {
    return bad(v, "count must be at least 1 (it is " + std::to_string(*v.count) + ").");
  }
  if (static_cast<std::uint64_t>(*v.count) > k_max_variant_values) {
    return bad(v, "count " + std::to_string(*v.count) + " is above the limit of " +
                      std::to_string(k_max_variant_values) + " values per parameter.");
  }
  return static_cast<std::uint64_t>(*v.count);
}

// The exact decimal of a rule number, its errors given the variant's prefix.
Result<Decimal> decimal(const valohai::VariantSpec& v, const Number& n) {
  auto d = Decimal::of_number(n);
  if (!d) {
    return bad(v, d.error().message);
  }
  return *d;
}

// start, start+step, … up to and including end, in exact decimal arithmetic.
Result<ValueList> linear_values(const valohai::VariantSpec& v) {
  const Number start = VHTASK_TRY(required(v, v.start, "start"));
  const Number end = VHTASK_TRY(required(v, v.end, "end"));
  const Number step = VHTASK_TRY(required(v, v.step, "step"));
  const Decimal a0 = VHTASK_TRY(decimal(v, start));
  const Decimal b0 = VHTASK_TRY(decimal(v, end));
  const Decimal d0 = VHTASK_TRY(decimal(v, step));
  if (b0 < a0) {
    return bad(v, "End must be greater than or equal to start.");
  }
  if (d0 <= Decimal()) {
    return bad(v, "step must be greater than 0 (it is " + written(step) + ").");
  }
  // On a common scale the three are integers: n = (end − start) div step is exact, so the end
  // is included exactly when it is reached, never lost to binary rounding.
  const int scale = std::max({a0.scale(), b0.scale(), d0.scale()});
  const auto a = a0.rescaled(scale);
  const auto b = b0.rescaled(scale);
  const auto d = d0.rescaled(scale);
  DecimalUnits span = 0;
  if (!a || !b || !d || __builtin_sub_overflow(b->units(), a->units(), &span)) {
    return bad(v, "start, end and step have too many digits for exact decimal arithmetic.");
  }
  const DecimalUnits steps = span / d->units();
  if (steps >= static_cast<DecimalUnits>(k_max_variant_values)) {
    return bad(v, "linear gives more than " + std::to_string(k_max_variant_values) +
                      " values, the limit per parameter.");
  }
  // Python's start + i*step is an int only when both are ints; the end doesn't matter.
  const bool integers = start.value.is_int() && step.value.is_int();
  ValueList out;
  out.reserve(static_cast<std::size_t>(steps) + 1);
  for (DecimalUnits i = 0; i <= steps; ++i) {
    // Never overflows: a + i·d lies between a and b.
    const Decimal x(a->units() + i * d->units(), scale);
    if (!integers) {
      out.emplace_back(x.to_double());
    } else if (const auto n = x.to_int64()) {
      out.emplace_back(*n);
    } else {
      return bad(v, x.to_string() + " is out of the 64-bit integer range");
    }
  }
  return out;
}

// base ** y for `count` exponents evenly spaced from start to end, as numpy.logspace spaces
// them: y_i = start + i·((end − start)/(count − 1)), the last exactly end.
Result<ValueList> logspace_values(const valohai::VariantSpec& v) {
  const Number start = VHTASK_TRY(required(v, v.start ? v.start : v.min, "start"));
  const Number end = VHTASK_TRY(required(v, v.end ? v.end : v.max, "end"));
  const std::uint64_t count = VHTASK_TRY(checked_count(v));
  const double base = v.base ? v.base->value.to_double() : 10.0;
  const double y0 = start.value.to_double();
  const double y1 = end.value.to_double();
  // numpy computes the step once and multiplies (not i*(end−start)/(count−1)); the last
  // digit of values such as 10**(5/3) depends on it, and the conformance vectors follow numpy.
  const double delta = count > 1 ? (y1 - y0) / static_cast<double>(count - 1) : 0.0;
  ValueList out;
  out.reserve(count);
  for (std::uint64_t i = 0; i < count; ++i) {
    const double y = (i + 1 == count && count > 1) ? y1 : y0 + static_cast<double>(i) * delta;
    const double x = std::pow(base, y);
    if (!std::isfinite(x)) {
      return bad(v, python_repr(base) + " ** " + python_repr(y) + " is not a finite number.");
    }
    out.emplace_back(x);
  }
  return out;
}

// `count` draws in order from one engine: the variant's own seed, or the one the task gives.
Result<ValueList> random_values(const valohai::VariantSpec& v, std::uint64_t default_seed) {
  const RandomRule rule = VHTASK_TRY(random_rule(v));
  const std::uint64_t count = VHTASK_TRY(checked_count(v));
  RandomEngine engine(v.seed ? *v.seed : default_seed);
  ValueList out;
  out.reserve(count);
  for (std::uint64_t i = 0; i < count; ++i) {
    out.emplace_back(draw(rule, engine));
  }
  return out;
}

// integerify's rounding: floor, as Python's math.floor, to an int (doubles beyond 2^63 can't).
Result<Value> floored(const valohai::VariantSpec& v, const Value& x) {
  if (!x.is_float()) {
    return x;
  }
  const double f = std::floor(x.as_float());
  if (!(f >= -0x1.0p63 && f < 0x1.0p63)) {
    return bad(v, python_repr(x.as_float()) + " is out of the 64-bit integer range");
  }
  return Value(static_cast<std::int64_t>(f));
}

// Round every value down, then drop duplicates, keeping the first of each.
Result<ValueList> integerified(const valohai::VariantSpec& v, const ValueList& values) {
  ValueList out;
  std::unordered_set<std::int64_t> seen;
  for (const auto& x : values) {
    Value n = VHTASK_TRY(floored(v, x));
    if (seen.insert(n.as_int()).second) {
      out.push_back(std::move(n));
    }
  }
  return out;
}

}  // namespace

const char* to_string(valohai::VariantStyle style) {
  switch (style) {
    case valohai::VariantStyle::single:
      return "single";
    case valohai::VariantStyle::multiple:
      return "multiple";
    case valohai::VariantStyle::linear:
      return "linear";
    case valohai::VariantStyle::logspace:
      return "logspace";
    case valohai::VariantStyle::random:
      return "random";
  }
  return "?";
}

bool is_numeric_style(valohai::VariantStyle style) {
  return style == valohai::VariantStyle::linear || style == valohai::VariantStyle::logspace ||
         style == valohai::VariantStyle::random;
}

std::string variant_message(const valohai::VariantSpec& variant, const std::string& message) {
  const bool known = !variant.mark.file.empty() || variant.mark.line > 0;
  return (known ? variant.mark.to_string() + ": " : std::string()) + "parameter '" + variant.name +
         "': " + message;
}

Result<RandomRule> random_rule(const valohai::VariantSpec& v) {
  const Number min = VHTASK_TRY(required(v, v.min ? v.min : v.start, "min"));
  const Number max = VHTASK_TRY(required(v, v.max ? v.max : v.end, "max"));
  RandomRule rule{v.distribution, min.value.to_double(), max.value.to_double()};
  if (!std::isfinite(rule.min) || !std::isfinite(rule.max)) {
    return bad(v, "min and max must be finite numbers.");
  }
  if (rule.max < rule.min) {
    return bad(v, "Max must be greater than or equal to min.");
  }
  const bool log = v.distribution == valohai::Distribution::loguniform ||
                   v.distribution == valohai::Distribution::lognormal;
  if (log && rule.min <= 0) {
    return bad(v, std::string(v.distribution == valohai::Distribution::loguniform ? "loguniform"
                                                                                  : "lognormal") +
                      " needs min greater than 0 (it is " + written(min) + ").");
  }
  return rule;
}

Result<ValueList> variant_values(const valohai::VariantSpec& v, std::uint64_t default_seed) {
  ValueList values;
  switch (v.style) {
    case valohai::VariantStyle::single:
      if (!v.value) {
        return bad(v, "single needs `value`");
      }
      return ValueList{*v.value};
    case valohai::VariantStyle::multiple:
      if (!v.items || v.items->empty()) {
        return bad(v, "multiple needs at least one value in `items`");
      }
      return *v.items;
    case valohai::VariantStyle::linear:
      values = VHTASK_TRY(linear_values(v));
      break;
    case valohai::VariantStyle::logspace:
      values = VHTASK_TRY(logspace_values(v));
      break;
    case valohai::VariantStyle::random:
      values = VHTASK_TRY(random_values(v, default_seed));
      break;
  }
  if (v.integerify) {
    return integerified(v, values);
  }
  return values;
}

namespace {

// convert_value() with the variant's prefix on its message.
Result<Value> typed(const valohai::Parameter& p, const valohai::VariantSpec& v, const Value& x) {
  auto converted = valohai::convert_value(p, x);
  if (!converted) {
    return bad(v, converted.error().message);
  }
  return std::move(*converted);
}

// Generated numbers would become strings like "0.1" or fail as flags: the spec calls it an error.
Result<void> check_numeric_style(const valohai::Parameter& p, const valohai::VariantSpec& v) {
  if (is_numeric_style(v.style) &&
      (p.type == valohai::ParameterType::string || p.type == valohai::ParameterType::flag)) {
    return bad(v, std::string("style ") + to_string(v.style) +
                      " gives numbers, but the parameter is of type " + to_string(p.type) + ".");
  }
  return {};
}

}  // namespace

Result<ValueList> typed_variant_values(const valohai::Parameter& parameter,
                                       const valohai::VariantSpec& variant,
                                       std::uint64_t default_seed) {
  VHTASK_TRY(check_numeric_style(parameter, variant));
  ValueList out = VHTASK_TRY(variant_values(variant, default_seed));
  for (auto& x : out) {
    x = VHTASK_TRY(typed(parameter, variant, x));
  }
  return out;
}

Result<Value> typed_random_value(const valohai::Parameter& parameter,
                                 const valohai::VariantSpec& variant, const RandomRule& rule,
                                 RandomEngine& engine) {
  VHTASK_TRY(check_numeric_style(parameter, variant));
  Value x(draw(rule, engine));
  if (variant.integerify) {
    x = VHTASK_TRY(floored(variant, x));
  }
  return typed(parameter, variant, x);
}

}  // namespace vhtask::common::search
