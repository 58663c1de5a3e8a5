#include "common/protocol/json_rpc_framing.h"

namespace vhtask::common::protocol {

LineBuffer::LineBuffer(std::size_t max_line_bytes) : m_max_line_bytes(max_line_bytes) {}

void LineBuffer::append(std::string_view bytes) {
  while (!bytes.empty()) {
    const auto newline = bytes.find('\n');
    const auto piece = bytes.substr(0, newline);
    if (m_discarding) {
      // The oversize frame was already reported; skip to the end of that line.
    } else if (m_partial.size() + piece.size() > m_max_line_bytes + 1) {
      // One byte of slack for a '\r' before the '\n', which is not part of the message.
      m_partial.clear();
      m_discarding = true;
      m_ready.push_back({Frame::Kind::oversize, {}});
    } else {
      m_partial.append(piece);
    }
    if (newline == std::string_view::npos) {
      return;
    }
    if (m_discarding) {
      m_discarding = false;
    } else {
      complete_line();
    }
    bytes.remove_prefix(newline + 1);
  }
}

void LineBuffer::complete_line() {
  if (!m_partial.empty() && m_partial.back() == '\r') {
    m_partial.pop_back();
  }
  if (m_partial.size() > m_max_line_bytes) {
    m_ready.push_back({Frame::Kind::oversize, {}});
  } else if (!m_partial.empty()) {
    m_ready.push_back({Frame::Kind::line, std::move(m_partial)});
  }
  m_partial.clear();
}

std::optional<Frame> LineBuffer::next() {
  if (m_ready.empty()) {
    return std::nullopt;
  }
  Frame frame = std::move(m_ready.front());
  m_ready.pop_front();
  return frame;
}

}  // namespace vhtask::common::protocol
