// The Engine when the store refuses writes (daemon/pending_writes.h): SQLITE_BUSY, SQLITE_FULL,
// SQLITE_IOERR and SQLITE_READONLY injected through Store::set_fault_hook, with a
// FakeProcessRunner. Whatever fails and for how long, memory follows the store: no index is
// skipped or run twice, every outcome is recorded true, the task ends once, and meanwhile
// status says why the daemon is stalled. Also recovery of an outcome on disk.

#include "daemon/engine.h"
#include "supervisor/execution_files.h"
#include "tests/support/fake_process_runner.h"
#include "tests/support/temp_dir.h"
#include "tests/support/wait_until.h"

#include <gtest/gtest.h>
#include <sqlite3.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <set>
#include <string>

namespace vhtask::daemon {
namespace {

using namespace std::chrono_literals;

constexpr const char* k_yaml =
    "- step:\n    name: s\n    image: busybox\n    command: echo {parameter-value:i}\n"
    "    parameters:\n      - name: i\n        type: integer\n";

std::string grid(int count) {
  return "parameters:\n  - name: i\n    style: linear\n    rules: {start: 0, end: " +
         std::to_string(count - 1) + ", step: 1}\n";
}

// The exit code the fake "command" of index idx returns.
int code_of(ExecutionIndex idx) {
  return static_cast<int>(idx % 4);
}

class EngineFaultTest : public ::testing::Test {
protected:
  void open(std::size_t parallel) {
    auto store = store::Store::open((m_dir.path() / "vhtask.db").string());
    ASSERT_TRUE(store) << store.error().message;
    m_store = std::make_unique<store::Store>(std::move(*store));
    m_store->set_fault_hook([this](std::string_view sql) {
      if (m_fault == SQLITE_OK || sql.find(m_fault_on) == std::string_view::npos) {
        return SQLITE_OK;
      }
      ++m_refused;
      return m_fault;
    });
    m_runner = std::make_unique<test::FakeProcessRunner>(m_io);
    m_engine =
        std::make_unique<Engine>(m_io, *m_store, *m_runner,
                                 EngineSettings{parallel, (m_dir.path() / "executions").string(),
                                                10, runner::ExecutorKind::local});
    m_engine->subscribe([this](const EngineEvent& event) {
      if (event.task_ended) {
        ++m_ended;
      }
    });
  }

  TaskId start(int count) {
    StartRequest request;
    request.inputs.config_text = k_yaml;
    request.inputs.step = "s";
    request.inputs.grid_text = grid(count);
    request.cwd = "/tmp";
    auto started = m_engine->start(request);
    EXPECT_TRUE(started) << started.error().message;
    return started ? started->task : 0;
  }

  // Ends every live execution with its index's exit code.
  void finish_live() {
    std::vector<ExecutionId> ids;
    for (const auto& [id, spec] : m_runner->live()) {
      ids.push_back(id);
    }
    for (const auto id : ids) {
      const auto row = m_store->execution_by_id(id);
      ASSERT_TRUE(row) << row.error().message;
      m_runner->exit(id, code_of(row->idx));
    }
  }

  bool run_until(const std::function<bool()>& done, std::chrono::milliseconds timeout = 10s) {
    return test::run_until(m_io, done, timeout);
  }

  // Finishes executions until the task has ended.
  void run_to_end() {
    ASSERT_TRUE(run_until(
        [this] {
          if (m_ended > 0) {
            return true;
          }
          finish_live();
          return false;
        },
        20s));
  }

  // Each index 0..count-1 has exactly one row, ended with its true exit code, started once.
  void expect_every_index_once(TaskId task, int count) {
    const auto rows = m_store->executions_of_task(task);
    ASSERT_TRUE(rows) << rows.error().message;
    ASSERT_EQ(rows->size(), static_cast<std::size_t>(count));
    for (int i = 0; i < count; ++i) {
      const auto& row = (*rows)[static_cast<std::size_t>(i)];
      EXPECT_EQ(row.idx, i);
      EXPECT_EQ(row.attempt, 1);
      EXPECT_EQ(row.exit_code, code_of(i)) << "index " << i;
      EXPECT_EQ(row.state, code_of(i) == 0 ? ExecutionState::complete : ExecutionState::error)
          << "index " << i;
    }
    std::set<ExecutionId> started;
    for (const auto& spec : m_runner->started()) {
      EXPECT_TRUE(started.insert(spec.id).second) << "execution " << spec.id << " ran twice";
    }
    EXPECT_EQ(started.size(), static_cast<std::size_t>(count));
    const auto record = m_store->task_by_id(task);
    ASSERT_TRUE(record);
    EXPECT_TRUE(is_terminal(record->state));
    EXPECT_EQ(record->next_index, count);
    EXPECT_EQ(m_ended, 1);
  }

