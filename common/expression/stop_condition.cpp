#include "common/expression/stop_condition.h"

#include "common/expression/stop_condition_lexer.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <utility>

namespace vhtask::common::expression {

// Recursive descent over the tokens; builds the node vector children-first, so the root is
// the last node. Recursion depth is bounded by max_depth ('(' and 'not' are the only ways in).
class StopConditionParser {
public:
  using Node = StopCondition::Node;
  using Kind = ConditionToken::Kind;

  StopConditionParser(std::string_view text, std::vector<ConditionToken> tokens, StopCondition& out)
      : m_text(text), m_tokens(std::move(tokens)), m_out(out) {}

  Result<void> run() {
    if (peek().kind == Kind::end) {
      return error_at(0, "empty expression");
    }
    VHTASK_TRY(or_expr());
    if (peek().kind == Kind::rparen) {
      return error_at(peek().offset, "unmatched ')'");
    }
    if (peek().kind != Kind::end) {
      return error_at(peek().offset,
                      "expected an operator, 'and', 'or' or end of expression, found " +
                          describe_token(m_text, peek()));
    }
    return {};
  }

private:
  const ConditionToken& peek() const { return m_tokens[m_pos]; }
  bool at_word(std::string_view word) const {
    return peek().kind == Kind::word && peek().name == word;
  }
  Error error_at(std::size_t offset, std::string_view what) const {
    return Error::invalid_argument(condition_column(m_text, offset) + std::string(what));
  }
  static Node make(Node::Kind kind) {
    Node node;
    node.kind = kind;
    return node;
  }
  static Node literal(const Value& value) {
    Node node = make(Node::Kind::literal);
    node.literal = value;
    return node;
  }
  std::size_t add(Node node) {
    m_out.m_nodes.push_back(std::move(node));
    return m_out.m_nodes.size() - 1;
  }
  Result<void> enter(const ConditionToken& token) {
    if (++m_depth > StopCondition::max_depth) {
      return error_at(token.offset, fmt::format("nesting deeper than {} levels ('(' and 'not')",
                                                StopCondition::max_depth));
    }
    return {};
  }

  // `next` separated by `keyword`; one operand is returned as is, more become `kind`.
  template <class Next>
  Result<std::size_t> chain(std::string_view keyword, Node::Kind kind, Next next) {
    Node node = make(kind);
    node.children.push_back(VHTASK_TRY(next()));
    while (at_word(keyword)) {
      ++m_pos;
      node.children.push_back(VHTASK_TRY(next()));
    }
    return node.children.size() == 1 ? node.children.front() : add(std::move(node));
  }

  Result<std::size_t> or_expr() {
    return chain("or", Node::Kind::any_of, [this] { return and_expr(); });
  }
  Result<std::size_t> and_expr() {
    return chain("and", Node::Kind::all_of, [this] { return not_expr(); });
  }

  Result<std::size_t> not_expr() {
    if (!at_word("not")) {
      return comparison();
    }
    VHTASK_TRY(enter(peek()));
    ++m_pos;
    Node node = make(Node::Kind::negate);
    node.children.push_back(VHTASK_TRY(not_expr()));
    --m_depth;
    return add(std::move(node));
  }

  Result<std::size_t> comparison() {
    const std::size_t first = VHTASK_TRY(sum());
    if (peek().kind != Kind::op) {
      return first;
    }
    static constexpr std::pair<std::string_view, Node::Op> k_ops[] = {
        {"<", Node::Op::lt},  {"<=", Node::Op::le}, {">", Node::Op::gt},
        {">=", Node::Op::ge}, {"==", Node::Op::eq}, {"!=", Node::Op::ne}};
    Node node = make(Node::Kind::compare);
    node.children.push_back(first);
    while (peek().kind == Kind::op) {  // a < b < c: a < b and b < c, as in Python
      for (const auto& [spelling, op] : k_ops) {
        if (peek().name == spelling) {
          node.ops.push_back(op);
        }
      }
      ++m_pos;
      node.children.push_back(VHTASK_TRY(sum()));
    }
    return add(std::move(node));
  }

