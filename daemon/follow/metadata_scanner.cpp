#include "daemon/follow/metadata_scanner.h"

#include <boost/json/parse.hpp>

#include <cstring>

namespace vhtask::daemon::follow {

namespace {

bool is_space(char c) {
  return c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v';
}

bool all_space(std::string_view bytes) {
  for (const char c : bytes) {
    if (!is_space(c)) {
      return false;
    }
  }
  return true;
}

// The index of the first `c` in bytes[from, bytes.size()), or npos.
std::size_t find(std::string_view bytes, std::size_t from, char c) {
  const void* hit = std::memchr(bytes.data() + from, c, bytes.size() - from);
  return hit == nullptr ? std::string_view::npos
                        : static_cast<std::size_t>(static_cast<const char*>(hit) - bytes.data());
}

// The index of the last `c` in bytes[from, to), or npos.
std::size_t find_last(std::string_view bytes, std::size_t from, std::size_t to, char c) {
  const void* hit = memrchr(bytes.data() + from, c, to - from);
  return hit == nullptr ? std::string_view::npos
                        : static_cast<std::size_t>(static_cast<const char*>(hit) - bytes.data());
}

}  // namespace

MetadataScanner::MetadataScanner(std::int64_t offset, std::size_t max_line)
    : m_max_line(max_line), m_position(offset), m_line_start(offset) {}

void MetadataScanner::take_line(std::string_view line, std::int64_t end,
                                std::vector<store::MetadataLine>& out) const {
  while (!line.empty() && is_space(line.back())) {
    line.remove_suffix(1);
  }
  if (line.size() > m_max_line) {
    out.push_back(store::MetadataLine{store::MetadataLine::Kind::dropped, end, {}, {}});
    return;
  }
  boost::system::error_code ec;
  boost::json::value parsed = boost::json::parse(line, ec);
  if (ec || !parsed.is_object()) {
    return;  // ordinary output that happens to start with '{'
  }
  out.push_back(store::MetadataLine{store::MetadataLine::Kind::event, end, std::string(line),
                                    std::move(parsed.as_object())});
}

void MetadataScanner::feed(std::string_view bytes, std::vector<store::MetadataLine>& out) {
  const std::int64_t base = m_position;
  const auto offset_of = [base](std::size_t i) { return base + static_cast<std::int64_t>(i); };
  std::size_t i = 0;
  const std::size_t n = bytes.size();
  while (i < n) {
    switch (m_state) {
      case State::ignore:
      case State::huge: {
        const auto e = find(bytes, i, '\n');
        if (e == std::string_view::npos) {
          i = n;
          break;
        }
        if (m_state == State::huge) {
          out.push_back(
              store::MetadataLine{store::MetadataLine::Kind::dropped, offset_of(e + 1), {}, {}});
        }
        m_state = State::line_start;
        m_line_start = offset_of(e + 1);
        i = e + 1;
        break;
      }
      case State::candidate: {
        const auto e = find(bytes, i, '\n');
        const std::size_t stop = e == std::string_view::npos ? n : e;
        if (m_carry.size() + (stop - i) > m_max_line + 2) {
          // Longer than any line we keep (with room for a "\r" and trailing spaces): skip it.
          m_carry.clear();
          m_carry.shrink_to_fit();
          m_state = State::huge;
          break;
        }
        if (e == std::string_view::npos) {
          m_carry.append(bytes.substr(i));
          i = n;
          break;
        }
        if (m_carry.empty()) {
          take_line(bytes.substr(i, e - i), offset_of(e + 1), out);
        } else {
          m_carry.append(bytes.substr(i, e - i));
          take_line(m_carry, offset_of(e + 1), out);
          m_carry.clear();
        }
        m_state = State::line_start;
        m_line_start = offset_of(e + 1);
        i = e + 1;
        break;
      }
      case State::line_start: {
        const auto brace = find(bytes, i, '{');
        if (brace == std::string_view::npos) {
          // No candidate in the rest: only the start of the last (partial) line matters.
          std::size_t tail = i;
          if (const auto nl = find_last(bytes, i, n, '\n'); nl != std::string_view::npos) {
            m_line_start = offset_of(nl + 1);
            tail = nl + 1;
          }
          m_state = all_space(bytes.substr(tail)) ? State::line_start : State::ignore;
          i = n;
          break;
        }
        std::size_t back = brace;
        while (back > i && (bytes[back - 1] == ' ' || bytes[back - 1] == '\t')) {
          --back;
        }
        if (back == i || bytes[back - 1] == '\n') {
          // The '{' begins its line (after whitespace only).
          if (back > i) {
            m_line_start = offset_of(back);
          }
          m_state = State::candidate;
          i = brace;
          break;
        }
        // A '{' in the middle of a line: that line is ordinary output.
        if (const auto nl = find_last(bytes, i, back, '\n'); nl != std::string_view::npos) {
          m_line_start = offset_of(nl + 1);
        }
        m_state = State::ignore;
        i = brace;
        break;
      }
    }
  }
  m_position = offset_of(n);
}

void MetadataScanner::finish(std::vector<store::MetadataLine>& out) {
  if (m_state == State::candidate) {
    take_line(m_carry, m_position, out);
  } else if (m_state == State::huge) {
    out.push_back(store::MetadataLine{store::MetadataLine::Kind::dropped, m_position, {}, {}});
  }
  m_carry.clear();
  m_state = State::line_start;
  m_line_start = m_position;
}

}  // namespace vhtask::daemon::follow
