#pragma once

// Pass-as templates: Python str.format strings whose fields are `name`, `value` and `v`, each
// optionally with a format spec (`{v:.3f}`), and `{{`/`}}` escapes. Pure; thread-safe.

#include "common/result.h"
#include "common/value.h"

#include <string>
#include <string_view>
#include <vector>

namespace vhtask::common::render {

// Splits a template on runs of whitespace, as Python's str.split() does.
std::vector<std::string> split_template(std::string_view text);

// Fills one template piece: `{name}` with `name`, `{value}`/`{v}` with the value formatted by
// its spec (python_format). Error::invalid_argument for an unknown field or a spec that does not
// apply to the value.
Result<std::string> fill_template(std::string_view piece, const std::string& name,
                                  const Value& value);

// One template piece parsed once for a known parameter name, so that filling it per value is a
// walk over ready operations: literal text (escapes resolved, `{name}` already formatted), value
// fields with their spec, and, where filling would fail whatever the value, that error. The ops
// stop at the first error; fill_piece() reports it only when it gets there, exactly when
// fill_template() would. A plain value type.
struct ParsedPiece {
  struct Op {
    enum class Kind { literal, value, error };
    Kind kind = Kind::literal;
    std::string text;  // literal: the text; value: the format spec (empty for none)
    Error error;       // error: what fill_template() returns
  };

  std::string text;     // the piece as written, for error messages
  std::vector<Op> ops;  // adjacent literals merged
};

// Parses `piece` (one whitespace-free word of a template) for the parameter `name`.
ParsedPiece parse_piece(std::string_view piece, const std::string& name);

// split_template() then parse_piece() on each word.
std::vector<ParsedPiece> parse_template(std::string_view text, const std::string& name);

// Appends `piece` filled to `out`. `append_value(out, spec)` writes one value field for a spec
// and returns Result<void>; its error is reported as fill_template() does, prefixed with the
// piece. On error, `out` holds a partial word.
template <class AppendValue>
Result<void> fill_piece(std::string& out, const ParsedPiece& piece, AppendValue&& append_value) {
  for (const auto& op : piece.ops) {
    if (op.kind == ParsedPiece::Op::Kind::literal) {
      out += op.text;
    } else if (op.kind == ParsedPiece::Op::Kind::value) {
      Result<void> appended = append_value(out, op.text);
      if (!appended) {
        return Error::invalid_argument("template '" + piece.text +
                                       "': " + appended.error().message);
      }
    } else {
      return op.error;
    }
  }
  return {};
}

}  // namespace vhtask::common::render
