#include "client/view/output.h"

#include <fmt/format.h>

#include <charconv>
#include <cstdlib>
#include <ctime>
#include <sys/ioctl.h>
#include <unistd.h>

namespace vhtask::client::view {

namespace {

constexpr std::string_view k_reset = "\x1b[0m";

std::string_view code_of(Color color) {
  switch (color) {
    case Color::green:
      return "\x1b[32m";
    case Color::red:
      return "\x1b[31m";
    case Color::yellow:
      return "\x1b[33m";
    case Color::grey:
      return "\x1b[90m";
    case Color::bold:
      return "\x1b[1m";
    case Color::none:
      break;
  }
  return "";
}

// Reads `digits` decimal digits at text[pos...]; advances pos.
std::optional<int> read_number(std::string_view text, std::size_t& pos, std::size_t digits) {
  if (pos + digits > text.size()) {
    return std::nullopt;
  }
  int value = 0;
  const char* begin = text.data() + pos;
  const auto [ptr, ec] = std::from_chars(begin, begin + digits, value);
  if (ec != std::errc() || ptr != begin + digits) {
    return std::nullopt;
  }
  pos += digits;
  return value;
}

bool expect(std::string_view text, std::size_t& pos, char c) {
  if (pos < text.size() && text[pos] == c) {
    ++pos;
    return true;
  }
  return false;
}

// The length of the ANSI CSI sequence at text[pos] ("\x1b[" ... final byte), or 0.
std::size_t escape_length(std::string_view text, std::size_t pos) {
  if (text[pos] != '\x1b' || pos + 1 >= text.size() || text[pos + 1] != '[') {
    return 0;
  }
  std::size_t end = pos + 2;
  while (end < text.size() && !(text[end] >= 0x40 && text[end] <= 0x7e)) {
    ++end;
  }
  return end < text.size() ? end - pos + 1 : text.size() - pos;
}

bool is_continuation(char c) {
  return (static_cast<unsigned char>(c) & 0xc0) == 0x80;
}

}  // namespace

Style Style::for_stdout(const std::string& color_option) {
  const bool terminal = ::isatty(STDOUT_FILENO) == 1;
  return Style{use_color(color_option, terminal, std::getenv("NO_COLOR") != nullptr), terminal};
}

std::string Style::paint(std::string_view text, Color c) const {
  if (!color || c == Color::none) {
    return std::string(text);
  }
  return fmt::format("{}{}{}", code_of(c), text, k_reset);
}

bool use_color(std::string_view option, bool stdout_is_terminal, bool no_color_set) {
  if (no_color_set || option == "never") {
    return false;
  }
  return option == "always" || stdout_is_terminal;
}

Color state_color(std::string_view state) {
  if (state == "complete") {
    return Color::green;
  }
  if (state == "error" || state == "crashed") {
    return Color::red;
  }
  if (state == "started" || state == "stopping" || state == "running") {
    return Color::yellow;
  }
  if (state == "stopped") {
    return Color::grey;
  }
  return Color::none;
}

std::string format_duration(std::chrono::milliseconds duration) {
  const std::int64_t ms = std::max<std::int64_t>(duration.count(), 0);
  const std::int64_t seconds = ms / 1000;
  if (seconds < 60) {
    // Tenths are truncated, so 59.96 s reads "59.9s", never "60.0s".
    return fmt::format("{}.{}s", seconds, (ms % 1000) / 100);
  }
  if (seconds < 3600) {
    return fmt::format("{}m {:02}s", seconds / 60, seconds % 60);
  }
  if (seconds < 86400) {
    return fmt::format("{}h {:02}m", seconds / 3600, (seconds % 3600) / 60);
  }
  return fmt::format("{}d {:02}h", seconds / 86400, (seconds % 86400) / 3600);
}

std::optional<std::chrono::system_clock::time_point> parse_timestamp(std::string_view text) {
  std::size_t pos = 0;
  std::tm tm{};
  const auto year = read_number(text, pos, 4);
  if (!year || !expect(text, pos, '-')) {
    return std::nullopt;
  }
  const auto month = read_number(text, pos, 2);
  if (!month || !expect(text, pos, '-')) {
    return std::nullopt;
  }
  const auto day = read_number(text, pos, 2);
  if (!day || !(expect(text, pos, 'T') || expect(text, pos, ' '))) {
    return std::nullopt;
  }
  const auto hour = read_number(text, pos, 2);
  if (!hour || !expect(text, pos, ':')) {
    return std::nullopt;
  }
  const auto minute = read_number(text, pos, 2);
  if (!minute || !expect(text, pos, ':')) {
    return std::nullopt;
  }
  const auto second = read_number(text, pos, 2);
  if (!second) {
    return std::nullopt;
  }
  int millis = 0;
  if (expect(text, pos, '.')) {
    int scale = 100;
    while (pos < text.size() && text[pos] >= '0' && text[pos] <= '9') {
      millis += (text[pos] - '0') * scale;
      scale /= 10;
      ++pos;
    }
  }
  expect(text, pos, 'Z');
  if (pos != text.size()) {
    return std::nullopt;
  }
  tm.tm_year = *year - 1900;
  tm.tm_mon = *month - 1;
  tm.tm_mday = *day;
  tm.tm_hour = *hour;
  tm.tm_min = *minute;
  tm.tm_sec = *second;
  const std::time_t seconds = ::timegm(&tm);
  return std::chrono::system_clock::from_time_t(seconds) + std::chrono::milliseconds(millis);
}

std::string format_local_time(std::chrono::system_clock::time_point time) {
  const std::time_t t = std::chrono::system_clock::to_time_t(time);
  std::tm local{};
  ::localtime_r(&t, &local);
  char buffer[32];
  std::strftime(buffer, sizeof(buffer), "%Y-%m-%d %H:%M:%S", &local);
  return buffer;
}

std::optional<std::chrono::milliseconds> elapsed_between(std::string_view start,
                                                         std::string_view end) {
  const auto from = parse_timestamp(start);
  if (!from) {
    return std::nullopt;
  }
  const auto to = end.empty() ? std::chrono::system_clock::now() : parse_timestamp(end);
  if (!to) {
    return std::nullopt;
  }
  return std::chrono::duration_cast<std::chrono::milliseconds>(*to - *from);
}

int terminal_width() {
  winsize ws{};
  if (::ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0) {
    return ws.ws_col;
  }
  return 80;
}

std::size_t visible_width(std::string_view text) {
  std::size_t width = 0;
  for (std::size_t i = 0; i < text.size();) {
    if (const auto skip = escape_length(text, i); skip > 0) {
      i += skip;
      continue;
    }
    if (!is_continuation(text[i])) {
      ++width;
    }
    ++i;
  }
  return width;
}

std::string truncate_visible(std::string_view text, std::size_t width) {
  std::string out;
  std::size_t used = 0;
  bool cut = false;
  for (std::size_t i = 0; i < text.size();) {
    if (const auto skip = escape_length(text, i); skip > 0) {
      out.append(text.substr(i, skip));
      i += skip;
      continue;
    }
    if (!is_continuation(text[i])) {
      if (used == width) {
        cut = true;
        // Skip the rest of the text's printable characters, but keep escapes balanced.
        ++i;
        continue;
      }
      ++used;
    } else if (cut) {
      ++i;
      continue;
    }
    out.push_back(text[i]);
    ++i;
  }
  if (cut && out.find('\x1b') != std::string::npos) {
    out.append(k_reset);
  }
  return out;
}

}  // namespace vhtask::client::view
