#include "daemon/scheduler.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <cstdlib>
#include <new>
#include <random>
#include <set>
#include <vector>

// Counts live heap blocks, so the test for a 1,000,000-execution task can show the scheduler
// allocates nothing per index. Replacing the global operator new is process-wide; it forwards to
// malloc/free and only adds a counter. Not under AddressSanitizer, which has its own operator new
// and reports a mismatch when a block crosses between the two.
#if defined(__SANITIZE_ADDRESS__)
#define VHTASK_COUNT_ALLOCATIONS 0
#else
#define VHTASK_COUNT_ALLOCATIONS 1
#endif

namespace {
std::atomic<long> g_live_allocations{0};
}  // namespace

#if VHTASK_COUNT_ALLOCATIONS
void* operator new(std::size_t size) {
  void* block = std::malloc(size == 0 ? 1 : size);
  if (block == nullptr) {
    throw std::bad_alloc();
  }
  g_live_allocations.fetch_add(1, std::memory_order_relaxed);
  return block;
}
void operator delete(void* block) noexcept {
  if (block != nullptr) {
    g_live_allocations.fetch_sub(1, std::memory_order_relaxed);
    std::free(block);
  }
}
void operator delete(void* block, std::size_t) noexcept {
  operator delete(block);
}
#endif

namespace vhtask::daemon {
namespace {

using Start = Scheduler::Start;

// The daemon's loop without processes: starts whatever next() offers and finishes executions in
// an order the test chooses, checking the invariants on the way.
class FakeDriver {
public:
  explicit FakeDriver(Scheduler& scheduler) : m_scheduler(scheduler) {}

  // Calls next() until nullopt; returns what started.
  std::vector<Start> pump() {
    std::vector<Start> started;
    while (auto start = m_scheduler.next()) {
      EXPECT_TRUE(m_busy_slots.insert(start->slot).second) << "slot " << start->slot << " twice";
      m_running.push_back(*start);
      started.push_back(*start);
      m_max_running = std::max(m_max_running, m_running.size());
    }
    EXPECT_EQ(m_running.size(), m_scheduler.running_count());
    return started;
  }

  // Finishes the running execution at `position` (0: the oldest).
  Scheduler::TaskProgress finish(std::size_t position = 0) {
    const Start done = m_running.at(position);
    m_running.erase(m_running.begin() + static_cast<std::ptrdiff_t>(position));
    m_busy_slots.erase(done.slot);
    const auto progress = m_scheduler.finished(done.task_id, done.slot);
    EXPECT_TRUE(progress) << progress.error().message;
    return progress ? *progress : Scheduler::TaskProgress::active;
  }