  bool at_arith(char a, char b) const {
    return peek().kind == Kind::arith && (peek().name[0] == a || peek().name[0] == b);
  }

  // Left-associative `next (op next)*` for op in {a, b}.
  template <class Next>
  Result<std::size_t> binary(char a, char b, Next next) {
    std::size_t lhs = VHTASK_TRY(next());
    while (at_arith(a, b)) {
      const char c = peek().name[0];
      ++m_pos;
      Node node = make(Node::Kind::arith);
      node.arith = c == '+'   ? Node::Arith::add
                   : c == '-' ? Node::Arith::sub
                   : c == '*' ? Node::Arith::mul
                              : Node::Arith::div;
      node.children = {lhs, VHTASK_TRY(next())};
      lhs = add(std::move(node));
    }
    return lhs;
  }

  Result<std::size_t> sum() {
    return binary('+', '-', [this] { return product(); });
  }
  Result<std::size_t> product() {
    return binary('*', '/', [this] { return unary(); });
  }

  Result<std::size_t> unary() {
    if (!at_arith('-', '+')) {
      return operand();
    }
    VHTASK_TRY(enter(peek()));
    const bool minus = peek().name[0] == '-';
    ++m_pos;
    const std::size_t inner = VHTASK_TRY(unary());
    --m_depth;
    Node node = make(Node::Kind::arith);
    node.arith = minus ? Node::Arith::neg : Node::Arith::pos;
    const Node& child = m_out.m_nodes[inner];
    if (minus && child.kind == Node::Kind::literal && child.literal.is_number()) {
      // Fold `-3` into a literal, as it always was (and `-9223372036854775808` stays an int).
      const Value& v = child.literal;
      if (v.is_float()) {
        m_out.m_nodes[inner].literal = Value(-v.as_float());
        return inner;
      }
      if (v.as_int() != std::numeric_limits<std::int64_t>::min()) {
        m_out.m_nodes[inner].literal = Value(-v.as_int());
        return inner;
      }
    }
    node.children = {inner};
    return add(std::move(node));
  }

  Result<std::size_t> operand() {
    const ConditionToken& token = peek();
    switch (token.kind) {
      case Kind::literal:
        ++m_pos;
        return add(literal(token.value));
      case Kind::reference: {
        ++m_pos;
        remember(token.source == ConditionSource::metadata ? m_out.m_metadata_keys
                                                           : m_out.m_parameter_names,
                 token.name);
        Node node = make(Node::Kind::reference);
        node.source = token.source;
        node.name = token.name;
        return add(std::move(node));
      }
      case Kind::lparen: {
        VHTASK_TRY(enter(token));
        ++m_pos;
        const std::size_t inner = VHTASK_TRY(or_expr());
        if (peek().kind != Kind::rparen) {
          return error_at(peek().offset,
                          fmt::format("expected ')' to close the '(' at column {}, found {}",
                                      condition_column_number(m_text, token.offset),
                                      describe_token(m_text, peek())));
        }
        ++m_pos;
        --m_depth;
        return inner;
      }
      case Kind::word:
        return word(token);
      default:
        return error_at(token.offset, "expected a value, found " + describe_token(m_text, token));
    }
  }

  Result<std::size_t> word(const ConditionToken& token) {
    static const std::pair<std::string_view, Value> k_constants[] = {
        {"true", Value(true)},   {"True", Value(true)}, {"false", Value(false)},
        {"False", Value(false)}, {"null", Value()},     {"None", Value()}};
    for (const auto& [spelling, value] : k_constants) {
      if (token.name == spelling) {
        ++m_pos;
        return add(literal(value));
      }
    }
    return error_at(token.offset, "expected a value, found " + describe_token(m_text, token));
  }

  static void remember(std::vector<std::string>& names, const std::string& name) {
    if (std::find(names.begin(), names.end(), name) == names.end()) {
      names.push_back(name);
    }
  }

