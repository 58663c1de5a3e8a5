// Engine unit tests: start, exits, stops, reruns and limits, on a real Store with a
// FakeProcessRunner and a FakeClock (engine_fixture.h). Executions end only when a test ends
// them, and every timestamp the engine records is the fake clock's. Nothing here waits.

#include "tests/unit/daemon/engine_fixture.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <string>
#include <vector>

namespace vhtask::daemon::engine_test {
namespace {

using namespace std::chrono_literals;

TEST_F(EngineTest, StartRecordsTheTaskAndLaunchesWhatTheLimitAllows) {
  const std::string at = stamp();
  const TaskId id = start(3);
  const auto record = task(id);
  EXPECT_EQ(record.state, TaskState::running);
  EXPECT_EQ(record.created_at, at);
  EXPECT_EQ(record.spec.count, 3);
  EXPECT_EQ(record.spec.step, "s");
  EXPECT_EQ(record.spec.executor, "local");
  EXPECT_EQ(record.next_index, 2);

  ASSERT_EQ(m_runner->started().size(), 2U);
  const auto all = rows(id);
  ASSERT_EQ(all.size(), 2U);
  for (std::size_t i = 0; i < all.size(); ++i) {
    const auto& row = all[i];
    const auto& spec = m_runner->started()[i];
    EXPECT_EQ(spec.id, row.id);
    EXPECT_EQ(row.idx, static_cast<ExecutionIndex>(i));
    EXPECT_EQ(row.state, ExecutionState::started);
    EXPECT_EQ(row.created_at, at);
    EXPECT_EQ(row.started_at, at);
    EXPECT_EQ(row.pid, 4000 + static_cast<std::int64_t>(i));
    EXPECT_EQ(row.slot, static_cast<Slot>(i));
    EXPECT_EQ(row.log_path, exec_dir(row.id).string() + "/output.log");
    EXPECT_EQ(row.command, "echo " + std::to_string(i));
    EXPECT_EQ(row.parameters_json, "{\"i\":" + std::to_string(i) + "}");
    EXPECT_EQ(spec.command, row.command);
    EXPECT_EQ(spec.parameters_json, row.parameters_json);
    EXPECT_EQ(spec.exec_dir, exec_dir(row.id).string());
    EXPECT_EQ(spec.cwd, "/tmp");
    EXPECT_EQ(spec.slot, row.slot);
    EXPECT_FALSE(spec.reuse_dir);
  }
  EXPECT_EQ(m_engine->running(), 2U);
  EXPECT_EQ(m_engine->queued(), 1);
}

TEST_F(EngineTest, AStartThatFailsValidationRecordsNothing) {
  auto bad_yaml = request(2, "", "- step:\n    name: s\n    command: [\n");
  EXPECT_FALSE(m_engine->start(bad_yaml));
  auto no_step = request(2);
  no_step.inputs.step = "missing";
  const auto missing = m_engine->start(no_step);
  ASSERT_FALSE(missing);
  EXPECT_NE(missing.error().message.find("no step 'missing'"), std::string::npos)
      << missing.error().message;
  drive();
  EXPECT_TRUE(m_store->list_tasks()->empty());
  EXPECT_TRUE(m_runner->started().empty());
  EXPECT_TRUE(m_events.empty());
}

TEST_F(EngineTest, ALaunchIsOneStoreWriteThenThePid) {
  std::vector<std::string> writes;
  m_store->set_fault_hook([&](std::string_view sql) {
    if (sql.find("executions") != std::string_view::npos) {
      writes.emplace_back(sql);
    }
    return 0;
  });
  start(1);
  ASSERT_EQ(writes.size(), 2U) << "the row with its log path, then its pid";
  EXPECT_EQ(writes[0].rfind("INSERT INTO executions", 0), 0U) << writes[0];
  EXPECT_NE(writes[1].find("SET pid = ?"), std::string::npos) << writes[1];
}

TEST_F(EngineTest, ARunnerThatStartsLaterGetsAQueuedRowInOneWrite) {
  m_runner->starts_later_result = true;
  std::vector<std::string> writes;
  m_store->set_fault_hook([&](std::string_view sql) {
    if (sql.find("executions") != std::string_view::npos) {
      writes.emplace_back(sql);
    }
    return 0;
  });
  const TaskId id = start(1);
  ASSERT_EQ(writes.size(), 1U) << "no requeue write, no pid";
  EXPECT_EQ(writes[0].rfind("INSERT INTO executions", 0), 0U) << writes[0];
  const auto queued = rows(id).at(0);
  EXPECT_EQ(queued.state, ExecutionState::queued);
  EXPECT_EQ(queued.pid, std::nullopt);
  EXPECT_EQ(queued.started_at, std::nullopt);
  EXPECT_EQ(queued.slot, std::nullopt);
  EXPECT_EQ(queued.log_path, exec_dir(queued.id).string() + "/output.log");

  m_clock.advance(5s);
  m_runner->start_command(queued.id);
  drive();
  const auto started = row(queued.id);
  EXPECT_EQ(started.state, ExecutionState::started);
  EXPECT_EQ(started.started_at, stamp());
  m_clock.advance(1s);
  exit(queued.id, 0);
  EXPECT_EQ(row(queued.id).state, ExecutionState::complete);
  EXPECT_EQ(row(queued.id).finished_at, stamp());
  EXPECT_EQ(task(id).state, TaskState::complete);
}

TEST_F(EngineTest, ExitsAreRecordedAndTheTaskEndsOnceWhenTheLastOneDoes) {
  const TaskId id = start(3, "on-child-error: continue-and-error\n");
  const auto first = live();
  ASSERT_EQ(first.size(), 2U);
  m_clock.advance(2s);
  exit(first[0], 0);
  auto done = row(first[0]);
  EXPECT_EQ(done.state, ExecutionState::complete);
  EXPECT_EQ(done.exit_code, 0);
  EXPECT_EQ(done.finished_at, stamp());
  ASSERT_EQ(live().size(), 2U) << "its slot went to index 2";
  EXPECT_EQ(row(live()[1]).started_at, stamp());
  EXPECT_EQ(row(live()[1]).slot, 0);

  m_clock.advance(1s);
  exit(first[1], 3);
  EXPECT_EQ(row(first[1]).state, ExecutionState::error);
  EXPECT_EQ(row(first[1]).exit_code, 3);
  EXPECT_EQ(ended_events(id), 0);
  EXPECT_EQ(task(id).state, TaskState::running);

  const ExecutionId last = live().at(0);
  runner::RunOutcome crashed;
  crashed.state = ExecutionState::crashed;
  crashed.reason = "the supervisor vanished";
  crashed.finished_at = m_clock.now();
  m_runner->finish(last, crashed);
  drive();
  EXPECT_EQ(row(last).state, ExecutionState::crashed);
  EXPECT_EQ(row(last).reason, "the supervisor vanished");
  const auto ended = task(id);
  EXPECT_EQ(ended.state, TaskState::error);
  EXPECT_EQ(ended.reason, "an execution failed (on-child-error: continue-and-error)");
  EXPECT_EQ(ended.finished_at, stamp());
  EXPECT_EQ(ended_events(id), 1);
  // Listeners heard of every execution's start and end (what `wait` and `status --watch` use).
  for (const ExecutionId e : {first[0], first[1], last}) {
    EXPECT_GE(std::count_if(m_events.begin(), m_events.end(),
                            [&](const EngineEvent& ev) { return ev.execution == e; }),
              2)
        << "execution " << e;
  }
  EXPECT_EQ(m_engine->running(), 0U);
}

TEST_F(EngineTest, AFailureUnderStopAllAndErrorStopsTheRest) {
  const TaskId id = start(4, "on-child-error: stop-all-and-error\n");
  const auto first = live();
  exit(first[0], 1);
  EXPECT_EQ(m_runner->stops(), std::vector<ExecutionId>{first[1]});
  const auto ended = task(id);
  EXPECT_EQ(ended.state, TaskState::error);
  EXPECT_NE(ended.reason.value_or("").find("stop-all-and-error"), std::string::npos);
  EXPECT_EQ(row(first[1]).state, ExecutionState::stopped);
  EXPECT_EQ(rows(id).size(), 2U) << "nothing more started";
  EXPECT_EQ(ended_events(id), 1);
}

TEST_F(EngineTest, StopTaskDropsTheQueueAndStopsWhatRuns) {
  const TaskId id = start(5);
  const auto running = live();
  m_clock.advance(3s);
  const auto stopped = m_engine->stop_task(id);
  ASSERT_TRUE(stopped) << stopped.error().message;
  EXPECT_EQ(*stopped, 5);
  drive();
  EXPECT_EQ(m_runner->stops(), running);
  for (const ExecutionId e : running) {
    EXPECT_EQ(row(e).state, ExecutionState::stopped);
    EXPECT_EQ(row(e).finished_at, stamp());
  }
  const auto ended = task(id);
  EXPECT_EQ(ended.state, TaskState::stopped);
  EXPECT_EQ(ended.reason, "stopped by request");
  EXPECT_EQ(ended.finished_at, stamp());
  EXPECT_EQ((*m_store->task_counts(id))[ExecutionState::stopped], 5);
  EXPECT_EQ(ended_events(id), 1);
  EXPECT_EQ(*m_engine->stop_task(id), 0) << "an ended task";
  EXPECT_FALSE(m_engine->stop_task(999)) << "an unknown task";
}

TEST_F(EngineTest, StopExecutionsStopsOneAndTheTaskGoesOn) {
  const TaskId id = start(3);
  const auto running = live();
  const auto stopped = m_engine->stop_executions({running[0]});
  ASSERT_TRUE(stopped) << stopped.error().message;
  EXPECT_EQ(*stopped, 1);
  EXPECT_EQ(row(running[0]).state, ExecutionState::stopping);
  EXPECT_EQ(row(running[0]).reason, "stopped by request");
  drive();
  EXPECT_EQ(row(running[0]).state, ExecutionState::stopped);
  EXPECT_EQ(live().size(), 2U) << "index 2 took its slot";
  EXPECT_EQ(task(id).state, TaskState::running);
  EXPECT_EQ(*m_engine->stop_executions({running[0]}), 0) << "ended already";
}

TEST_F(EngineTest, ARerunIsANewAttemptThatReopensAnEndedTask) {
  const TaskId id = start(1);
  const ExecutionId original = live().at(0);
  exit(original, 2);
  ASSERT_EQ(task(id).state, TaskState::complete);
  m_clock.advance(10s);
  // A global limit of 0 keeps the rerun queued, so it can be stopped before it runs.
  ASSERT_TRUE(m_engine->set_parallel(std::nullopt, 0));
  const auto reruns = m_engine->rerun({original});
  ASSERT_TRUE(reruns) << reruns.error().message;
  ASSERT_EQ(reruns->size(), 1U);
  const ExecutionId again = reruns->at(0).id;
  EXPECT_EQ(row(again).attempt, 2);
  EXPECT_EQ(row(again).state, ExecutionState::queued);
  EXPECT_EQ(row(again).created_at, stamp());
  EXPECT_EQ(task(id).state, TaskState::running);
  EXPECT_EQ(m_engine->queued(), 1);

  ASSERT_TRUE(m_engine->set_parallel(std::nullopt, 1));
  drive();
  ASSERT_EQ(live(), std::vector<ExecutionId>{again});
  const auto launched = row(again);
  EXPECT_EQ(launched.state, ExecutionState::started);
  EXPECT_EQ(launched.started_at, stamp());
  EXPECT_EQ(launched.command, row(original).command);
  EXPECT_EQ(launched.pid, 4001);
  EXPECT_TRUE(m_runner->started().back().reuse_dir);
  exit(again, 0);
  EXPECT_EQ(row(again).state, ExecutionState::complete);
  EXPECT_EQ(task(id).state, TaskState::complete);
  EXPECT_EQ(ended_events(id), 2);
}

TEST_F(EngineTest, AQueuedRerunThatIsStoppedNeverRuns) {
  const TaskId id = start(1);
  exit(live().at(0), 1);
  ASSERT_TRUE(m_engine->set_parallel(std::nullopt, 0));
  const ExecutionId again = m_engine->rerun({rows(id).at(0).id})->at(0).id;
  m_clock.advance(1s);
  EXPECT_EQ(*m_engine->stop_executions({again}), 1);
  EXPECT_EQ(row(again).state, ExecutionState::stopped);
  EXPECT_EQ(row(again).finished_at, stamp());
  ASSERT_TRUE(m_engine->set_parallel(std::nullopt, 2));
  drive();
  EXPECT_TRUE(live().empty());
  EXPECT_EQ(m_runner->started().size(), 1U);
  EXPECT_TRUE(is_terminal(task(id).state));
}

TEST_F(EngineTest, RerunFailedRerunsTheIndicesWhoseNewestAttemptFailed) {
  const TaskId id = start(3);
  exit(live().at(0), 0);
  exit(live().at(0), 1);
  exit(live().at(0), 0);
  ASSERT_EQ(task(id).state, TaskState::complete);
  const auto reruns = m_engine->rerun_failed(id);
  ASSERT_TRUE(reruns) << reruns.error().message;
  ASSERT_EQ(reruns->size(), 1U);
  EXPECT_EQ(reruns->at(0).idx, 1);
  drive();
  exit(reruns->at(0).id, 0);
  EXPECT_TRUE(m_engine->rerun_failed(id)->empty()) << "no newest attempt failed any more";
  EXPECT_FALSE(m_engine->rerun_failed(999));
}

TEST_F(EngineTest, SetParallelChangesTheGlobalAndTheTaskLimitAtOnce) {
  open(1);
  const TaskId id = start(6);
  EXPECT_EQ(live().size(), 1U);
  ASSERT_TRUE(m_engine->set_parallel(std::nullopt, 3));
  EXPECT_EQ(m_engine->global_limit(), 3U);
  EXPECT_EQ(live().size(), 3U);
  ASSERT_TRUE(m_engine->set_parallel(id, 1));
  EXPECT_EQ(task(id).spec.parallel, 1);
  EXPECT_EQ(live().size(), 3U) << "a lower limit stops nothing";
  exit(live().at(0), 0);
  exit(live().at(0), 0);
  EXPECT_EQ(live().size(), 1U);
  exit(live().at(0), 0);
  EXPECT_EQ(live().size(), 1U) << "one at a time now";
  EXPECT_FALSE(m_engine->set_parallel(999, 1)) << "an unknown task";
}

}  // namespace
}  // namespace vhtask::daemon::engine_test
