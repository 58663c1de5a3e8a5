#include "daemon/app/repeat_limit_sink.h"

#include <fmt/format.h>

namespace vhtask::daemon::app {

RepeatLimitSink::RepeatLimitSink(std::shared_ptr<spdlog::sinks::sink> inner, int burst,
                                 std::chrono::milliseconds window)
    : m_inner(std::move(inner)), m_burst(burst), m_window(window) {}

RepeatLimitSink::~RepeatLimitSink() {
  for (auto& [key, entry] : m_entries) {
    if (entry.dropped > 0) {
      const std::string text = fmt::format("{} (repeated {} times)", key.second, entry.dropped);
      spdlog::details::log_msg msg = entry.last;
      msg.payload = text;
      m_inner->log(msg);
    }
  }
  m_inner->flush();
}

void RepeatLimitSink::log(const spdlog::details::log_msg& msg) {
  std::pair<int, std::string> key{static_cast<int>(msg.level),
                                  std::string(msg.payload.data(), msg.payload.size())};
  auto it = m_entries.find(key);
  if (it == m_entries.end()) {
    forget_old(msg.time);
    it = m_entries.emplace(std::move(key), Entry{msg.time, 0, 0, msg}).first;
  }
  Entry& entry = it->second;
  if (msg.time - entry.window_start >= m_window) {
    entry.window_start = msg.time;
    entry.passed = 0;
  }
  entry.last = msg;
  entry.last.payload = it->first.second;
  if (entry.passed >= m_burst) {
    ++entry.dropped;
    return;
  }
  ++entry.passed;
  if (entry.dropped == 0) {
    m_inner->log(msg);
    return;
  }
  const std::string text = fmt::format("{} (repeated {} times)", it->first.second, entry.dropped);
  entry.dropped = 0;
  spdlog::details::log_msg annotated = msg;
  annotated.payload = text;
  m_inner->log(annotated);
}

void RepeatLimitSink::forget_old(spdlog::log_clock::time_point now) {
  if (m_entries.size() < k_max_tracked) {
    return;
  }
  // Texts whose window has passed with nothing pending can go without losing anything.
  std::erase_if(m_entries, [&](const auto& item) {
    return item.second.dropped == 0 && now - item.second.window_start >= m_window;
  });
  if (m_entries.size() >= k_max_tracked) {
    // Every one is busy: report and forget the one whose window is oldest.
    auto oldest = m_entries.begin();
    for (auto it = m_entries.begin(); it != m_entries.end(); ++it) {
      if (it->second.window_start < oldest->second.window_start) {
        oldest = it;
      }
    }
    if (oldest->second.dropped > 0) {
      const std::string text =
          fmt::format("{} (repeated {} times)", oldest->first.second, oldest->second.dropped);
      spdlog::details::log_msg msg = oldest->second.last;
      msg.payload = text;
      m_inner->log(msg);
    }
    m_entries.erase(oldest);
  }
}

}  // namespace vhtask::daemon::app
