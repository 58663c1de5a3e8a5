#pragma once

// YAML 1.1 scalar typing, as the reference Python parser (PyYAML's resolver) does it, on top of
// yaml-cpp nodes. Pure functions; thread-safe.

#include "common/diagnostic.h"
#include "common/result.h"
#include "common/value.h"
#include "common/yaml/yaml_tree.h"

#include <yaml-cpp/yaml.h>

#include <cstddef>
#include <string>
#include <string_view>

namespace vhtask::common::yaml {

// Types a plain (unquoted, untagged) scalar by PyYAML's YAML 1.1 rules: null (`~`, `null`, empty),
// bools (true/false/yes/no/on/off in lower, Capitalised or UPPER case), ints (`300`, `-3`, `+4`,
// `1_000`, `0x10`, `0o`-less octal `010`, `0b101`, sexagesimal `1:30`), floats only with a dot or
// `.inf`/`.nan` (`1.0e-5` but not `1e-5`); everything else is a string. An int outside 64 bits
// becomes a string of the decimal digits Python's str() would print. Timestamps (`2001-12-14`),
// which PyYAML turns into dates, and the `=`/`<<` scalars it cannot construct stay strings.
Value resolve_plain_scalar(std::string_view text);

// The position of a node, 1-based, in `file`.
Mark mark_of(const YAML::Node& node, const std::string& file);

// A scalar or a sequence of scalars as a Value: quoted scalars are strings, plain ones are typed
// by resolve_plain_scalar, explicit tags (!!str, !!int, !!float, !!bool, !!null) are honoured.
// A mapping, a sequence holding a mapping or a sequence, an unknown tag or a tagged scalar that
// does not read as its tag (`!!int abc`) is an Error::invalid_argument whose message starts with
// the offending node's "file:line:col: ".
Result<Value> yaml_to_value(const YAML::Node& node, const std::string& file);

// As above, visiting at most `budget` nodes (decremented as it goes): aliased nodes are shared,
// so a small file can describe a huge amount of work; running out is an error.
Result<Value> yaml_to_value(const YAML::Node& node, const std::string& file, std::size_t& budget);

// The same for the loaders' own tree (yaml_tree.h).
Mark mark_of(const YamlNode& node, const std::string& file);
Result<Value> yaml_to_value(const YamlNode& node, const std::string& file, std::size_t& budget);

// The decimal text of a number as written, for exact decimal arithmetic: `plain_text` is the
// plain scalar that resolve_plain_scalar typed as `value`. Ints print in canonical decimal
// (`0x10` -> `16`, `1_000` -> `1000`); floats keep their digits without underscores or a `+`,
// with a zero added around a bare dot (`3.` -> `3.0`, `.5` -> `0.5`, `1.e+5` -> `1.0e+5`);
// sexagesimal floats, inf and nan print as Python's repr. Other values return `plain_text`.
std::string number_source_text(std::string_view plain_text, const Value& value);

}  // namespace vhtask::common::yaml
