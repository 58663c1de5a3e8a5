#include "common/expression/stop_condition_lexer.h"

#include <fmt/format.h>

#include <charconv>
#include <cstdint>
#include <cstdlib>

namespace vhtask::common::expression {

namespace {

bool is_digit(char c) {
  return c >= '0' && c <= '9';
}
bool is_word_start(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}
bool is_word_char(char c) {
  return is_word_start(c) || is_digit(c);
}
// Characters of KEY in `metadata.KEY`.
bool is_key_char(char c) {
  return is_word_char(c) || c == '.' || c == '/' || c == '-';
}
// Words that are never names: the operators, the constants, and Python's other keywords.
bool is_keyword(std::string_view w) {
  static constexpr std::string_view k_words[] = {
      "and",    "or",      "not",    "true",     "false",    "null",   "True",  "False",
      "None",   "in",      "is",     "if",       "else",     "lambda", "for",   "while",
      "def",    "class",   "return", "import",   "from",     "as",     "with",  "yield",
      "await",  "async",   "del",    "global",   "nonlocal", "pass",   "raise", "try",
      "except", "finally", "break",  "continue", "elif",     "assert"};
  for (const std::string_view k : k_words) {
    if (w == k) {
      return true;
    }
  }
  return false;
}
bool is_space(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

// The character at `pos` for a message: itself when printable ASCII, its whole UTF-8 sequence
// when it starts one, \xNN otherwise.
std::string quote_char(std::string_view text, std::size_t pos) {
  const auto c = static_cast<unsigned char>(text[pos]);
  if (c >= 0x20 && c < 0x7f) {
    return fmt::format("'{}'", static_cast<char>(c));
  }
  const std::size_t len = c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : c >= 0xc0 ? 2 : 0;
  if (len != 0 && c < 0xf8 && pos + len <= text.size()) {
    bool ok = true;
    for (std::size_t i = 1; i < len; ++i) {
      ok = ok && (static_cast<unsigned char>(text[pos + i]) & 0xc0) == 0x80;
    }
    if (ok) {
      return fmt::format("'{}'", text.substr(pos, len));
    }
  }
  return fmt::format("'\\x{:02x}'", c);
}

class Lexer {
public:
  explicit Lexer(std::string_view text) : m_text(text) {}

  Result<std::vector<ConditionToken>> run() {
    std::vector<ConditionToken> tokens;
    while (true) {
      while (m_pos < m_text.size() && is_space(m_text[m_pos])) {
        ++m_pos;
      }
      ConditionToken token;
      token.offset = m_pos;
      if (m_pos == m_text.size()) {
        tokens.push_back(std::move(token));
        return tokens;
      }
      VHTASK_TRY(next(token));
      token.length = m_pos - token.offset;
      tokens.push_back(std::move(token));
    }
  }

private:
  Error error_at(std::size_t offset, std::string_view what) const {
    return Error::invalid_argument(condition_column(m_text, offset) + std::string(what));
  }
  char peek(std::size_t ahead = 0) const {
    return m_pos + ahead < m_text.size() ? m_text[m_pos + ahead] : '\0';
  }

  // Reads one token starting at m_pos (not whitespace, not the end) into `token`.
  Result<void> next(ConditionToken& token) {
    const char c = peek();
    if (c == '(' || c == ')') {
      token.kind = c == '(' ? ConditionToken::Kind::lparen : ConditionToken::Kind::rparen;
      ++m_pos;
      return {};
    }
    if (c == '\'' || c == '"') {
      token.kind = ConditionToken::Kind::literal;
      token.value = VHTASK_TRY(string());
      return {};
    }
    if (is_digit(c) || (c == '.' && is_digit(peek(1)))) {
      token.kind = ConditionToken::Kind::literal;
      token.value = VHTASK_TRY(number());
      return {};
    }
    if (is_word_start(c)) {
      return word(token);
    }
    return op(token);
  }

  Result<void> op(ConditionToken& token) {
    const char c = peek();
    const char d = peek(1);
    token.kind = ConditionToken::Kind::op;
    if ((c == '<' || c == '>' || c == '=' || c == '!') && d == '=') {
      token.name = std::string{c, d};
      m_pos += 2;
      return {};
    }
    if (c == '<' || c == '>') {
      token.name = std::string{c};
      ++m_pos;
      return {};
    }
    if ((c == '*' && d == '*') || (c == '/' && d == '/')) {
      return error_at(m_pos, fmt::format("operator '{}{}' is not supported (use + - * /)", c, d));
    }
    if (c == '+' || c == '-' || c == '*' || c == '/') {
      token.kind = ConditionToken::Kind::arith;
      token.name = std::string{c};
      ++m_pos;
      return {};
    }
    if (c == '%') {
      return error_at(m_pos, "operator '%' is not supported (use + - * /)");
    }
    if (c == '=') {
      return error_at(m_pos, "use '==' to compare, found '='");
    }
    if (c == '!') {
      return error_at(m_pos, "use 'not' to negate, found '!'");
    }
    if (c == '&' && d == '&') {
      return error_at(m_pos, "use 'and', found '&&'");
    }
    if (c == '|' && d == '|') {
      return error_at(m_pos, "use 'or', found '||'");
    }
    return error_at(m_pos, "unexpected character " + quote_char(m_text, m_pos));
  }

  // A word: a keyword or constant; `metadata` and `parameter` followed by `.KEY` or
  // `["KEY"]`; any other name, dotted like Python's `a.b.c`, is metadata.NAME (spec 4).
  Result<void> word(ConditionToken& token) {
    const std::size_t start = m_pos;
    while (is_word_char(peek())) {
      ++m_pos;
    }
    token.name = std::string(m_text.substr(start, m_pos - start));
    token.kind = ConditionToken::Kind::word;
    if (token.name != "metadata" && token.name != "parameter") {
      if (is_keyword(token.name)) {
        return {};
      }
      while (peek() == '.' && is_word_start(peek(1))) {  // a dotted name: `val.loss`
        m_pos += 2;
        while (is_word_char(peek())) {
          ++m_pos;
        }
      }
      if (peek() == '.' || peek() == '[' || peek() == '(') {
        return error_at(m_pos, fmt::format("expected a name after '{}', found {}",
                                           m_text.substr(start, m_pos - start), found_char()));
      }
      token.kind = ConditionToken::Kind::reference;
      token.source = ConditionSource::metadata;
      token.name = std::string(m_text.substr(start, m_pos - start));
      return {};
    }
    token.kind = ConditionToken::Kind::reference;
    token.source =
        token.name == "metadata" ? ConditionSource::metadata : ConditionSource::parameter;
    const std::string what = token.name == "metadata" ? "KEY" : "NAME";
    if (peek() == '.') {
      const std::size_t key = ++m_pos;
      while (is_key_char(peek())) {
        ++m_pos;
      }
      if (m_pos == key) {
        return error_at(m_pos, fmt::format("expected a {} after '{}.', found {}", what, token.name,
                                           found_char()));
      }
      token.name = std::string(m_text.substr(key, m_pos - key));
      return {};
    }
    if (peek() != '[') {
      return error_at(m_pos, fmt::format("expected '.{}' or '[\"{}\"]' after '{}', found {}", what,
                                         what, token.name, found_char()));
    }
    ++m_pos;
    skip_space();
    if (peek() != '\'' && peek() != '"') {
      return error_at(m_pos, fmt::format("expected a quoted {} after '{}[', found {}", what,
                                         token.name, found_char()));
    }
    token.name = VHTASK_TRY(string());
    skip_space();
    if (peek() != ']') {
      return error_at(m_pos, fmt::format("expected ']', found {}", found_char()));
    }
    ++m_pos;
    return {};
  }

  void skip_space() {
    while (is_space(peek())) {
      ++m_pos;
    }
  }
  std::string found_char() const {
    return m_pos < m_text.size() ? quote_char(m_text, m_pos) : "end of expression";
  }

  // A quoted string at m_pos; leaves m_pos after the closing quote.
  Result<std::string> string() {
    const std::size_t start = m_pos;
    const char quote = m_text[m_pos++];
    std::string out;
    while (m_pos < m_text.size() && m_text[m_pos] != quote) {
      char c = m_text[m_pos];
      if (c == '\\') {
        const char e = peek(1);
        if (e == '\\' || e == '\'' || e == '"') {
          c = e;
        } else if (e == 'n' || e == 't') {
          c = e == 'n' ? '\n' : '\t';
        } else if (m_pos + 1 < m_text.size()) {
          const std::string escape = e > 0x20 && e < 0x7f
                                         ? fmt::format("'\\{}'", e)
                                         : "\\ and " + quote_char(m_text, m_pos + 1);
          return error_at(m_pos,
                          "unknown escape " + escape + " in string (known: \\\\ \\' \\\" \\n \\t)");
        } else {
          m_pos = m_text.size();  // a backslash at the very end: unterminated
          break;
        }
        ++m_pos;
      }
      out += c;
      ++m_pos;
    }
    if (m_pos >= m_text.size()) {
      return error_at(start, "unterminated string");
    }
    ++m_pos;
    return out;
  }

  // A number at m_pos (the caller checked that one starts here).
  Result<Value> number() {
    const std::size_t start = m_pos;
    bool is_float = false;
    if (peek() == '-' || peek() == '+') {
      ++m_pos;
    }
    while (is_digit(peek())) {
      ++m_pos;
    }
    if (peek() == '.') {
      is_float = true;
      ++m_pos;
      while (is_digit(peek())) {
        ++m_pos;
      }
    }
    bool bad = false;
    if (peek() == 'e' || peek() == 'E') {
      is_float = true;
      ++m_pos;
      if (peek() == '-' || peek() == '+') {
        ++m_pos;
      }
      bad = !is_digit(peek());
      while (is_digit(peek())) {
        ++m_pos;
      }
    }
    while (is_word_char(peek()) || peek() == '.') {  // `1abc`, `1.2.3`, `1e`, `1e+`
      bad = true;
      ++m_pos;
    }
    const std::string_view spelled = m_text.substr(start, m_pos - start);
    if (bad) {
      return error_at(start, fmt::format("invalid number '{}'", spelled));
    }
    const std::string_view digits = spelled.front() == '+' ? spelled.substr(1) : spelled;
    if (!is_float) {
      std::int64_t i = 0;
      const auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), i);
      if (ec == std::errc() && end == digits.data() + digits.size()) {
        return Value(i);
      }
      // Out of 64-bit range: read as a float below, as the closest a comparison can get.
    }
    return Value(std::strtod(std::string(digits).c_str(), nullptr));
  }

