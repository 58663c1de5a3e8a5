#include "client/commands/start_text.h"

#include "client/view/terminal_text.h"
#include "common/byte_string.h"
#include "common/utf8.h"

#include <fmt/format.h>

#include <algorithm>
#include <iostream>

extern char** environ;

namespace vhtask::client::commands {

rpc::Outcome<void> require_utf8(std::string_view text, const std::string& what) {
  if (const auto bad = common::first_invalid_utf8(text)) {
    return rpc::Failure::usage(
        fmt::format("{} is not valid UTF-8 (byte 0x{:02x} at offset {})", what,
                    static_cast<unsigned char>(text[*bad]), *bad),
        "vhtask sends it as JSON text, which must be UTF-8; nothing was sent");
  }
  return {};
}

rpc::Outcome<void> require_utf8_file(std::string_view text, const std::string& file) {
  const auto bad = common::first_invalid_utf8(text);
  if (!bad) {
    return {};
  }
  const auto before = text.substr(0, *bad);
  const auto line = std::count(before.begin(), before.end(), '\n') + 1;
  const auto line_start = before.rfind('\n');
  const auto column = *bad - (line_start == std::string_view::npos ? 0 : line_start + 1) + 1;
  return rpc::Failure::usage(
      fmt::format("{}:{}:{}: not valid UTF-8 (byte 0x{:02x}); YAML files must be UTF-8",
                  view::escape_controls(file), line, column,
                  static_cast<unsigned char>(text[*bad])),
      "save the file as UTF-8; nothing was sent");
}

boost::json::object environment_params(bool& used_bytes) {
  boost::json::object env;
  used_bytes = false;
  for (char** entry = environ; entry != nullptr && *entry != nullptr; ++entry) {
    const std::string_view text(*entry);
    const auto eq = text.find('=');
    if (eq == std::string_view::npos || eq == 0) {
      continue;
    }
    const auto name = text.substr(0, eq);
    if (common::first_invalid_utf8(name)) {
      std::cerr << "vhtask: warning: environment variable " << view::escape_controls(name)
                << " is left out: its name is not valid UTF-8\n";
      continue;
    }
    if (env.contains(name)) {
      continue;  // the first of duplicate names wins, as getenv() sees it
    }
    auto value = common::encode_byte_string(text.substr(eq + 1));
    used_bytes = used_bytes || value.is_object();
    env[name] = std::move(value);
  }
  return env;
}

}  // namespace vhtask::client::commands
