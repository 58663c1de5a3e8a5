#pragma once

// LineBuffer: splits the byte stream of one connection into protocol lines (schema/protocol.md,
// "Framing"). A line ends at '\n' (a '\r' before it is dropped); empty lines are skipped. A line
// longer than the limit is not buffered: its bytes are discarded up to the next '\n' and one
// oversize frame is reported in its place, so the connection survives and memory stays bounded
// by the limit plus one read.
//
// Ownership and thread: one per connection, owned by it and used only on that connection's
// strand. A plain value type.

#include <cstddef>
#include <deque>
#include <optional>
#include <string>
#include <string_view>

namespace vhtask::common::protocol {

// The largest message, in bytes without its '\n', that either side accepts: 1 MiB.
inline constexpr std::size_t k_max_message_bytes = std::size_t{1} << 20;

// One framing result: a complete line, or the notice that an oversize line was dropped.
struct Frame {
  enum class Kind { line, oversize };
  Kind kind = Kind::line;
  std::string text;  // the line without '\n' (empty for oversize)

  bool operator==(const Frame&) const = default;
};

class LineBuffer {
public:
  explicit LineBuffer(std::size_t max_line_bytes = k_max_message_bytes);

  // Adds bytes read from the socket; complete lines become frames ready for next().
  void append(std::string_view bytes);

  // The oldest frame not yet taken, or nullopt if none is complete.
  std::optional<Frame> next();

  // Bytes of the current incomplete line (0 while discarding an oversize one).
  std::size_t partial_bytes() const { return m_partial.size(); }
  // True while the rest of an oversize line is being skipped.
  bool discarding() const { return m_discarding; }

private:
  void complete_line();

  std::size_t m_max_line_bytes;
  std::string m_partial;
  bool m_discarding = false;
  std::deque<Frame> m_ready;
};

}  // namespace vhtask::common::protocol
