#pragma once

// A small buffered writer for long outputs (a dry run of a million executions): appends to a
// string and writes it out in 64 KiB blocks. Single-threaded; owned by the caller.

#include <cstdio>
#include <string>
#include <string_view>

namespace vhtask::client::view {

class StreamOut {
public:
  explicit StreamOut(std::FILE* file) : m_file(file) { m_buffer.reserve(k_block * 2); }
  StreamOut(const StreamOut&) = delete;
  StreamOut& operator=(const StreamOut&) = delete;
  ~StreamOut() { flush(); }

  StreamOut& operator<<(std::string_view text) {
    m_buffer.append(text);
    if (m_buffer.size() >= k_block) {
      flush();
    }
    return *this;
  }

  void flush() {
    if (!m_buffer.empty()) {
      std::fwrite(m_buffer.data(), 1, m_buffer.size(), m_file);
      m_buffer.clear();
    }
    std::fflush(m_file);
  }

private:
  static constexpr std::size_t k_block = 64 * 1024;
  std::FILE* m_file;
  std::string m_buffer;
};

}  // namespace vhtask::client::view
