#pragma once

// Shared by the store tests: a Store on a real SQLite file in a fresh temp dir, sample inputs,
// and a second raw connection for checking the file from outside (as a `sqlite3` shell would).

#include "daemon/store/store.h"
#include "tests/support/temp_dir.h"

#include <gtest/gtest.h>
#include <sqlite3.h>

#include <chrono>
#include <memory>
#include <optional>
#include <string>

namespace vhtask::daemon::test {

// A fixed clock reading: 2024-05-01T12:00:00.000Z plus `seconds`.
inline Timestamp at(double seconds = 0) {
  using namespace std::chrono;
  const auto base = sys_days{year{2024} / May / 1} + hours{12};
  return Timestamp(base + round<milliseconds>(duration<double>(seconds)));
}

inline store::NewTask sample_task(std::int64_t count) {
  store::NewTask task;
  task.step = "train";
  task.name = "sweep";
  task.valohai_yaml = "- step:\n    name: train\n    command: python train.py {parameters}\n";
  task.grid = "learning_rate=0.1,0.01";
  task.cwd = "/home/user/project";
  task.git_commit = "0123456789abcdef0123456789abcdef01234567";
  task.environment_json = R"({"PATH":"/usr/bin","HOME":"/home/user"})";
  task.type = "grid";
  task.seed = 42;
  task.count = count;
  task.parallel = 4;
  task.on_child_error = "continue-and-complete";
  return task;
}

inline store::ExecutionStart sample_start(TaskId task, ExecutionIndex idx, double seconds = 0) {
  store::ExecutionStart start;
  start.task_id = task;
  start.idx = idx;
  start.parameters_json = R"({"learning_rate":0.1})";
  start.command = "python train.py --learning_rate=0.1";
  start.pid = 1000 + idx;
  start.slot = static_cast<Slot>(idx % 4);
  start.log_path = "/tmp/logs/" + std::to_string(idx) + ".log";
  start.started_at = at(seconds);
  return start;
}

inline store::ExecutionOutcome exited(int code, double seconds = 1) {
  store::ExecutionOutcome outcome;
  outcome.state = code == 0 ? ExecutionState::complete : ExecutionState::error;
  outcome.exit_code = code;
  outcome.finished_at = at(seconds);
  return outcome;
}

// A raw connection to a database file, closed on destruction.
class RawDb {
public:
  explicit RawDb(const std::string& path) {
    EXPECT_EQ(sqlite3_open(path.c_str(), &m_db), SQLITE_OK);
    sqlite3_busy_timeout(m_db, 5000);
  }
  RawDb(const RawDb&) = delete;
  RawDb& operator=(const RawDb&) = delete;
  ~RawDb() { sqlite3_close_v2(m_db); }

  sqlite3* get() const { return m_db; }

  void exec(const std::string& sql) const {
    char* message = nullptr;
    EXPECT_EQ(sqlite3_exec(m_db, sql.c_str(), nullptr, nullptr, &message), SQLITE_OK)
        << sql << ": " << (message != nullptr ? message : "");
    sqlite3_free(message);
  }

  // The first column of the first row as text (empty if no row or NULL).
  std::string text(const std::string& sql) const {
    sqlite3_stmt* stmt = nullptr;
    EXPECT_EQ(sqlite3_prepare_v2(m_db, sql.c_str(), -1, &stmt, nullptr), SQLITE_OK)
        << sql << ": " << sqlite3_errmsg(m_db);
    std::string value;
    if (stmt != nullptr && sqlite3_step(stmt) == SQLITE_ROW &&
        sqlite3_column_text(stmt, 0) != nullptr) {
      value = reinterpret_cast<const char*>(sqlite3_column_text(stmt, 0));
    }
    sqlite3_finalize(stmt);
    return value;
  }

private:
  sqlite3* m_db = nullptr;
};

class StoreTest : public ::testing::Test {
protected:
  void SetUp() override { reopen(); }

  // Closes the store (if open) and opens the same file again.
  void reopen() {
    m_store.reset();
    auto store = store::Store::open(db_path());
    ASSERT_TRUE(store) << store.error().message;
    m_store = std::make_unique<store::Store>(std::move(*store));
  }

  std::string db_path() const { return (m_dir.path() / "vhtask.db").string(); }
  store::Store& store() { return *m_store; }

  // A task with `count` indices whose first `started` indices have started.
  TaskId task_with_started(std::int64_t count, std::int64_t started) {
    const auto task = store().create_task(sample_task(count), at());
    EXPECT_TRUE(task) << task.error().message;
    for (ExecutionIndex idx = 0; idx < started; ++idx) {
      const auto row = store().insert_execution_started(sample_start(task->id, idx));
      EXPECT_TRUE(row) << row.error().message;
    }
    return task->id;
  }

  vhtask::test::TempDir m_dir;
  std::unique_ptr<store::Store> m_store;
};

}  // namespace vhtask::daemon::test
