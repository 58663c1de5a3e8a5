#pragma once

// LogSpace: whether the log dir (where execution directories go, `vhtaskd --log-dir`) has room
// for another execution, and the pause of every queue while it has none. Without it a full log
// filesystem would fail each queued execution in turn within milliseconds. has_room() probes by
// writing (and removing) a small file, which is what an execution needs to succeed; pause()
// probes again with backoff (k_first_delay doubling to k_max_delay) and calls on_resumed once
// the probe succeeds.
//
// Ownership and thread: owned by the Engine; io_context thread only.

#include "daemon/stall.h"

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>

#include <chrono>
#include <functional>
#include <optional>
#include <string>

namespace vhtask::daemon {

class LogSpace {
public:
  static constexpr std::chrono::milliseconds k_first_delay{100};
  static constexpr std::chrono::milliseconds k_max_delay{5000};
  // What the probe writes: more than an execution's own small files and its reserved status.
  static constexpr std::size_t k_probe_bytes = std::size_t{64} * 1024;

  LogSpace(boost::asio::io_context& io, std::string dir, std::function<void()> on_resumed);
  LogSpace(const LogSpace&) = delete;
  LogSpace& operator=(const LogSpace&) = delete;

  // False only when writing to the dir fails with ENOSPC or EDQUOT (other errors are not a lack
  // of space: they are reported by whatever failed).
  bool has_room() const;
  // The dir is full: nothing new starts until a probe finds room again.
  void pause();
  bool paused() const { return m_stall.has_value(); }
  std::optional<Stall> stall() const { return m_stall; }

private:
  void arm();

  boost::asio::steady_timer m_timer;
  const std::string m_dir;
  std::function<void()> m_on_resumed;
  std::optional<Stall> m_stall;
  std::chrono::milliseconds m_delay = k_first_delay;
};

}  // namespace vhtask::daemon
