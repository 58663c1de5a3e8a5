// Engine unit tests: recovery after a restart (reattached, ended while no daemon ran, lost,
// never spawned) and stop-conditions (the task's and the step's), driven by metadata in the
// executions' logs. Same fixture as engine_test.cpp: real Store, FakeProcessRunner, FakeClock.

#include "supervisor/execution_files.h"
#include "tests/unit/daemon/engine_fixture.h"

#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <vector>

namespace vhtask::daemon::engine_test {
namespace {

using namespace std::chrono_literals;

class EngineRecoverTest : public EngineTest {
protected:
  // Starts a task of `count` on this engine, then "restarts the daemon": a new engine and runner
  // on the same store, with the executions still recorded started. Returns their ids.
  std::vector<ExecutionId> start_and_restart(int count, TaskId* id = nullptr) {
    const TaskId task_id = start(count);
    if (id != nullptr) {
      *id = task_id;
    }
    std::vector<ExecutionId> ids = live();
    drive();
    open();
    return ids;
  }

  void spawned(ExecutionId id) {
    write_file(exec_dir(id) / supervisor::execution_files::k_supervisor_log, "");
  }

  // The outcome a supervisor wrote while no daemon ran.
  void ended_on_disk(ExecutionId id, int code) {
    spawned(id);
    write_file(exec_dir(id) / supervisor::execution_files::k_status_json,
               "{\"exit_code\": " + std::to_string(code) +
                   ", \"signal\": null, \"reason\": null, \"stop_requested\": false, "
                   "\"started_at\": \"2026-01-01T00:00:00.000Z\", "
                   "\"finished_at\": \"2026-01-01T00:00:01.500Z\"}\n");
  }

