#include "daemon/store/store.h"

#include "daemon/store/migrations.h"
#include "tests/unit/daemon/store/store_fixture.h"

#include <gtest/gtest.h>

#include <chrono>
#include <fstream>
#include <sys/stat.h>

namespace vhtask::daemon::test {
namespace {

TEST_F(StoreTest, MigratesANewFileToTheLatestSchema) {
  EXPECT_EQ(store().schema_version(), store::latest_schema_version());
  EXPECT_GE(store::latest_schema_version(), 1);
  EXPECT_TRUE(store().integrity_check());
  RawDb raw(db_path());
  EXPECT_EQ(raw.text("PRAGMA user_version"), std::to_string(store::latest_schema_version()));
  EXPECT_EQ(raw.text("PRAGMA journal_mode"), "wal");
  EXPECT_EQ(raw.text("SELECT count(*) FROM sqlite_master WHERE name IN "
                     "('tasks', 'executions', 'latest_executions')"),
            "3");
}

TEST_F(StoreTest, ReopeningKeepsDataAndVersion) {
  const auto task = store().create_task(sample_task(3), at());
  ASSERT_TRUE(task);
  reopen();
  EXPECT_EQ(store().schema_version(), store::latest_schema_version());
  const auto again = store().task_by_id(task->id);
  ASSERT_TRUE(again) << again.error().message;
  EXPECT_EQ(again->spec.valohai_yaml, sample_task(3).valohai_yaml);
  EXPECT_EQ(again->spec.git_commit, sample_task(3).git_commit);
  EXPECT_EQ(again->created_at, "2024-05-01T12:00:00.000Z");
}

TEST_F(StoreTest, TheDatabaseAndItsWalAre0600WhateverTheUmask) {
  m_store.reset();
  const std::string path = (m_dir.path() / "fresh.db").string();
  const mode_t old_mask = ::umask(0);
  auto fresh = store::Store::open(path);
  ::umask(old_mask);
  ASSERT_TRUE(fresh) << fresh.error().message;
  ASSERT_TRUE(fresh->create_task(sample_task(1), at()));  // the -wal and -shm exist now
  for (const char* suffix : {"", "-wal", "-shm"}) {
    struct stat st {};
    ASSERT_EQ(::stat((path + suffix).c_str(), &st), 0) << suffix;
    EXPECT_EQ(st.st_mode & 0777, 0600u) << path << suffix;
  }
}

TEST_F(StoreTest, RefusesADatabaseNewerThanTheBinary) {
  m_store.reset();
  RawDb(db_path()).exec("PRAGMA user_version = 99");
  const auto store = store::Store::open(db_path());
  ASSERT_FALSE(store);
  EXPECT_EQ(store.error().code, Error::Code::db);
  EXPECT_NE(store.error().message.find("schema version 99"), std::string::npos)
      << store.error().message;
  EXPECT_NE(store.error().message.find("version " + std::to_string(store::latest_schema_version())),
            std::string::npos)
      << store.error().message;
  EXPECT_EQ(RawDb(db_path()).text("PRAGMA user_version"), "99");
}

TEST_F(StoreTest, RefusesAFileThatIsNotADatabase) {
  const auto path = m_dir.write("junk.db", std::string(4096, 'x'));
  const auto store = store::Store::open(path);
  ASSERT_FALSE(store);
  EXPECT_NE(store.error().message.find(path), std::string::npos) << store.error().message;
}

TEST_F(StoreTest, AMillionExecutionTaskIsOneRowAndStartsFast) {
  const auto begin = std::chrono::steady_clock::now();
  const auto task = store().create_task(sample_task(1'000'000), at());
  ASSERT_TRUE(task);
  const auto counts = store().task_counts(task->id);
  const auto elapsed = std::chrono::steady_clock::now() - begin;
  ASSERT_TRUE(counts);
  EXPECT_EQ((*counts)[ExecutionState::queued], 1'000'000);
  EXPECT_EQ(counts->total(), 1'000'000);
  EXPECT_EQ(RawDb(db_path()).text("SELECT count(*) FROM executions"), "0");
  EXPECT_LT(elapsed, std::chrono::milliseconds(500));
}

TEST_F(StoreTest, StartingAdvancesTheCursorInOrder) {
  const auto task = task_with_started(5, 2);
  const auto record = store().task_by_id(task);
  ASSERT_TRUE(record);
  EXPECT_EQ(record->next_index, 2);

  const auto skipped = store().insert_execution_started(sample_start(task, 3));
  ASSERT_FALSE(skipped);
  EXPECT_EQ(skipped.error().code, Error::Code::invalid_argument);
  // The failed start rolled back: no row, cursor unchanged.
  EXPECT_EQ(RawDb(db_path()).text("SELECT count(*) FROM executions"), "2");
  EXPECT_EQ(store().task_by_id(task)->next_index, 2);

  const auto started = store().insert_execution_started(sample_start(task, 2));
  ASSERT_TRUE(started);
  EXPECT_EQ(started->attempt, 1);
  EXPECT_EQ(started->state, ExecutionState::started);
  EXPECT_EQ(started->pid, 1002);
  EXPECT_EQ(started->slot, 2);
  EXPECT_EQ(started->started_at, "2024-05-01T12:00:00.000Z");
}

TEST_F(StoreTest, CountsUseTheNewestAttemptAndDeriveTheQueue) {
  const auto task = task_with_started(10, 4);
  const auto rows = store().executions_of_task(task);
  ASSERT_TRUE(rows);
  ASSERT_EQ(rows->size(), 4u);
  ASSERT_TRUE(store().finish_execution((*rows)[0].id, exited(0)));
  ASSERT_TRUE(store().finish_execution((*rows)[1].id, exited(2)));
  store::ExecutionOutcome killed;
  killed.state = ExecutionState::error;
  killed.signal = 9;
  killed.finished_at = at(2);
  ASSERT_TRUE(store().finish_execution((*rows)[2].id, killed));

  auto counts = store().task_counts(task);
  ASSERT_TRUE(counts);
  EXPECT_EQ((*counts)[ExecutionState::complete], 1);
  EXPECT_EQ((*counts)[ExecutionState::error], 2);
  EXPECT_EQ((*counts)[ExecutionState::started], 1);
  EXPECT_EQ((*counts)[ExecutionState::queued], 6);
  EXPECT_EQ(counts->total(), 10);

  // Rerunning the failed index 1 counts it as queued again, not twice.
  ASSERT_TRUE(store().request_rerun(task, 1, at(3)));
  counts = store().task_counts(task);
  EXPECT_EQ((*counts)[ExecutionState::error], 1);
  EXPECT_EQ((*counts)[ExecutionState::queued], 7);
  EXPECT_EQ(counts->total(), 10);
}

TEST_F(StoreTest, RerunsAreNewRowsWithTheNextAttempt) {
  const auto task = task_with_started(5, 4);
  const auto first = store().attempts_of(task, 3);
  ASSERT_TRUE(first);
  ASSERT_EQ(first->size(), 1u);

  // Not while the first attempt is still running.
  EXPECT_FALSE(store().request_rerun(task, 3, at(1)));
  ASSERT_TRUE(store().finish_execution(first->front().id, exited(1)));
  EXPECT_EQ(store().attempts_of(task, 3)->back().attempt + 1, 2);

  const auto rerun = store().request_rerun(task, 3, at(2));
  ASSERT_TRUE(rerun) << rerun.error().message;
  EXPECT_EQ(rerun->attempt, 2);
  EXPECT_EQ(rerun->state, ExecutionState::queued);
  EXPECT_EQ(rerun->command, first->front().command);
  EXPECT_EQ(rerun->parameters_json, first->front().parameters_json);
  EXPECT_FALSE(rerun->started_at);
  EXPECT_EQ(store().attempts_of(task, 3)->back().attempt + 1, 3);
  // One pending attempt per index.
  EXPECT_FALSE(store().request_rerun(task, 3, at(3)));
  // An index that never started cannot be rerun.
  EXPECT_EQ(store().request_rerun(task, 4, at(3)).error().code, Error::Code::invalid_argument);

  const auto queued = store().queued_reruns();
  ASSERT_TRUE(queued);
  ASSERT_EQ(queued->size(), 1u);
  EXPECT_EQ(queued->front().id, rerun->id);

  ASSERT_TRUE(store().start_rerun(rerun->id, {4321, 1, "/tmp/logs/3.2.log", at(4)}));
  EXPECT_FALSE(store().start_rerun(rerun->id, {4321, 1, "/tmp/logs/3.2.log", at(4)}));
  ASSERT_TRUE(store().finish_execution(rerun->id, exited(0, 9)));

  const auto history = store().attempts_of(task, 3);
  ASSERT_TRUE(history);
  ASSERT_EQ(history->size(), 2u);
  EXPECT_EQ((*history)[0].state, ExecutionState::error);
  EXPECT_EQ((*history)[0].exit_code, 1);
  EXPECT_EQ((*history)[1].state, ExecutionState::complete);
  EXPECT_EQ((*history)[1].pid, 4321);
  EXPECT_EQ((*history)[1].finished_at, "2024-05-01T12:00:09.000Z");
}

TEST_F(StoreTest, FinishingRequiresALiveExecutionAndAValidOutcome) {
  const auto task = task_with_started(2, 1);
  const auto id = store().executions_of_task(task)->front().id;
  store::ExecutionOutcome both = exited(1);
  both.signal = 15;
  EXPECT_FALSE(store().finish_execution(id, both));
  store::ExecutionOutcome not_an_outcome = exited(0);
  not_an_outcome.state = ExecutionState::queued;
  EXPECT_FALSE(store().finish_execution(id, not_an_outcome));

  ASSERT_TRUE(store().mark_execution_stopping(id, "stopped by the user"));
  ASSERT_EQ(store().live_executions()->size(), 1u);
  EXPECT_EQ(store().live_executions()->front().state, ExecutionState::stopping);
  store::ExecutionOutcome stopped;
  stopped.state = ExecutionState::stopped;
  stopped.signal = 15;
  stopped.reason = "stopped by the user";
  stopped.finished_at = at(5);
  ASSERT_TRUE(store().finish_execution(id, stopped));
  EXPECT_TRUE(store().live_executions()->empty());

  const auto twice = store().finish_execution(id, exited(0));
  EXPECT_EQ(twice.error().code, Error::Code::not_found);
  EXPECT_EQ(store().finish_execution(12345, exited(0)).error().code, Error::Code::not_found);
}

TEST_F(StoreTest, CancellingTheQueueCancelsUnstartedIndicesAndQueuedReruns) {
  const auto task = task_with_started(10, 3);
  const auto rows = store().executions_of_task(task);
  ASSERT_TRUE(store().finish_execution((*rows)[0].id, exited(1)));
  ASSERT_TRUE(store().request_rerun(task, 0, at(1)));

  const auto cancelled = store().cancel_queue(task, "stopped by the user", at(2));
  ASSERT_TRUE(cancelled);
  EXPECT_EQ(*cancelled, 1);
  const auto counts = store().task_counts(task);
  EXPECT_EQ((*counts)[ExecutionState::stopped], 8);  // 7 never started + the rerun
  EXPECT_EQ((*counts)[ExecutionState::started], 2);
  EXPECT_EQ((*counts)[ExecutionState::queued], 0);
  EXPECT_FALSE(store().insert_execution_started(sample_start(task, 3)));
  EXPECT_TRUE(store().queued_reruns()->empty());
}

TEST_F(StoreTest, TaskStateParallelAndLists) {
  const auto first = task_with_started(2, 0);
  const auto second = task_with_started(2, 0);
  ASSERT_TRUE(store().set_task_parallel(first, std::nullopt));
  EXPECT_FALSE(store().task_by_id(first)->spec.parallel);
  EXPECT_FALSE(store().set_task_parallel(first, -1));

  ASSERT_TRUE(store().mark_task_state(first, TaskState::complete, std::nullopt, at(7)));
  auto record = store().task_by_id(first);
  EXPECT_EQ(record->state, TaskState::complete);
  EXPECT_EQ(record->finished_at, "2024-05-01T12:00:07.000Z");
  // Reopening (a rerun) clears finished_at again.
  ASSERT_TRUE(store().mark_task_state(first, TaskState::running, "rerun requested", at(8)));
  record = store().task_by_id(first);
  EXPECT_FALSE(record->finished_at);
  EXPECT_EQ(record->reason, "rerun requested");

  ASSERT_TRUE(store().mark_task_state(second, TaskState::stopped, std::nullopt, at(9)));
  EXPECT_EQ(store().list_tasks()->size(), 2u);
  ASSERT_EQ(store().unfinished_tasks()->size(), 1u);
  EXPECT_EQ(store().unfinished_tasks()->front().id, first);
  EXPECT_EQ(store().task_by_id(777).error().code, Error::Code::not_found);
  EXPECT_EQ(store().mark_task_state(777, TaskState::error, std::nullopt, at()).error().code,
            Error::Code::not_found);
}

}  // namespace
}  // namespace vhtask::daemon::test
