#include "common/stop_condition_lexer.h"

#include <fmt/format.h>

#include <charconv>
#include <cstdint>
#include <cstdlib>

namespace vhtask::common {

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
  explicit Lexer(std::string_view text) : text_(text) {}

  Result<std::vector<ConditionToken>> run() {
    std::vector<ConditionToken> tokens;
    while (true) {
      while (pos_ < text_.size() && is_space(text_[pos_])) {
        ++pos_;
      }
      ConditionToken token;
      token.offset = pos_;
      if (pos_ == text_.size()) {
        tokens.push_back(std::move(token));
        return tokens;
      }
      VHTASK_TRY(next(token));
      token.length = pos_ - token.offset;
      tokens.push_back(std::move(token));
    }
  }

private:
  Error error_at(std::size_t offset, std::string_view what) const {
    return Error::invalid_argument(condition_column(text_, offset) + std::string(what));
  }
  char peek(std::size_t ahead = 0) const {
    return pos_ + ahead < text_.size() ? text_[pos_ + ahead] : '\0';
  }

  // Reads one token starting at pos_ (not whitespace, not the end) into `token`.
  Result<void> next(ConditionToken& token) {
    const char c = peek();
    if (c == '(' || c == ')') {
      token.kind = c == '(' ? ConditionToken::Kind::lparen : ConditionToken::Kind::rparen;
      ++pos_;
      return {};
    }
    if (c == '\'' || c == '"') {
      token.kind = ConditionToken::Kind::literal;
      token.value = VHTASK_TRY(string());
      return {};
    }
    if (is_digit(c) || (c == '.' && is_digit(peek(1))) ||
        ((c == '-' || c == '+') && (is_digit(peek(1)) || (peek(1) == '.' && is_digit(peek(2)))))) {
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
      pos_ += 2;
      return {};
    }
    if (c == '<' || c == '>') {
      token.name = std::string{c};
      ++pos_;
      return {};
    }
    if (c == '=') {
      return error_at(pos_, "use '==' to compare, found '='");
    }
    if (c == '!') {
      return error_at(pos_, "use 'not' to negate, found '!'");
    }
    if (c == '&' && d == '&') {
      return error_at(pos_, "use 'and', found '&&'");
    }
    if (c == '|' && d == '|') {
      return error_at(pos_, "use 'or', found '||'");
    }
    return error_at(pos_, "unexpected character " + quote_char(text_, pos_));
  }

  // A word; `metadata` and `parameter` must be followed by `.KEY` or `["KEY"]`.
  Result<void> word(ConditionToken& token) {
    const std::size_t start = pos_;
    while (is_word_char(peek())) {
      ++pos_;
    }
    token.name = std::string(text_.substr(start, pos_ - start));
    token.kind = ConditionToken::Kind::word;
    if (token.name != "metadata" && token.name != "parameter") {
      if (peek() == '.' || peek() == '[') {  // `metrics.loss`: say what is known here
        return error_at(
            start, fmt::format("expected metadata.KEY or parameter.NAME, found '{}'", token.name));
      }
      return {};
    }
    token.kind = ConditionToken::Kind::reference;
    token.source =
        token.name == "metadata" ? ConditionSource::metadata : ConditionSource::parameter;
    const std::string what = token.name == "metadata" ? "KEY" : "NAME";
    if (peek() == '.') {
      const std::size_t key = ++pos_;
      while (is_key_char(peek())) {
        ++pos_;
      }
      if (pos_ == key) {
        return error_at(pos_, fmt::format("expected a {} after '{}.', found {}", what, token.name,
                                          found_char()));
      }
      token.name = std::string(text_.substr(key, pos_ - key));
      return {};
    }
    if (peek() != '[') {
      return error_at(pos_, fmt::format("expected '.{}' or '[\"{}\"]' after '{}', found {}", what,
                                        what, token.name, found_char()));
    }
    ++pos_;
    skip_space();
    if (peek() != '\'' && peek() != '"') {
      return error_at(pos_, fmt::format("expected a quoted {} after '{}[', found {}", what,
                                        token.name, found_char()));
    }
    token.name = VHTASK_TRY(string());
    skip_space();
    if (peek() != ']') {
      return error_at(pos_, fmt::format("expected ']', found {}", found_char()));
    }
    ++pos_;
    return {};
  }

  void skip_space() {
    while (is_space(peek())) {
      ++pos_;
    }
  }
  std::string found_char() const {
    return pos_ < text_.size() ? quote_char(text_, pos_) : "end of expression";
  }

  // A quoted string at pos_; leaves pos_ after the closing quote.
  Result<std::string> string() {
    const std::size_t start = pos_;
    const char quote = text_[pos_++];
    std::string out;
    while (pos_ < text_.size() && text_[pos_] != quote) {
      char c = text_[pos_];
      if (c == '\\') {
        const char e = peek(1);
        if (e == '\\' || e == '\'' || e == '"') {
          c = e;
        } else if (e == 'n' || e == 't') {
          c = e == 'n' ? '\n' : '\t';
        } else if (pos_ + 1 < text_.size()) {
          const std::string escape = e > 0x20 && e < 0x7f ? fmt::format("'\\{}'", e)
                                                          : "\\ and " + quote_char(text_, pos_ + 1);
          return error_at(pos_,
                          "unknown escape " + escape + " in string (known: \\\\ \\' \\\" \\n \\t)");
        } else {
          pos_ = text_.size();  // a backslash at the very end: unterminated
          break;
        }
        ++pos_;
      }
      out += c;
      ++pos_;
    }
    if (pos_ >= text_.size()) {
      return error_at(start, "unterminated string");
    }
    ++pos_;
    return out;
  }

  // A number at pos_ (the caller checked that one starts here).
  Result<Value> number() {
    const std::size_t start = pos_;
    bool is_float = false;
    if (peek() == '-' || peek() == '+') {
      ++pos_;
    }
    while (is_digit(peek())) {
      ++pos_;
    }
    if (peek() == '.') {
      is_float = true;
      ++pos_;
      while (is_digit(peek())) {
        ++pos_;
      }
    }
    bool bad = false;
    if (peek() == 'e' || peek() == 'E') {
      is_float = true;
      ++pos_;
      if (peek() == '-' || peek() == '+') {
        ++pos_;
      }
      bad = !is_digit(peek());
      while (is_digit(peek())) {
        ++pos_;
      }
    }
    while (is_key_char(peek()) || peek() == '+') {  // `1abc`, `1.2.3`, `1e`, `1e+`, `1-2`
      bad = true;
      ++pos_;
    }
    const std::string_view spelled = text_.substr(start, pos_ - start);
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

  std::string_view text_;
  std::size_t pos_ = 0;
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

}  // namespace vhtask::common