  std::string_view m_text;
  std::size_t m_pos = 0;
};

}  // namespace

std::size_t condition_column_number(std::string_view text, std::size_t offset) {
  std::size_t column = 1;
  for (std::size_t i = 0; i < offset && i < text.size(); ++i) {
    column += (static_cast<unsigned char>(text[i]) & 0xc0) != 0x80 ? 1 : 0;
  }
  return column;
}

std::string condition_column(std::string_view text, std::size_t offset) {
  return fmt::format("column {}: ", condition_column_number(text, offset));
}

std::string describe_token(std::string_view text, const ConditionToken& token) {
  if (token.kind == ConditionToken::Kind::end) {
    return "end of expression";
  }
  constexpr std::size_t k_max = 30;
  std::string_view spelled = text.substr(token.offset, token.length);
  if (spelled.size() <= k_max) {
    return fmt::format("'{}'", spelled);
  }
  std::size_t cut = k_max;
  while (cut > 0 && (static_cast<unsigned char>(spelled[cut]) & 0xc0) == 0x80) {
    --cut;  // never split a UTF-8 sequence
  }
  return fmt::format("'{}...'", spelled.substr(0, cut));
}

Result<std::vector<ConditionToken>> lex_condition(std::string_view text) {
  return Lexer(text).run();
}

}  // namespace vhtask::common::expression