  void recover() {
    const auto recovered = m_engine->recover();
    ASSERT_TRUE(recovered) << recovered.error().message;
    drive();
  }
};

TEST_F(EngineRecoverTest, AnExecutionStillRunningIsWatchedAgain) {
  TaskId id = 0;
  const auto ids = start_and_restart(1, &id);
  m_runner->reattach_result = true;
  recover();
  EXPECT_EQ(m_engine->running(), 1U);
  EXPECT_EQ(row(ids[0]).state, ExecutionState::started);
  EXPECT_EQ(task(id).state, TaskState::running);
  m_clock.advance(4s);
  exit(ids[0], 0);
  EXPECT_EQ(row(ids[0]).state, ExecutionState::complete);
  EXPECT_EQ(row(ids[0]).finished_at, stamp());
  EXPECT_EQ(task(id).state, TaskState::complete);
  EXPECT_EQ(task(id).finished_at, stamp());
  EXPECT_TRUE(m_runner->started().empty()) << "nothing ran twice";
}

TEST_F(EngineRecoverTest, AnExecutionThatEndedMeanwhileIsRecordedFromItsOutcome) {
  TaskId id = 0;
  const auto ids = start_and_restart(2, &id);
  ended_on_disk(ids[0], 0);
  ended_on_disk(ids[1], 9);
  m_clock.advance(1min);
  recover();
  EXPECT_EQ(row(ids[0]).state, ExecutionState::complete);
  EXPECT_EQ(row(ids[0]).finished_at, "2026-01-01T00:00:01.500Z") << "the supervisor's time";
  EXPECT_EQ(row(ids[1]).state, ExecutionState::error);
  EXPECT_EQ(row(ids[1]).exit_code, 9);
  EXPECT_EQ(task(id).state, TaskState::complete);
  EXPECT_EQ(task(id).finished_at, stamp());
  EXPECT_TRUE(m_runner->started().empty());
}

TEST_F(EngineRecoverTest, AnExecutionNothingIsKnownOfIsRecordedCrashed) {
  TaskId id = 0;
  const auto ids = start_and_restart(2, &id);
  spawned(ids[0]);
  spawned(ids[1]);
  m_runner->reattach_answers.emplace(ids[1], Error::io("supervisor.json is unreadable"));
  m_clock.advance(1min);
  recover();
  EXPECT_EQ(row(ids[0]).state, ExecutionState::crashed);
  EXPECT_EQ(row(ids[0]).reason,
            "the daemon restarted and the execution's outcome could not be recovered");
  EXPECT_EQ(row(ids[0]).finished_at, stamp());
  EXPECT_EQ(row(ids[1]).state, ExecutionState::crashed);
  EXPECT_NE(row(ids[1]).reason.value_or("").find("supervisor.json is unreadable"),
            std::string::npos)
      << row(ids[1]).reason.value_or("");
  EXPECT_EQ(task(id).state, TaskState::complete) << "continue-and-complete";
}

TEST_F(EngineRecoverTest, AnExecutionThatNeverSpawnedStartsAgainAsTheSameAttempt) {
  TaskId id = 0;
  const auto ids = start_and_restart(1, &id);  // no supervisor.log: it never ran
  m_clock.advance(1min);
  recover();
  ASSERT_EQ(m_runner->started().size(), 1U);
  EXPECT_EQ(m_runner->started()[0].id, ids[0]);
  EXPECT_TRUE(m_runner->started()[0].reuse_dir);
  const auto again = row(ids[0]);
  EXPECT_EQ(again.state, ExecutionState::started);
  EXPECT_EQ(again.attempt, 1);
  EXPECT_EQ(again.started_at, stamp());
  EXPECT_EQ(rows(id).size(), 1U);
  exit(ids[0], 0);
  EXPECT_EQ(task(id).state, TaskState::complete);
}

TEST_F(EngineRecoverTest, QueuedIndicesOfAResumedTaskStart) {
  TaskId id = 0;
  const auto ids = start_and_restart(4, &id);
  m_runner->reattach_result = true;
  recover();
  EXPECT_EQ(m_engine->running(), 2U);
  exit(ids[0], 0);
  exit(ids[1], 0);
  ASSERT_EQ(m_runner->started().size(), 2U) << "indices 2 and 3";
  EXPECT_EQ(row(m_runner->started()[0].id).idx, 2);
  exit(m_runner->started()[0].id, 0);
  exit(m_runner->started()[1].id, 0);
  EXPECT_EQ(task(id).state, TaskState::complete);
  EXPECT_EQ(rows(id).size(), 4U);
}

TEST_F(EngineRecoverTest, AQueuedFirstAttemptThatWasNeverHandedOverStartsFromItsRow) {
  // Recorded queued for a runner that starts later; the daemon died before it was submitted.
  m_runner->starts_later_result = true;
  TaskId id = 0;
  const auto ids = start_and_restart(1, &id);
  ASSERT_EQ(row(ids[0]).state, ExecutionState::queued);
  recover();
  ASSERT_EQ(m_runner->started().size(), 1U);
  EXPECT_EQ(m_runner->started()[0].id, ids[0]);
  EXPECT_EQ(row(ids[0]).state, ExecutionState::started);
  EXPECT_EQ(rows(id).size(), 1U);
  exit(ids[0], 0);
  EXPECT_EQ(task(id).state, TaskState::complete);
}

TEST_F(EngineTest, ATaskStopConditionMetByAnExecutionStopsTheTask) {
  const TaskId id = start(4, "stop-condition: metadata.loss < 0.1\n");
  const auto running = live();
  write_file(exec_dir(running[0]) / "output.log", "{\"loss\": 0.5}\n");
  exit(running[0], 0);
  EXPECT_EQ(task(id).state, TaskState::running) << "0.5 does not meet it";
  const ExecutionId next = live().back();
  write_file(exec_dir(next) / "output.log", "training\n{\"loss\": 0.05}\n");
  m_clock.advance(2s);
  exit(next, 0);
  const auto ended = task(id);
  EXPECT_EQ(ended.state, TaskState::stopped);
  const std::string reason =
      "stop-condition `metadata.loss < 0.1` met by execution " + std::to_string(next);
  EXPECT_EQ(ended.reason, reason);
  EXPECT_EQ(ended.stop_reason, reason);
  EXPECT_EQ(ended.finished_at, stamp());
  EXPECT_EQ(m_runner->stops(), std::vector<ExecutionId>{running[1]});
  EXPECT_EQ(row(running[1]).state, ExecutionState::stopped);
  EXPECT_EQ(rows(id).size(), 3U) << "index 3 never started";
  EXPECT_EQ(ended_events(id), 1);
}

TEST_F(EngineTest, AStepStopConditionMarksTheExecutionAloneAndTheTaskGoesOn) {
  const std::string yaml = std::string(k_yaml) + "    stop-condition: metadata.loss < 0.1\n";
  auto started = m_engine->start(request(3, "", yaml));
  ASSERT_TRUE(started) << started.error().message;
  drive();
  const auto running = live();
  write_file(exec_dir(running[0]) / "output.log", "{\"loss\": 0.01}\n");
  exit(running[0], 0);
  const auto met = row(running[0]);
  EXPECT_TRUE(met.condition_met);
  EXPECT_EQ(met.reason, "step stop-condition `metadata.loss < 0.1` met");
  EXPECT_FALSE(row(running[1]).condition_met);
  EXPECT_EQ(task(started->task).state, TaskState::running);
  EXPECT_EQ(live().size(), 2U) << "index 2 started";
  exit(live().at(0), 0);
  exit(live().at(0), 0);
  EXPECT_EQ(task(started->task).state, TaskState::complete);
  // It exited before a stop could reach it: its outcome is its exit, the mark stays.
  EXPECT_EQ(row(running[0]).state, ExecutionState::complete);
  EXPECT_TRUE(row(running[0]).condition_met);
}

}  // namespace
}  // namespace vhtask::daemon::engine_test
