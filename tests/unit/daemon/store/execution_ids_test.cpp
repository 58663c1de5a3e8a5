// Execution ids never reuse a directory (daemon/store/execution_ids.h), and new execution
// directories are created exclusively and private (daemon/runner/execution_dir.h).
#include "daemon/store/execution_ids.h"

#include "daemon/runner/execution_dir.h"
#include "tests/unit/daemon/store/store_fixture.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <sys/stat.h>

namespace vhtask::daemon::test {
namespace {

namespace fs = std::filesystem;

class ExecutionIdsTest : public StoreTest {
protected:
  std::string executions() const { return (m_dir.path() / "executions").string(); }
  void make(const std::string& name) const { fs::create_directories(executions() + "/" + name); }
};

TEST_F(ExecutionIdsTest, AMissingDirectoryHoldsNoIds) {
  const auto scan = store::scan_execution_dirs(executions(), 0);
  ASSERT_TRUE(scan) << scan.error().message;
  EXPECT_EQ(scan->highest, 0);
  EXPECT_EQ(scan->unknown, 0);
  const auto warning = store::reserve_execution_dirs(store(), executions());
  ASSERT_TRUE(warning);
  EXPECT_FALSE(*warning);
}

TEST_F(ExecutionIdsTest, OnlyIdNamesCountAndThoseAboveTheKnownOnesAreUnknown) {
  for (const char* name : {"1", "2", "12", "007", "0", "abc", "3x", "4.tmp"}) {
    make(name);
  }
  m_dir.write("executions/20", "a file blocks the id too");
  const auto scan = store::scan_execution_dirs(executions(), 2);
  ASSERT_TRUE(scan) << scan.error().message;
  EXPECT_EQ(scan->highest, 20);
  EXPECT_EQ(scan->unknown, 2);  // 12 and 20
  EXPECT_EQ(scan->lowest_unknown, 12);
}

TEST_F(ExecutionIdsTest, NewIdsStartAboveTheHighestDirectoryAndTheUserIsWarned) {
  for (const char* name : {"1", "2", "3"}) {
    make(name);
  }
  const auto warning = store::reserve_execution_dirs(store(), executions());
  ASSERT_TRUE(warning) << warning.error().message;
  ASSERT_TRUE(*warning);
  EXPECT_NE((*warning)->find(executions() + " holds 3 execution directories (ids 1 to 3)"),
            std::string::npos)
      << **warning;
  EXPECT_NE((*warning)->find(db_path()), std::string::npos) << **warning;
  EXPECT_NE((*warning)->find("new executions get ids from 4 on"), std::string::npos) << **warning;

  const auto task = store().create_task(sample_task(3), at());
  ASSERT_TRUE(task);
  const auto first = store().insert_execution_started(sample_start(task->id, 0));
  ASSERT_TRUE(first) << first.error().message;
  EXPECT_EQ(first->id, 4);
  EXPECT_EQ(first->log_path, "/tmp/logs/0.log");
  const auto second = store().insert_execution_started(sample_start(task->id, 1));
  ASSERT_TRUE(second);
  EXPECT_EQ(second->id, 5);
  ASSERT_TRUE(store().finish_execution(first->id, exited(0)));
  const auto rerun = store().request_rerun(task->id, 0, at(2));
  ASSERT_TRUE(rerun) << rerun.error().message;
  EXPECT_EQ(rerun->id, 6);
}

TEST_F(ExecutionIdsTest, DirectoriesTheDatabaseKnowsAreNoWarning) {
  const auto task = store().create_task(sample_task(2), at());
  ASSERT_TRUE(task);
  ASSERT_TRUE(store().insert_execution_started(sample_start(task->id, 0)));
  ASSERT_TRUE(store().insert_execution_started(sample_start(task->id, 1)));
  make("1");
  make("2");
  const auto warning = store::reserve_execution_dirs(store(), executions());
  ASSERT_TRUE(warning);
  EXPECT_FALSE(*warning);
}

TEST_F(ExecutionIdsTest, AnExecutionDirectoryIsCreatedExclusivelyAndPrivate) {
  const mode_t old_mask = ::umask(0);
  runner::LaunchSpec spec;
  spec.id = 1;
  spec.command = "true";
  const std::string dir = executions() + "/nested/1";
  const auto created = runner::prepare_execution_dir(dir, spec);
  ::umask(old_mask);
  ASSERT_TRUE(created) << created.error().message;
  for (const std::string& path : {executions(), executions() + "/nested", dir, dir + "/outputs",
                                  dir + "/config", dir + "/config/parameters.json"}) {
    struct stat st {};
    ASSERT_EQ(::stat(path.c_str(), &st), 0) << path;
    EXPECT_EQ(st.st_mode & 0777, S_ISDIR(st.st_mode) ? 0700u : 0600u) << path;
  }
  const auto again = runner::prepare_execution_dir(dir, spec);
  ASSERT_FALSE(again);
  EXPECT_NE(again.error().message.find("cannot create " + dir + ": File exists"), std::string::npos)
      << again.error().message;
  spec.reuse_dir = true;
  EXPECT_TRUE(runner::prepare_execution_dir(dir, spec));
}

}  // namespace
}  // namespace vhtask::daemon::test
