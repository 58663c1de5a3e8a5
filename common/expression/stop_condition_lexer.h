#pragma once

// The tokenizer of the stop-condition language (common/expression/stop_condition.h has the
// grammar). Internal to StopCondition::parse; pure and thread-safe.

#include "common/expression/stop_condition.h"
#include "common/result.h"
#include "common/value.h"

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace vhtask::common::expression {

struct ConditionToken {
  enum class Kind {
    literal,    // a number or string; `value` holds it
    word,       // a bare identifier: keyword, true/false/null; `name`
    reference,  // metadata.KEY / parameter.NAME (either form), or a bare (dotted) name, which
                // is metadata.NAME; `source` and `name`
    lparen,
    rparen,
    op,     // a comparison operator; `name` is its spelling ("<=", "==", ...)
    arith,  // + - * /; `name` is its spelling
    end,    // end of text (offset == text size)
  };
  Kind kind = Kind::end;
  std::size_t offset = 0;  // byte offset of the token's first character
  std::size_t length = 0;  // bytes of source text
  Value value;
  ConditionSource source = ConditionSource::metadata;
  std::string name;
};

// The 1-based column of byte `offset` of `text`, counted in UTF-8 characters.
std::size_t condition_column_number(std::string_view text, std::size_t offset);

// "column N: " for byte `offset` of `text` (N is 1-based, counted in UTF-8 characters).
std::string condition_column(std::string_view text, std::size_t offset);

// How an error message names a token: its source text in quotes, or "end of expression".
std::string describe_token(std::string_view text, const ConditionToken& token);

// Splits `text` into tokens, the last one of kind end. Errors ("column N: ...") for an
// unexpected character, an unterminated string, an unknown escape, a malformed number or
// reference, the misspelled operators `=`, `!`, `&&`, `||`, and the Python operators the
// language leaves out (`%`, `//`, `**`).
Result<std::vector<ConditionToken>> lex_condition(std::string_view text);

}  // namespace vhtask::common::expression
