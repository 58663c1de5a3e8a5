#include "daemon/pending_writes.h"

#include "daemon/store/store_fault.h"

#include <spdlog/spdlog.h>

#include <algorithm>

namespace vhtask::daemon {

PendingWrites::PendingWrites(boost::asio::io_context& io, std::function<void()> on_resumed)
    : m_timer(io), m_on_resumed(std::move(on_resumed)) {}

void PendingWrites::submit(Write write) {
  if (!blocked()) {
    auto applied = write.apply();
    if (applied) {
      write.then();
      return;
    }
    if (!store::transient_store_fault(applied.error())) {
      write.failed(applied.error());
      return;
    }
    note_fault(applied.error(), write.what);
  }
  // Behind the ones waiting: writes reach the store in the order they were made.
  m_queue.push_back(std::move(write));
  arm();
}

bool PendingWrites::refused(const Error& error) {
  if (!store::transient_store_fault(error)) {
    return false;
  }
  note_fault(error, "record the start of an execution");
  arm();
  return true;
}

void PendingWrites::accepted() {
  if (m_queue.empty()) {
    clear_fault();
  }
}

std::optional<Stall> PendingWrites::stall() const {
  if (!m_stall) {
    return std::nullopt;
  }
  Stall stall = *m_stall;
  stall.pending_writes = m_queue.size();
  return stall;
}

void PendingWrites::note_fault(const Error& error, const std::string& what) {
  const auto fault = store::transient_store_fault(error);
  const std::string reason(describe(fault.value_or(store::StoreFault::io)));
  if (!m_stall) {
    spdlog::warn("the database refused to {}: {}; retrying with backoff", what, error.message);
    m_stall = Stall{reason, std::chrono::system_clock::now(), 0};
  } else {
    spdlog::debug("still refused ({}): {}", what, error.message);
    m_stall->reason = reason;
  }
}

void PendingWrites::clear_fault() {
  if (m_stall) {
    const auto stalled = std::chrono::system_clock::now() - m_stall->since;
    spdlog::info("the database accepts writes again, after {} ms",
                 std::chrono::duration_cast<std::chrono::milliseconds>(stalled).count());
    m_stall.reset();
  }
  m_delay = k_first_delay;
}

void PendingWrites::arm() {
  if (m_timer_armed) {
    return;
  }
  m_timer_armed = true;
  m_timer.expires_after(m_delay);
  m_delay = std::min(m_delay * 2, k_max_delay);
  m_timer.async_wait([this](const boost::system::error_code& ec) {
    if (ec == boost::asio::error::operation_aborted) {
      return;  // the Engine (and so this object) is going away
    }
    m_timer_armed = false;
    retry();
  });
}

void PendingWrites::retry() {
  while (!m_queue.empty()) {
    auto applied = m_queue.front().apply();
    if (!applied && store::transient_store_fault(applied.error())) {
      note_fault(applied.error(), m_queue.front().what);
      arm();
      return;
    }
    Write write = std::move(m_queue.front());
    m_queue.pop_front();
    if (applied) {
      if (m_queue.empty()) {
        clear_fault();
      }
      write.then();  // may submit more: they join the queue's end (still blocked until empty)
    } else {
      write.failed(applied.error());
    }
  }
  m_on_resumed();
}

}  // namespace vhtask::daemon
