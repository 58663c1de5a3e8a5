#include "common/render/shell_quote.h"

#include <algorithm>

namespace vhtask::common::render {

namespace {

// shlex's safe set: the ASCII word characters (re.ASCII \w) plus @%+=:,./-.
constexpr bool is_safe(char c) {
  const bool alnum = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
  return alnum || std::string_view("_@%+=:,./-").find(c) != std::string_view::npos;
}

struct SafeTable {
  bool safe[256] = {};
  constexpr SafeTable() {
    for (int c = 0; c < 256; ++c) {
      safe[c] = is_safe(static_cast<char>(c));
    }
  }
};

constexpr SafeTable k_safe;

bool all_safe(std::string_view word) {
  return std::all_of(word.begin(), word.end(),
                     [](char c) { return k_safe.safe[static_cast<unsigned char>(c)]; });
}

// Single quotes protect everything but a single quote, which closes the quoting, is written
// inside double quotes, and reopens it.
constexpr std::string_view k_quote_in_quotes = "'\"'\"'";

}  // namespace

std::string shell_quote(std::string_view word) {
  std::string out;
  append_shell_quoted(out, word);
  return out;
}

void append_shell_quoted(std::string& out, std::string_view word) {
  if (word.empty()) {
    out += "''";
    return;
  }
  if (all_safe(word)) {
    out += word;
    return;
  }
  out += '\'';
  for (const char c : word) {
    if (c == '\'') {
      out += k_quote_in_quotes;
    } else {
      out += c;
    }
  }
  out += '\'';
}

void shell_quote_tail(std::string& text, std::size_t from) {
  const std::string_view word = std::string_view(text).substr(from);
  if (word.empty()) {
    text += "''";
    return;
  }
  if (all_safe(word)) {
    return;
  }
  const auto quotes = static_cast<std::size_t>(std::count(word.begin(), word.end(), '\''));
  const std::size_t old_end = text.size();
  const std::size_t new_end = old_end + 2 + quotes * (k_quote_in_quotes.size() - 1);
  text.resize(new_end);
  // Expand from the back so every byte is moved once and nothing is overwritten before it is read.
  std::size_t dst = new_end;
  text[--dst] = '\'';
  for (std::size_t src = old_end; src > from;) {
    const char c = text[--src];
    if (c == '\'') {
      dst -= k_quote_in_quotes.size();
      text.replace(dst, k_quote_in_quotes.size(), k_quote_in_quotes);
    } else {
      text[--dst] = c;
    }
  }
  text[--dst] = '\'';
}

}  // namespace vhtask::common::render
