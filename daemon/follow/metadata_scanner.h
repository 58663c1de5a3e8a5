#pragma once

// MetadataScanner: finds the metadata lines of an execution's output.log as it grows
// (schema/README.md, "Metadata"). A metadata line is one that, once ASCII whitespace around it is
// stripped, parses (boost::json) as a JSON object; every other line is ordinary output.
//
// The log is not split into lines one by one: the scanner looks for '{' with memchr, walks back
// over spaces and tabs to see whether it begins a line, and only then finds the line's end. A
// candidate line longer than the limit is skipped without being buffered whole and reported as
// `dropped` once its end is seen. An unterminated last line is kept (up to the limit) until more
// bytes arrive, or counts as a line when finish() says the log is complete.
//
// Plain value; no thread restrictions.

#include "daemon/store/metadata_line.h"

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace vhtask::daemon::follow {

class MetadataScanner {
public:
  static constexpr std::size_t k_default_max_line = 1 << 20;

  // Scans a log from `offset` (which must be the start of a line) on.
  explicit MetadataScanner(std::int64_t offset = 0, std::size_t max_line = k_default_max_line);

  // Scans the bytes that follow everything fed so far; appends the lines completed by them.
  void feed(std::string_view bytes, std::vector<store::MetadataLine>& out);
  // The log is complete: an unterminated last line counts as a line too.
  void finish(std::vector<store::MetadataLine>& out);

  // The offset of the first byte of the first incomplete line: everything before it is scanned
  // for good, so a new scanner may resume there.
  std::int64_t consumed() const { return m_line_start; }
  // How many bytes were fed: the offset the next feed() starts at.
  std::int64_t position() const { return m_position; }

private:
  enum class State {
    line_start,  // at the start of a line, or only whitespace of it seen so far
    candidate,   // the line begins with '{': m_carry holds it from the '{' on
    ignore,      // the line is ordinary output: skip to its end
    huge,        // a candidate longer than the limit: skip to its end, then count it dropped
  };

  // One complete candidate line (from its '{', without the '\n').
  void take_line(std::string_view line, std::int64_t end,
                 std::vector<store::MetadataLine>& out) const;

  std::size_t m_max_line;
  std::int64_t m_position;
  std::int64_t m_line_start;
  State m_state = State::line_start;
  std::string m_carry;
};

}  // namespace vhtask::daemon::follow
