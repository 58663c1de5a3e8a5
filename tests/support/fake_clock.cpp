#include "tests/support/fake_clock.h"

namespace vhtask::test {

FakeClock::FakeClock() : m_now(std::chrono::sys_days(std::chrono::year(2026) / 1 / 1)) {}

}  // namespace vhtask::test
