#include "common/shell_quote.h"

namespace vhtask::common {

namespace {

// shlex's safe set: the ASCII word characters (re.ASCII \w) plus @%+=:,./-.
bool is_safe(char c) {
  const bool alnum = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
  return alnum || std::string_view("_@%+=:,./-").find(c) != std::string_view::npos;
}

}  // namespace

std::string shell_quote(std::string_view word) {
  if (word.empty()) {
    return "''";
  }
  bool safe = true;
  for (const char c : word) {
    safe = safe && is_safe(c);
  }
  if (safe) {
    return std::string(word);
  }
  // Single quotes protect everything but a single quote, which closes the quoting, is written
  // inside double quotes, and reopens it.
  std::string out = "'";
  for (const char c : word) {
    if (c == '\'') {
      out += "'\"'\"'";
    } else {
      out += c;
    }
  }
  out += '\'';
  return out;
}

}  // namespace vhtask::common
