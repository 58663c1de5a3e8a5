#pragma once

// Waiting for a condition in tests without fixed sleeps: poll a predicate until it holds or a
// deadline passes, or run an io_context until it does. Header-only; call from the test's thread.

#include <boost/asio/io_context.hpp>

#include <algorithm>
#include <chrono>
#include <thread>

namespace vhtask::test {

// Checks `done` every few milliseconds; true once it holds, false if `timeout` passed first.
template <class Predicate>
bool wait_until(Predicate done, std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!done()) {
    if (std::chrono::steady_clock::now() >= deadline) {
      return false;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  return true;
}

// Runs io's handlers until `done` holds (true) or `timeout` passes (false). Returns as soon as
// a handler makes the predicate true; idle time is spent waiting inside the io_context.
template <class Predicate>
bool run_until(boost::asio::io_context& io, Predicate done, std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!done()) {
    const auto now = std::chrono::steady_clock::now();
    if (now >= deadline) {
      return false;
    }
    if (io.stopped()) {
      io.restart();
    }
    const auto slice = std::min<std::chrono::steady_clock::duration>(deadline - now,
                                                                     std::chrono::milliseconds(50));
    if (io.run_one_for(slice) == 0 && io.stopped()) {
      std::this_thread::sleep_for(std::chrono::milliseconds(5));  // no work queued at all
    }
  }
  return true;
}

}  // namespace vhtask::test
