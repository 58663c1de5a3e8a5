#pragma once

// StopCondition: a task's or a step's `stop-condition`, e.g. `loss < 0.1`, parsed once and
// evaluated against one execution's values as metadata arrives. The language is valohai-yaml's
// expression language (leval: Python expression syntax, limited). An immutable value type:
// copies are cheap enough (a small node vector) and safe to share across threads.
//
// Language (docs/stop-condition.md is the user-facing version of this contract):
//   or_expr    := and_expr ('or' and_expr)*
//   and_expr   := not_expr ('and' not_expr)*
//   not_expr   := 'not' not_expr | comparison
//   comparison := sum (op sum)*          op: < <= > >= == !=   (chains as in Python)
//   sum        := product (('+' | '-') product)*
//   product    := unary (('*' | '/') unary)*
//   unary      := ('-' | '+') unary | operand
//   operand    := NUMBER | STRING | true | false | True | False | null | None
//               | metadata.KEY | metadata["KEY"] | parameter.NAME | parameter["NAME"]
//               | NAME ('.' NAME)*      (a bare, possibly dotted, name: metadata.NAME)
//               | '(' or_expr ')'
// - Keywords are case-sensitive. NUMBER is Python-like: 3, 1.5, .5, 1e-3 (no underscores; a
//   sign is the unary operator); an integer beyond 64 bits is read as a float. STRING is '...'
//   or "..." with the escapes \\ \' \" \n \t; any other escape is an error.
// - KEY/NAME after `metadata.` / `parameter.` is a run of [A-Za-z0-9_./-] (`metadata.train/acc`,
//   `metadata.top-1`), so `metadata.a-1` is the key "a-1": put spaces around an operator that
//   follows such a key. A bare NAME is a Python identifier, dotted (`loss`, `val.loss`); Python
//   keywords are not names. Anything else (spaces, '<', non-ASCII) needs the bracket form
//   `metadata["top 1"]`.
// - `a < b < c` means `a < b and b < c`, b evaluated once (as in Python).
// - `=`, `&&`, `||` and `!` are rejected with a hint naming the right spelling; `%`, `//`, `**`
//   are not supported.
//
// Semantics (evaluate() is total: it never fails and never throws):
// - A comparison with a missing value (the lookup returns nullopt) is false for every operator,
//   `!=` included; `not (metadata.x == 1)` is true when x is missing.
// - Numbers (int, float, and bools as 0/1, like Python) compare numerically and exactly, also
//   int against float. NaN: every comparison is false except `!=`, which is true (as in Python).
// - Strings compare lexicographically by bytes. Lists and nulls support only == and !=.
// - `==`/`!=` across other types follow Python: `"1" == 1` is false, `"1" != 1` is true.
//   Ordering (< <= > >=) between incompatible types is false.
// - Arithmetic follows Python on numbers (bools as 0/1): int + - * int is an int (a float when
//   it overflows 64 bits), `/` is always a float; `+` joins two strings. Anything Python would
//   reject (a missing value, a string and a number, division by zero) makes the result
//   missing, so a comparison on it is false.
// - A bare operand (`metadata.done`, `parameter.debug and ...`) is tested for truthiness as in
//   Python: present and not false/0/0.0/""/[]/null. A parenthesized sub-expression used as an
//   operand of a comparison is the bool it evaluates to: `(a < b) == false`.
// - `and`/`or` short-circuit; `not` binds looser than comparisons (`not a == b` is
//   `not (a == b)`), and tighter than `and`, which binds tighter than `or`.
// Limits: at most max_length bytes of text and max_depth nested '(', 'not' and unary signs.

#include "common/result.h"
#include "common/value.h"

#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace vhtask::common::expression {

// Where an identifier's value comes from.
enum class ConditionSource { metadata, parameter };

// Looks up `metadata.KEY` / `parameter.NAME`; nullopt when the execution has no such value.
using ConditionLookup = std::function<std::optional<Value>(ConditionSource, std::string_view name)>;

class StopCondition {
public:
  static constexpr std::size_t max_length = 4096;  // bytes of source text
  static constexpr int max_depth = 100;            // nested '(' and 'not'

  // Parses `text`. On error the message is "column N: <what was expected/found>" (1-based
  // column into `text`, counted in UTF-8 characters), so callers can prefix
  // "FILE:LINE: stop-condition: ". Never throws.
  static Result<StopCondition> parse(std::string_view text);

  // A default-constructed StopCondition has empty text, mentions nothing and never holds.
  StopCondition() = default;

  // True when the condition holds for one execution's values. Calls `lookup` at most once per
  // reference evaluated (short-circuiting may skip some).
  bool evaluate(const ConditionLookup& lookup) const;

  // The source text, as given.
  const std::string& text() const { return m_text; }

  // The metadata keys / parameter names the expression mentions (deduplicated, in order of
  // first appearance), so the daemon can skip evaluation when an event touches none of them.
  const std::vector<std::string>& metadata_keys() const { return m_metadata_keys; }
  const std::vector<std::string>& parameter_names() const { return m_parameter_names; }

private:
  // One node of the parsed expression; children are indices into m_nodes.
  struct Node {
    enum class Kind {
      literal,
      reference,
      compare,
      all_of,
      any_of,
      negate,
      arith
    } kind = Kind::literal;
    enum class Op { lt, le, gt, ge, eq, ne };
    enum class Arith { add, sub, mul, div, neg, pos };
    std::vector<Op> ops;                                 // compare: children.size() - 1
    Arith arith = Arith::add;                            // arith only
    Value literal;                                       // literal only
    ConditionSource source = ConditionSource::metadata;  // reference only
    std::string name;                                    // reference only
    // compare: >= 2; all_of/any_of: >= 2; negate: 1; arith: 2, or 1 for neg/pos
    std::vector<std::size_t> children;
  };

  // `op` applied to two values / to a three-way ordering (nullopt: unordered, as NaN is).
  static bool compare(Node::Op op, const std::optional<Value>& a, const std::optional<Value>& b);
  static bool holds(Node::Op op, std::optional<int> order);
  static std::optional<Value> arithmetic(Node::Arith op, const std::optional<Value>& a,
                                         const std::optional<Value>& b);
  bool truthy(std::size_t node, const ConditionLookup& lookup) const;
  std::optional<Value> value_of(std::size_t node, const ConditionLookup& lookup) const;

  std::string m_text;
  std::vector<Node> m_nodes;  // the root is m_nodes.back()
  std::vector<std::string> m_metadata_keys;
  std::vector<std::string> m_parameter_names;

  friend class StopConditionParser;
};

}  // namespace vhtask::common::expression
