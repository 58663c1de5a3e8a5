#pragma once

// RepeatLimitSink: a spdlog sink in front of another that rate-limits repeated lines. A line
// whose level and text equal an earlier one's is passed at most `burst` times per `window`; the
// copies beyond that are counted, and the next copy passed after the window carries
// " (repeated N times)" (N: the copies dropped since the last one printed). Copies still pending
// when the sink is destroyed are reported then. So a fault that repeats (accept failing with
// EMFILE in a loop) costs a few lines per second, not millions, and nothing is silently hidden.
//
// Lines are compared by their text only, so messages that differ in a number are not limited:
// write the varying part in a separate, rarer line. At most k_max_tracked distinct texts are
// remembered (the oldest windows are forgotten first).
//
// Ownership and thread: owned by the logger (shared_ptr); not thread-safe, like the daemon's
// single-threaded logger (io_context thread only).

#include <spdlog/details/log_msg.h>
#include <spdlog/sinks/sink.h>

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <utility>

namespace vhtask::daemon::app {

class RepeatLimitSink : public spdlog::sinks::sink {
public:
  static constexpr std::size_t k_max_tracked = 256;

  RepeatLimitSink(std::shared_ptr<spdlog::sinks::sink> inner, int burst,
                  std::chrono::milliseconds window);
  ~RepeatLimitSink() override;

  void log(const spdlog::details::log_msg& msg) override;
  void flush() override { m_inner->flush(); }
  void set_pattern(const std::string& pattern) override { m_inner->set_pattern(pattern); }
  void set_formatter(std::unique_ptr<spdlog::formatter> formatter) override {
    m_inner->set_formatter(std::move(formatter));
  }

private:
  struct Entry {
    spdlog::log_clock::time_point window_start;
    int passed = 0;                 // lines passed in the current window
    std::uint64_t dropped = 0;      // copies dropped since the last one passed
    spdlog::details::log_msg last;  // for the report at destruction (payload points at the key)
  };

  void forget_old(spdlog::log_clock::time_point now);

  std::shared_ptr<spdlog::sinks::sink> m_inner;
  const int m_burst;
  const std::chrono::milliseconds m_window;
  std::map<std::pair<int, std::string>, Entry> m_entries;  // (level, text) -> its window
};

}  // namespace vhtask::daemon::app