  std::string_view m_text;
  std::vector<ConditionToken> m_tokens;
  StopCondition& m_out;
  std::size_t m_pos = 0;
  int m_depth = 0;
};

Result<StopCondition> StopCondition::parse(std::string_view text) {
  if (text.size() > max_length) {
    return Error::invalid_argument(condition_column(text, max_length) +
                                   fmt::format("expression longer than {} bytes", max_length));
  }
  StopCondition out;
  out.m_text = std::string(text);
  auto tokens = VHTASK_TRY(lex_condition(text));
  VHTASK_TRY(StopConditionParser(text, std::move(tokens), out).run());
  return out;
}

namespace {

// Python's bool(value).
bool python_truthy(const Value& v) {
  if (v.is_null()) {
    return false;
  }
  if (v.is_bool()) {
    return v.as_bool();
  }
  if (v.is_int()) {
    return v.as_int() != 0;
  }
  if (v.is_float()) {
    return v.as_float() != 0.0;  // NaN is truthy, as in Python
  }
  return v.is_string() ? !v.as_string().empty() : !v.as_list().empty();
}

template <class T>
int three_way(const T& a, const T& b) {
  return a < b ? -1 : (b < a ? 1 : 0);
}

// Exact int-vs-float ordering (no rounding of the int to double); nullopt for NaN.
std::optional<int> compare_int_float(std::int64_t i, double d) {
  if (std::isnan(d)) {
    return std::nullopt;
  }
  if (d >= 9223372036854775808.0) {  // 2^63: above every int64
    return -1;
  }
  if (d < -9223372036854775808.0) {
    return 1;
  }
  const double whole = std::trunc(d);
  const auto whole_int = static_cast<std::int64_t>(whole);
  if (i != whole_int) {
    return three_way(i, whole_int);
  }
  return d > whole ? -1 : (d < whole ? 1 : 0);
}

// Numbers (bools as 0/1): -1/0/1, nullopt when unordered (NaN).
std::optional<int> compare_numbers(const Value& a, const Value& b) {
  const auto as_int = [](const Value& v) {
    return v.is_bool() ? (v.as_bool() ? 1 : 0) : v.as_int();
  };
  if (!a.is_float() && !b.is_float()) {
    return three_way(as_int(a), as_int(b));
  }
  if (a.is_float() && b.is_float()) {
    if (std::isnan(a.as_float()) || std::isnan(b.as_float())) {
      return std::nullopt;
    }
    return three_way(a.as_float(), b.as_float());
  }
  if (a.is_float()) {
    const auto r = compare_int_float(as_int(b), a.as_float());
    return r ? std::optional<int>(-*r) : std::nullopt;
  }
  return compare_int_float(as_int(a), b.as_float());
}

}  // namespace

bool StopCondition::holds(Node::Op op, std::optional<int> order) {
  using Op = Node::Op;
  if (!order) {
    return op == Op::ne;  // unordered (NaN): only != holds
  }
  switch (op) {
    case Op::lt:
      return *order < 0;
    case Op::le:
      return *order <= 0;
    case Op::gt:
      return *order > 0;
    case Op::ge:
      return *order >= 0;
    case Op::eq:
      return *order == 0;
    case Op::ne:
      return *order != 0;
  }
  return false;
}

bool StopCondition::compare(Node::Op op, const std::optional<Value>& a,
                            const std::optional<Value>& b) {
  using Op = Node::Op;
  if (!a || !b) {
    return false;  // a missing value: false for every operator, != included
  }
  const auto numeric = [](const Value& v) { return v.is_number() || v.is_bool(); };
  if (numeric(*a) && numeric(*b)) {
    return holds(op, compare_numbers(*a, *b));
  }
  if (a->is_string() && b->is_string()) {
    return holds(op, three_way(a->as_string().compare(b->as_string()), 0));
  }
  if (op == Op::eq || op == Op::ne) {
    return a->python_equals(*b) == (op == Op::eq);
  }
  return false;  // ordering across incompatible types (or of lists/nulls)
}

std::optional<Value> StopCondition::arithmetic(Node::Arith op, const std::optional<Value>& a,
                                               const std::optional<Value>& b) {
  using Arith = Node::Arith;
  const auto numeric = [](const std::optional<Value>& v) {
    return v && (v->is_number() || v->is_bool());
  };
  const auto as_int = [](const Value& v) {
    return v.is_bool() ? std::int64_t{v.as_bool() ? 1 : 0} : v.as_int();
  };
  if (op == Arith::neg || op == Arith::pos) {
    if (!numeric(a)) {
      return std::nullopt;
    }
    if (a->is_float()) {
      return Value(op == Arith::neg ? -a->as_float() : a->as_float());
    }
    const std::int64_t i = as_int(*a);
    if (op == Arith::pos) {
      return Value(i);
    }
    if (i == std::numeric_limits<std::int64_t>::min()) {
      return Value(-static_cast<double>(i));
    }
    return Value(-i);
  }
  if (op == Arith::add && a && b && a->is_string() && b->is_string()) {
    return Value(a->as_string() + b->as_string());
  }
  if (!numeric(a) || !numeric(b)) {
    return std::nullopt;  // Python's TypeError, or a missing value
  }
  if (!a->is_float() && !b->is_float() && op != Arith::div) {
    const std::int64_t x = as_int(*a);
    const std::int64_t y = as_int(*b);
    std::int64_t r = 0;
    const bool overflow = op == Arith::add   ? __builtin_add_overflow(x, y, &r)
                          : op == Arith::sub ? __builtin_sub_overflow(x, y, &r)
                                             : __builtin_mul_overflow(x, y, &r);
    if (!overflow) {
      return Value(r);
    }
  }
  const double x = a->is_float() ? a->as_float() : static_cast<double>(as_int(*a));
  const double y = b->is_float() ? b->as_float() : static_cast<double>(as_int(*b));
  switch (op) {
    case Arith::add:
      return Value(x + y);
    case Arith::sub:
      return Value(x - y);
    case Arith::mul:
      return Value(x * y);
    case Arith::div:
      if (y == 0.0) {
        return std::nullopt;  // ZeroDivisionError
      }
      return Value(x / y);
    default:
      return std::nullopt;
  }
}

bool StopCondition::evaluate(const ConditionLookup& lookup) const {
  return !m_nodes.empty() && truthy(m_nodes.size() - 1, lookup);
}

bool StopCondition::truthy(std::size_t index, const ConditionLookup& lookup) const {
  const Node& node = m_nodes[index];
  switch (node.kind) {
    case Node::Kind::all_of:
      return std::all_of(node.children.begin(), node.children.end(),
                         [&](std::size_t child) { return truthy(child, lookup); });
    case Node::Kind::any_of:
      return std::any_of(node.children.begin(), node.children.end(),
                         [&](std::size_t child) { return truthy(child, lookup); });
    case Node::Kind::negate:
      return !truthy(node.children.front(), lookup);
    case Node::Kind::compare: {
      // Left to right, each operand evaluated once, stopping at the first false link.
      auto lhs = value_of(node.children[0], lookup);
      for (std::size_t i = 0; i < node.ops.size(); ++i) {
        auto rhs = value_of(node.children[i + 1], lookup);
        if (!compare(node.ops[i], lhs, rhs)) {
          return false;
        }
        lhs = std::move(rhs);
      }
      return true;
    }
    case Node::Kind::literal:
    case Node::Kind::reference:
    case Node::Kind::arith: {
      const auto value = value_of(index, lookup);
      return value && python_truthy(*value);
    }
  }
  return false;
}

std::optional<Value> StopCondition::value_of(std::size_t index,
                                             const ConditionLookup& lookup) const {
  const Node& node = m_nodes[index];
  if (node.kind == Node::Kind::literal) {
    return node.literal;
  }
  if (node.kind == Node::Kind::reference) {
    return lookup ? lookup(node.source, node.name) : std::nullopt;
  }
  if (node.kind == Node::Kind::arith) {
    const auto lhs = value_of(node.children[0], lookup);
    if (node.children.size() == 1) {
      return arithmetic(node.arith, lhs, std::nullopt);
    }
    return arithmetic(node.arith, lhs, value_of(node.children[1], lookup));
  }
  return Value(truthy(index, lookup));
}

}  // namespace vhtask::common::expression
