#pragma once

// PyYAML's YAML 1.1 rules for plain scalars, as text functions: the implicit resolver's regexes
// (yaml/resolver.py) and the int/float/bool constructors (yaml/constructor.py). The building
// blocks of resolve_plain_scalar() and the explicit `!!int`/`!!float`/`!!bool` tags in
// yaml_scalar.cpp. Pure functions; thread-safe.

#include "common/value.h"

#include <optional>
#include <string_view>

namespace vhtask::common::yaml::yaml11 {

// `~`, `null`, `Null`, `NULL` or empty.
bool matches_null(std::string_view text);

// yes/no/true/false/on/off: in lower, Capitalised or UPPER case, or in any case when
// `any_case` (what the `!!bool` constructor accepts). nullopt for anything else.
std::optional<bool> match_bool(std::string_view text, bool any_case);

// The int resolver: `[-+]?` then `0b[01_]+`, `0[0-7_]+`, `0|[1-9][0-9_]*`, `0x[0-9a-fA-F_]+` or
// sexagesimal `[1-9][0-9_]*(:[0-5]?[0-9])+`.
bool matches_int(std::string_view text);

// The float resolver: a dot is required (`1.`, `.5` unsigned only, `1.0e+5` with a signed
// exponent), sexagesimal `1:30.5`, `[-+]?.inf` and `.nan` in three spellings each.
bool matches_float(std::string_view text);

// The timestamp resolver: `2002-12-14`, `2001-12-14t21:59:43.10-05:00`, ... PyYAML makes these
// dates/datetimes; vhtask keeps them as strings, so loaders use this to say what PyYAML sees.
bool matches_timestamp(std::string_view text);

// True when a plain scalar with this text stays a string (no resolver matches), without
// building a Value.
bool is_plain_string(std::string_view text);

// construct_yaml_int. REQUIRES: matches_int(text). A value outside 64 bits is returned as the
// string of decimal digits Python's str() prints; the rare texts PyYAML itself fails on (`0b_`)
// are returned as they are.
Value construct_int(std::string_view text);

// construct_yaml_float, which also reads what Python's float() reads once `_` are removed (`1`,
// `1e5`, `inf`; for `!!float`). Overflow gives inf, underflow 0.0, as in Python. nullopt when
// Python would raise.
std::optional<double> construct_float(std::string_view text);

}  // namespace vhtask::common::yaml::yaml11
