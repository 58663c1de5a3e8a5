#pragma once

// FakeClock: a clock that stands still until the test moves it, for engine unit tests that
// assert the timestamps the engine records (Engine::Clock). Starts at a fixed, whole-second
// instant, so recorded ISO-8601 text is predictable. Owned by one test; one thread.

#include "common/protocol/timestamp.h"

#include <chrono>
#include <functional>

namespace vhtask::test {

class FakeClock {
public:
  // 2026-01-01T00:00:00.000Z.
  FakeClock();

  Timestamp now() const { return m_now; }
  void advance(std::chrono::milliseconds by) { m_now += by; }

  // A callable reading this clock (for Engine::Clock and FakeProcessRunner::clock); the clock
  // must outlive it.
  std::function<Timestamp()> function() const {
    return [this] { return m_now; };
  }

private:
  Timestamp m_now;
};

}  // namespace vhtask::test