  test::TempDir m_dir;
  boost::asio::io_context m_io;
  std::unique_ptr<store::Store> m_store;
  std::unique_ptr<test::FakeProcessRunner> m_runner;
  std::unique_ptr<Engine> m_engine;
  int m_fault = SQLITE_OK;
  std::string m_fault_on;  // the injected fault hits writes whose SQL contains this
  std::atomic<int> m_refused{0};
  int m_ended = 0;
};

struct Fault {
  int code;
  const char* reason;
};

void PrintTo(const Fault& fault, std::ostream* out) {
  *out << "SQLite code " << fault.code << " (" << fault.reason << ")";
}

class EngineStoreFaultTest : public EngineFaultTest, public ::testing::WithParamInterface<Fault> {};

TEST_P(EngineStoreFaultTest, OutcomesWaitForTheStoreAndNothingIsSkippedOrRunTwice) {
  open(3);
  const TaskId task = start(12);
  ASSERT_TRUE(run_until([this] { return m_runner->live().size() == 3; }));
  finish_live();
  ASSERT_TRUE(run_until([this] { return m_runner->started().size() == 6; }));
  ASSERT_EQ(m_runner->live().size(), 3u);

  // Every write fails now; the three live executions end meanwhile.
  m_fault = GetParam().code;
  finish_live();
  // Retried with backoff: 50, 100, 200 ms...
  ASSERT_TRUE(run_until([this] { return m_refused >= 4; }));
  const auto stall = m_engine->stall();
  ASSERT_TRUE(stall.has_value());
  EXPECT_EQ(stall->reason, GetParam().reason);
  EXPECT_EQ(stall->pending_writes, 3u);
  EXPECT_EQ(m_runner->started().size(), 6u) << "nothing new starts while the store refuses";
  // Reads are served, and the outcomes are not recorded yet (their slots stay taken).
  const auto counts = m_store->task_counts(task);
  ASSERT_TRUE(counts) << counts.error().message;
  EXPECT_EQ((*counts)[ExecutionState::started], 3);
  EXPECT_EQ((*counts)[ExecutionState::queued], 6);

  m_fault = SQLITE_OK;
  ASSERT_TRUE(run_until([this] { return m_runner->started().size() == 9; }));
  EXPECT_FALSE(m_engine->stall().has_value());
  run_to_end();
  expect_every_index_once(task, 12);
}

TEST_P(EngineStoreFaultTest, AStartTheStoreRefusedIsOfferedAgainNotSkipped) {
  open(2);
  m_fault = GetParam().code;
  m_fault_on = "INSERT INTO executions";  // the cursor's UPDATE before it is rolled back
  const TaskId task = start(6);
  ASSERT_TRUE(run_until([this] { return m_refused >= 3; }));
  EXPECT_TRUE(m_runner->started().empty());
  ASSERT_TRUE(m_engine->stall().has_value());
  EXPECT_EQ(m_engine->stall()->reason, GetParam().reason);
  EXPECT_EQ(m_store->task_by_id(task)->next_index, 0);
  EXPECT_EQ(m_engine->queued(), 6);

  m_fault = SQLITE_OK;
  ASSERT_TRUE(run_until([this] { return m_runner->started().size() == 2; }));
  run_to_end();
  expect_every_index_once(task, 6);
}

INSTANTIATE_TEST_SUITE_P(Faults, EngineStoreFaultTest,
                         ::testing::Values(Fault{SQLITE_BUSY,
                                                 "database is locked by another process"},
                                           Fault{SQLITE_FULL, "no space left on the state dir"},
                                           Fault{SQLITE_IOERR_WRITE, "I/O error on the state dir"},
                                           Fault{SQLITE_READONLY, "the state dir is read-only"}),
                         [](const auto& param_info) {
                           switch (param_info.param.code) {
                             case SQLITE_BUSY:
                               return std::string("Busy");
                             case SQLITE_FULL:
                               return std::string("Full");
                             case SQLITE_READONLY:
                               return std::string("ReadOnly");
                             default:
                               return std::string("IoError");
                           }
                         });

TEST_F(EngineFaultTest, ATaskEndsOnlyOnceItsEndIsStored) {
  open(2);
  const TaskId task = start(2);
  ASSERT_TRUE(run_until([this] { return m_runner->live().size() == 2; }));
  m_fault = SQLITE_BUSY;
  m_fault_on = "UPDATE tasks SET state";
  finish_live();
  ASSERT_TRUE(run_until([this] { return m_refused >= 3; }));
  EXPECT_EQ(m_ended, 0) << "`wait` must not answer before the end is recorded";
  EXPECT_EQ(m_store->task_by_id(task)->state, TaskState::running);
  ASSERT_TRUE(m_engine->stall().has_value());
  EXPECT_EQ(m_engine->stall()->pending_writes, 1u);

  m_fault = SQLITE_OK;
  ASSERT_TRUE(run_until([this] { return m_ended == 1; }));
  expect_every_index_once(task, 2);
}

TEST_F(EngineFaultTest, ANonTransientErrorIsNotRetried) {
  open(1);
  m_fault = SQLITE_CONSTRAINT;
  m_fault_on = "INSERT INTO executions";
  start(1);
  m_io.poll();
  EXPECT_FALSE(m_engine->stall().has_value());
  EXPECT_EQ(m_refused, 1);
}

// An execution's outcome reached status.json, but the daemon died before recording it.
void write_status(const std::filesystem::path& dir, int code) {
  std::filesystem::create_directories(dir);
  std::ofstream(dir / supervisor::execution_files::k_status_json)
      << "{\"exit_code\": " << code
      << ", \"signal\": null, \"reason\": null, \"stop_requested\": false, "
         "\"started_at\": \"2026-01-01T00:00:00.000Z\", "
         "\"finished_at\": \"2026-01-01T00:00:01.000Z\"}\n";
}

TEST_F(EngineFaultTest, RecoveryRecordsAnOutcomeOnDiskEvenForATaskThatIsNotActive) {
  open(2);
  // Rows as an old daemon left them: task 1 recorded complete although its one execution was
  // not (the bug this fixes), task 2 running with one started execution.
  const Timestamp t = std::chrono::system_clock::now();
  store::NewTask spec;
  spec.step = "s";
  spec.valohai_yaml = k_yaml;
  spec.grid = grid(1);
  spec.type = "grid";
  spec.count = 1;
  spec.on_child_error = "continue-and-complete";
  store::ExecutionStart row;
  row.command = "echo 0";
  row.log_path = "{id}/output.log";
  std::vector<ExecutionId> ids;
  std::vector<TaskId> tasks;
  for (int i = 0; i < 2; ++i) {
    const auto task = m_store->create_task(spec, t);
    ASSERT_TRUE(task) << task.error().message;
    row.task_id = task->id;
    row.started_at = t;
    const auto inserted = m_store->insert_execution_started(row);
    ASSERT_TRUE(inserted) << inserted.error().message;
    ids.push_back(inserted->id);
    tasks.push_back(task->id);
    write_status(m_dir.path() / "executions" / std::to_string(inserted->id), 7 - i * 7);
  }
  ASSERT_TRUE(m_store->mark_task_state(tasks[0], TaskState::complete, std::nullopt, t));

  const auto recovered = m_engine->recover();
  ASSERT_TRUE(recovered) << recovered.error().message;
  m_io.poll();
  const auto first = m_store->execution_by_id(ids[0]);
  EXPECT_EQ(first->state, ExecutionState::error) << first->reason.value_or("");
  EXPECT_EQ(first->exit_code, 7);
  const auto second = m_store->execution_by_id(ids[1]);
  EXPECT_EQ(second->state, ExecutionState::complete) << second->reason.value_or("");
  EXPECT_EQ(second->exit_code, 0);
  EXPECT_EQ(m_store->task_by_id(tasks[1])->state, TaskState::complete);
}

}  // namespace
}  // namespace vhtask::daemon