  const std::vector<Start>& running() const { return m_running; }
  std::size_t max_running() const { return m_max_running; }

private:
  Scheduler& m_scheduler;
  std::vector<Start> m_running;
  std::set<Slot> m_busy_slots;
  std::size_t m_max_running = 0;
};

TEST(SchedulerTest, FiveHundredUnderALimitOfEightKeepEightBusy) {
  Scheduler scheduler(8);
  ASSERT_TRUE(scheduler.add_task(1, 500, std::nullopt));
  FakeDriver driver(scheduler);
  std::mt19937 random(7);
  std::vector<ExecutionIndex> order;
  for (auto start : driver.pump()) {
    order.push_back(start.idx);
  }
  while (!driver.running().empty()) {
    // While work is queued, a freed slot is refilled at once: always exactly 8 running.
    if (scheduler.queued_count(1) > 0) {
      EXPECT_EQ(driver.running().size(), 8u);
    }
    for (const auto& start : driver.running()) {
      EXPECT_LT(start.slot, 8);
    }
    driver.finish(random() % driver.running().size());
    for (auto start : driver.pump()) {
      order.push_back(start.idx);
    }
  }
  EXPECT_EQ(driver.max_running(), 8u);
  ASSERT_EQ(order.size(), 500u);
  EXPECT_TRUE(std::is_sorted(order.begin(), order.end()));
  EXPECT_EQ(order.back(), 499);
  EXPECT_FALSE(scheduler.has_task(1));  // drained and forgotten
}

TEST(SchedulerTest, ServesTasksInStartOrderAndRerunsFirst) {
  Scheduler scheduler(2);
  ASSERT_TRUE(scheduler.add_task(10, 3, std::nullopt));
  ASSERT_TRUE(scheduler.add_task(20, 2, std::nullopt));
  ASSERT_TRUE(scheduler.add_rerun(20, 0, 2));  // task 20's rerun still waits for task 10
  FakeDriver driver(scheduler);
  EXPECT_EQ(driver.pump(), (std::vector<Start>{{10, 0, 1, 0}, {10, 1, 1, 1}}));
  ASSERT_TRUE(scheduler.add_rerun(10, 1, 2));
  driver.finish();
  EXPECT_EQ(driver.pump(), (std::vector<Start>{{10, 1, 2, 0}}));  // rerun before index 2
  driver.finish();
  EXPECT_EQ(driver.pump(), (std::vector<Start>{{10, 2, 1, 1}}));
  driver.finish();
  EXPECT_EQ(driver.pump(), (std::vector<Start>{{20, 0, 2, 0}}));
  driver.finish();
  EXPECT_EQ(driver.pump(), (std::vector<Start>{{20, 0, 1, 1}}));
}

TEST(SchedulerTest, PerTaskLimitsLetLaterTasksUseTheRest) {
  Scheduler scheduler(5);
  ASSERT_TRUE(scheduler.add_task(1, 100, 2));
  ASSERT_TRUE(scheduler.add_task(2, 100, 1));
  ASSERT_TRUE(scheduler.add_task(3, 100, std::nullopt));
  FakeDriver driver(scheduler);
  driver.pump();
  EXPECT_EQ(scheduler.running_count(1), 2u);
  EXPECT_EQ(scheduler.running_count(2), 1u);
  EXPECT_EQ(scheduler.running_count(3), 2u);
  EXPECT_EQ(scheduler.capacity(), 0u);

  ASSERT_TRUE(scheduler.set_task_limit(1, 4));
  driver.finish(4);  // one of task 3's: the slot goes to task 1, which comes first
  const auto started = driver.pump();
  ASSERT_EQ(started.size(), 1u);
  EXPECT_EQ(started.front().task_id, 1);
  EXPECT_FALSE(scheduler.set_task_limit(99, 1));
}

TEST(SchedulerTest, LimitChangesWhileRunning) {
  Scheduler scheduler(4);
  ASSERT_TRUE(scheduler.add_task(1, 1000, std::nullopt));
  FakeDriver driver(scheduler);
  EXPECT_EQ(driver.pump().size(), 4u);

  scheduler.set_global_limit(6);
  const auto more = driver.pump();
  ASSERT_EQ(more.size(), 2u);
  EXPECT_EQ(more[0].slot, 4);
  EXPECT_EQ(more[1].slot, 5);

  // Lowering never stops anything; nothing starts until running drops below the new limit.
  scheduler.set_global_limit(2);
  EXPECT_EQ(scheduler.capacity(), 0u);
  for (int i = 0; i < 4; ++i) {
    driver.finish();
    EXPECT_TRUE(driver.pump().empty());
  }
  EXPECT_EQ(driver.running().size(), 2u);
  driver.finish();
  const auto refill = driver.pump();
  ASSERT_EQ(refill.size(), 1u);
  EXPECT_LT(refill.front().slot, 2);  // the freed low slot, not a high one

  scheduler.set_global_limit(0);  // paused
  driver.finish();
  driver.finish();
  EXPECT_TRUE(driver.pump().empty());
  EXPECT_EQ(scheduler.running_count(), 0u);
  scheduler.set_global_limit(3);
  const auto resumed = driver.pump();
  ASSERT_EQ(resumed.size(), 3u);
  EXPECT_EQ(resumed[0].slot, 0);
  EXPECT_EQ(resumed[2].slot, 2);
}

TEST(SchedulerTest, StopDropsTheQueueAndDrainsWhenTheLastOneEnds) {
  Scheduler scheduler(3);
  ASSERT_TRUE(scheduler.add_task(1, 50, std::nullopt));
  ASSERT_TRUE(scheduler.add_task(2, 50, std::nullopt));
  FakeDriver driver(scheduler);
  driver.pump();
  ASSERT_TRUE(scheduler.add_rerun(1, 0, 2));
  EXPECT_EQ(scheduler.stop_task(1).value(), Scheduler::TaskProgress::active);  // 3 still running
  EXPECT_EQ(scheduler.queued_count(1), 0);
  EXPECT_EQ(driver.finish(), Scheduler::TaskProgress::active);
  // The freed slot goes to task 2; task 1 starts nothing more.
  const auto started = driver.pump();
  ASSERT_EQ(started.size(), 1u);
  EXPECT_EQ(started.front().task_id, 2);
  EXPECT_EQ(driver.finish(), Scheduler::TaskProgress::active);
  driver.pump();
  EXPECT_EQ(driver.finish(), Scheduler::TaskProgress::drained);
  EXPECT_FALSE(scheduler.has_task(1));
  EXPECT_EQ(scheduler.stop_task(2).value(), Scheduler::TaskProgress::active);
  EXPECT_FALSE(scheduler.stop_task(1));
}

TEST(SchedulerTest, RejectsMisuse) {
  Scheduler scheduler(2);
  ASSERT_TRUE(scheduler.add_task(1, 5, std::nullopt));
  EXPECT_FALSE(scheduler.add_task(1, 5, std::nullopt));     // twice
  EXPECT_FALSE(scheduler.add_task(2, 5, std::nullopt, 6));  // first index past the end
  EXPECT_FALSE(scheduler.add_rerun(3, 0, 2));               // unknown task
  const auto start = scheduler.next();
  ASSERT_TRUE(start);
  EXPECT_FALSE(scheduler.finished(1, start->slot + 1));  // slot not held
  EXPECT_FALSE(scheduler.finished(2, start->slot));      // held by another task
  EXPECT_TRUE(scheduler.finished(1, start->slot));
  EXPECT_FALSE(scheduler.finished(1, start->slot));  // already freed
}

TEST(SchedulerTest, ResumesATaskFromItsCursorAndWaitsForReruns) {
  Scheduler scheduler(8);
  ASSERT_TRUE(scheduler.add_task(1, 10, std::nullopt, 7));  // after a restart, next_index 7
  ASSERT_TRUE(scheduler.add_task(2, 4, std::nullopt, 4));   // all started: only reruns
  ASSERT_TRUE(scheduler.add_rerun(2, 1, 3));
  EXPECT_EQ(scheduler.queued_count(1), 3);
  FakeDriver driver(scheduler);
  EXPECT_EQ(driver.pump(),
            (std::vector<Start>{{1, 7, 1, 0}, {1, 8, 1, 1}, {1, 9, 1, 2}, {2, 1, 3, 3}}));
}

TEST(SchedulerTest, AdoptedExecutionsHoldTheirSlotsAndCountAgainstLimits) {
  Scheduler scheduler(3);
  ASSERT_TRUE(scheduler.add_task(1, 10, std::nullopt, 5));
  ASSERT_TRUE(scheduler.adopt(1, 2));  // reattached after a restart, still running in slot 2
  EXPECT_FALSE(scheduler.adopt(1, 2));
  EXPECT_FALSE(scheduler.adopt(9, 0));
  EXPECT_EQ(scheduler.running_count(), 1u);
  EXPECT_EQ(scheduler.next(), (Start{1, 5, 1, 0}));
  EXPECT_EQ(scheduler.next(), (Start{1, 6, 1, 1}));
  EXPECT_EQ(scheduler.next(), std::nullopt);  // 3 running: the adopted one counts
  ASSERT_TRUE(scheduler.finished(1, 2));
  EXPECT_EQ(scheduler.next(), (Start{1, 7, 1, 2}));
}

TEST(SchedulerTest, AMillionExecutionTaskUsesConstantMemory) {
  if (!VHTASK_COUNT_ALLOCATIONS) {
    GTEST_SKIP() << "allocations are not counted under AddressSanitizer";
  }
  Scheduler scheduler(8);
  const long before = g_live_allocations.load();
  ASSERT_TRUE(scheduler.add_task(1, 1'000'000, std::nullopt));
  const long after_add = g_live_allocations.load();
  EXPECT_EQ(scheduler.queued_count(1), 1'000'000);
  EXPECT_LT(after_add - before, 8) << "add_task must not allocate per index";

  // Run every execution, finishing in start order; live memory stays flat throughout.
  std::vector<Start> running;
  running.reserve(8);
  long peak = g_live_allocations.load();
  std::int64_t started = 0;
  while (true) {
    while (auto start = scheduler.next()) {
      running.push_back(*start);
      ++started;
    }
    if (running.empty()) {
      break;
    }
    const auto progress = scheduler.finished(running.front().task_id, running.front().slot);
    ASSERT_TRUE(progress);
    running.erase(running.begin());
    peak = std::max(peak, g_live_allocations.load());
  }
  EXPECT_EQ(started, 1'000'000);
  EXPECT_LT(peak - before, 32) << "live allocations grew with the number of executions";
  EXPECT_FALSE(scheduler.has_task(1));
}

TEST(SchedulerTest, GiveBackOffersTheSameStartAgainWithoutDrainingTheTask) {
  Scheduler scheduler(2);
  ASSERT_TRUE(scheduler.add_task(1, 2, std::nullopt));
  const auto first = scheduler.next();
  const auto last = scheduler.next();
  ASSERT_TRUE(first && last);
  // The last index handed out, when nothing else is queued: the task must not be forgotten.
  ASSERT_TRUE(scheduler.give_back(*last, true));
  EXPECT_TRUE(scheduler.has_task(1));
  EXPECT_EQ(scheduler.queued_count(1), 1);
  EXPECT_EQ(scheduler.running_count(), 1u);
  EXPECT_EQ(scheduler.next(), last);
  // Not the last fresh one: refused, nothing changes.
  EXPECT_FALSE(scheduler.give_back(*first, true));
  EXPECT_EQ(scheduler.running_count(), 2u);
  // As a rerun of its index (an execution that must start again, same attempt).
  ASSERT_TRUE(scheduler.give_back(*first, false));
  EXPECT_EQ(scheduler.next(), (Scheduler::Start{1, 0, 1, 0}));
  // A slot the task does not hold: refused, and the queue is as it was.
  EXPECT_FALSE(scheduler.give_back(Scheduler::Start{1, 0, 1, 7}, false));
  EXPECT_EQ(scheduler.queued_count(1), 0);
}

}  // namespace
}  // namespace vhtask::daemon
