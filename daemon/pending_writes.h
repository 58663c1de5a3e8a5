#pragma once

// PendingWrites: the Engine's store writes that must happen, in order, even while the database
// refuses them for a while (a lock held by another process, a full or read-only state dir:
// daemon/store/store_fault.h). A write is tried at once; when it fails with such a fault it is
// kept, and it and every write submitted after it are retried in submission order with backoff
// (k_first_delay doubling to k_max_delay) until the store accepts them. Each write's
// continuation runs only once its write was accepted, so the Engine changes its memory only
// after the store said yes. While a write waits the daemon is stalled: stall() says why, and the
// Engine starts nothing new (blocked()). Any other error is final: the write's `failed` runs.
//
// Writes made outside the queue (recording a start, which the Engine can simply undo) report
// their fate with refused() / accepted(); a refusal stalls the same way and on_resumed asks the
// Engine to try again once the backoff has passed.
//
// Ownership and thread: owned by the Engine; io_context thread only. Continuations run on it,
// from submit() itself (a write accepted at once) or from the retry timer.

#include "common/result.h"
#include "daemon/stall.h"

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>

#include <chrono>
#include <deque>
#include <functional>
#include <optional>
#include <string>

namespace vhtask::daemon {

class PendingWrites {
public:
  static constexpr std::chrono::milliseconds k_first_delay{50};
  static constexpr std::chrono::milliseconds k_max_delay{2000};

  struct Write {
    std::string what;                          // "record the outcome of execution 12" (logs)
    std::function<Result<void>()> apply;       // the store call; may run several times
    std::function<void()> then;                // once apply succeeded
    std::function<void(const Error&)> failed;  // instead, when apply failed for good
  };

  // on_resumed: called (from the timer) when writes may be tried again: the queue has been
  // written, or a refused() write's backoff has passed.
  PendingWrites(boost::asio::io_context& io, std::function<void()> on_resumed);
  PendingWrites(const PendingWrites&) = delete;
  PendingWrites& operator=(const PendingWrites&) = delete;

  void submit(Write write);
  // A write made outside the queue failed with `error`: stalls if it is a passing fault (true),
  // else returns false and changes nothing.
  bool refused(const Error& error);
  // A write made outside the queue was accepted: the store works (ends a stall without queue).
  void accepted();

  // Writes are waiting, or a refused write's backoff has not passed: start nothing new.
  bool blocked() const { return !m_queue.empty() || m_timer_armed; }
  // Why, while the store refuses writes; nullopt once it accepted one again.
  std::optional<Stall> stall() const;

private:
  void note_fault(const Error& error, const std::string& what);
  void clear_fault();
  void arm();
  void retry();

  boost::asio::steady_timer m_timer;
  std::function<void()> m_on_resumed;
  std::deque<Write> m_queue;
  std::optional<Stall> m_stall;
  std::chrono::milliseconds m_delay = k_first_delay;
  bool m_timer_armed = false;
};

}  // namespace vhtask::daemon
