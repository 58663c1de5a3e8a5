#pragma once

// The values of one task parameter, its "variant" (spec section 3): `single`, `multiple`,
// `linear`, `logspace` and `random` styles, `integerify`, and the conversion of every value to
// the parameter's declared type. Pure functions; thread-safe.
//
// Every error message starts with the variant's position and names the parameter:
//   "grid.yaml:4:5: parameter 'lr': End must be greater than or equal to start."

#include "common/result.h"
#include "common/search/random_draw.h"
#include "common/valohai/config.h"
#include "common/value.h"

#include <cstdint>
#include <string>

namespace vhtask::common::search {

// The most values one variant may produce (linear, logspace and random `count`). A guard
// against typos such as `step: 0.0000001` holding gigabytes; 1,000,000 values per parameter is
// far beyond any real search. (our rule)
inline constexpr std::uint64_t k_max_variant_values = 1'000'000;

// "single", "multiple", "linear", "logspace", "random".
const char* to_string(valohai::VariantStyle style);

// True for the styles that generate numbers: linear, logspace, random.
bool is_numeric_style(valohai::VariantStyle style);

// The variant's values as its rules give them, with `integerify` applied, before any typing:
// - single: [value]; multiple: the items (at least one);
// - linear: exact decimal steps from start to end inclusive; ints when start and step are
//   written as integers, otherwise the doubles nearest the exact decimals;
// - logspace: base ** y for count exponents y from start to end (doubles);
// - random: `count` draws from a RandomEngine seeded with the variant's `seed`, or with
//   `default_seed` when it has none.
// Error::invalid_argument (position and parameter name first) for an invalid rule.
Result<ValueList> variant_values(const valohai::VariantSpec& variant, std::uint64_t default_seed);

// variant_values(), then every value converted to `parameter`'s declared type with
// convert_value(): an integer parameter given a non-integral value is an error naming it; a
// numeric style on a string or flag parameter is an error.
// REQUIRES: parameter.name == variant.name.
Result<ValueList> typed_variant_values(const valohai::Parameter& parameter,
                                       const valohai::VariantSpec& variant,
                                       std::uint64_t default_seed);

// The validated rule of a `random` variant (min <= max, finite, positive for the log
// distributions). REQUIRES: variant.style == VariantStyle::random.
Result<RandomRule> random_rule(const valohai::VariantSpec& variant);

// One random value of a `random` variant typed for `parameter`: a draw, floored when the
// variant has `integerify`, then convert_value().
Result<Value> typed_random_value(const valohai::Parameter& parameter,
                                 const valohai::VariantSpec& variant, const RandomRule& rule,
                                 RandomEngine& engine);

// "<mark>: parameter '<name>': <message>", the prefix every variant error carries (the mark is
// left out when unknown).
std::string variant_message(const valohai::VariantSpec& variant, const std::string& message);

}  // namespace vhtask::common::search
