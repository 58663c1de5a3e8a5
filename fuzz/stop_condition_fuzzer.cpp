// libFuzzer target: the stop-condition language. The input is the expression text. When it
// parses, it is evaluated against a lookup that gives each name one of a fixed set of awkward
// values (missing, null, NaN, infinities, int64 extremes, -0.0, strings, a list), chosen by a
// hash of the name, and two properties are checked (a violation aborts, so libFuzzer keeps it):
// evaluation is deterministic, and `not (TEXT)` evaluates to the opposite of TEXT.

#include "common/expression/stop_condition.h"

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <limits>
#include <optional>
#include <string>
#include <string_view>

namespace {

using namespace vhtask::common;
using namespace vhtask::common::expression;

std::optional<Value> awkward_value(ConditionSource source, std::string_view name) {
  std::uint32_t hash = source == ConditionSource::metadata ? 2166136261u : 16777619u;
  for (const char c : name) {
    hash = (hash ^ static_cast<unsigned char>(c)) * 16777619u;  // FNV-1a: stable across runs
  }
  switch (hash % 14) {
    case 0:
      return std::nullopt;
    case 1:
      return Value(Null{});
    case 2:
      return Value(std::numeric_limits<double>::quiet_NaN());
    case 3:
      return Value(std::numeric_limits<double>::infinity());
    case 4:
      return Value(-std::numeric_limits<double>::infinity());
    case 5:
      return Value(std::numeric_limits<std::int64_t>::min());
    case 6:
      return Value(std::numeric_limits<std::int64_t>::max());
    case 7:
      return Value(-0.0);
    case 8:
      return Value(0.1);
    case 9:
      return Value(true);
    case 10:
      return Value("");
    case 11:
      return Value(std::string(name));
    case 12:
      return Value(ValueList{1, "a", Value(Null{})});
    default:
      return Value(static_cast<std::int64_t>(hash % 7) - 3);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const auto parsed = StopCondition::parse(text);
  if (!parsed) {
    if (parsed.error().message.rfind("column ", 0) != 0) {
      std::abort();  // every parse error names its column
    }
    return 0;
  }
  const ConditionLookup lookup = awkward_value;
  const bool result = parsed->evaluate(lookup);
  if (parsed->evaluate(lookup) != result) {
    std::abort();
  }
  const auto negated = StopCondition::parse("not (" + std::string(text) + ")");
  if (negated && negated->evaluate(lookup) == result) {
    std::abort();
  }
  return 0;
}
