// The Slurm executor's pure parts: squeue parsing, state classes, executor options, and the
// scheduler's external tasks. The executor against a real cluster is in
// tests/integration/slurm_test.cpp.

#include "daemon/runner/executor.h"
#include "daemon/scheduler.h"
#include "daemon/slurm/slurm_cli.h"
#include "daemon/slurm/slurm_files.h"
#include "tests/support/temp_dir.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

namespace vhtask::daemon {
namespace {

std::string read(const std::filesystem::path& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

TEST(Squeue, ParsesElementsByArrayJobAndIndex) {
  const auto jobs = slurm::parse_squeue(
      "72|1|PENDING|JobArrayTaskLimit|0|\n"
      "72|0|FAILED|NonZeroExitCode|768|\n"
      "75|N/A|RUNNING|None|0|\n"
      "garbage line\n");
  ASSERT_EQ(jobs.size(), 3u);
  EXPECT_EQ(jobs.at("72_1").state, "PENDING");
  EXPECT_EQ(jobs.at("72_0").exit_code, 768);  // a raw wait status
  EXPECT_EQ(jobs.at("72_0").reason, "NonZeroExitCode");
  EXPECT_EQ(jobs.at("75_N/A").state, "RUNNING");
}

TEST(Squeue, EndedStates) {
  for (const char* state : {"COMPLETED", "FAILED", "CANCELLED", "TIMEOUT", "NODE_FAIL", "PREEMPTED",
                            "OUT_OF_MEMORY", "BOOT_FAIL", "DEADLINE"}) {
    EXPECT_TRUE(slurm::slurm_state_ended(state)) << state;
  }
  for (const char* state : {"PENDING", "RUNNING", "COMPLETING", "CONFIGURING", "SUSPENDED"}) {
    EXPECT_FALSE(slurm::slurm_state_ended(state)) << state;
  }
}

TEST(RunTool, CapturesOutputAndStatusAndTimesOut) {
  const auto ok = slurm::run_tool({"sh", "-c", "echo out; echo err >&2; exit 3"});
  ASSERT_TRUE(ok);
  EXPECT_EQ(ok->out, "out\n");
  EXPECT_EQ(ok->err, "err\n");
  EXPECT_EQ(ok->exit_status, 3);
  EXPECT_FALSE(slurm::run_tool({"sleep", "5"}, std::chrono::milliseconds(100)));
  EXPECT_FALSE(slurm::run_tool({"/nonexistent/tool"}));
}

TEST(ExecutorOptions, RoundTripAndErrors) {
  runner::SlurmOptions options;
  options.partition = "gpu";
  options.sbatch_args = {"--mem=4G", "--gres=gpu:1"};
  options.pack = 20;
  const auto back = runner::slurm_options_from_json(to_json(options));
  ASSERT_TRUE(back);
  EXPECT_EQ(*back, options);
  EXPECT_EQ(*runner::slurm_options_from_json("{}"), runner::SlurmOptions{});
  EXPECT_FALSE(runner::slurm_options_from_json("{\"pack\": 0}"));
  EXPECT_FALSE(runner::slurm_options_from_json("{\"sbatch_args\": [1]}"));
  EXPECT_FALSE(runner::slurm_options_from_json("[]"));
  EXPECT_EQ(*runner::parse_executor("slurm", "f"), runner::ExecutorKind::slurm);
  const auto bad = runner::parse_executor("kubernetes", "params.executor");
  ASSERT_FALSE(bad);
  EXPECT_NE(bad.error().message.find("params.executor"), std::string::npos);
}

TEST(SlurmFiles, JobRecordRoundTripsAndArrayScriptListsElements) {
  test::TempDir dir;
  const std::string exec_dir = dir.path().string();
  EXPECT_FALSE(slurm::read_slurm_json(exec_dir));
  ASSERT_TRUE(slurm::write_slurm_json(exec_dir, slurm::SlurmJobRecord{"vhtask-1-ab", "", 3, 7}));
  auto record = slurm::read_slurm_json(exec_dir);
  ASSERT_TRUE(record);
  EXPECT_EQ(record->name, "vhtask-1-ab");
  EXPECT_EQ(record->job, "");
  EXPECT_EQ(record->element, 3u);
  EXPECT_EQ(record->task, 7);
  ASSERT_TRUE(slurm::write_slurm_json(exec_dir, slurm::SlurmJobRecord{"vhtask-1-ab", "42", 3, 7}));
  EXPECT_EQ(slurm::read_slurm_json(exec_dir)->job, "42");
  EXPECT_EQ(slurm::read_array_job(exec_dir, "vhtask-1-ab"), "");
  ASSERT_TRUE(slurm::write_array_job(exec_dir, "vhtask-1-ab", "42"));
  EXPECT_EQ(slurm::read_array_job(exec_dir, "vhtask-1-ab"), "42");
  const auto script =
      slurm::write_array_script(exec_dir + "/work", "vhtask-1-ab", "/x/executions", {{1, 2}, {3}});
  ASSERT_TRUE(script);
  EXPECT_EQ(read(dir.path() / "work/vhtask-1-ab.ids"), "1 2\n3\n");
  EXPECT_NE(read(dir.path() / "work/vhtask-1-ab.sh").find("execs=/x/executions\n"),
            std::string::npos);
}

TEST(Scheduler, ExternalTasksIgnoreTheGlobalLimitAndHoldNoSlots) {
  Scheduler scheduler(1);
  ASSERT_TRUE(scheduler.add_task(1, 3, std::nullopt));
  ASSERT_TRUE(scheduler.add_task(2, 3, 2, 0, true));
  const auto a = scheduler.next();  // local task 1 takes the only slot
  ASSERT_TRUE(a);
  EXPECT_EQ(a->task_id, 1);
  // Task 2 is external: two (its own limit) start although the global limit is reached.
  const auto b = scheduler.next();
  const auto c = scheduler.next();
  ASSERT_TRUE(b && c);
  EXPECT_EQ(b->task_id, 2);
  EXPECT_EQ(c->task_id, 2);
  EXPECT_FALSE(scheduler.next());
  EXPECT_EQ(scheduler.running_count(), 1u);  // only local executions count globally
  ASSERT_TRUE(scheduler.finished(2, 0));
  const auto d = scheduler.next();
  ASSERT_TRUE(d);
  EXPECT_EQ(d->task_id, 2);
  ASSERT_TRUE(scheduler.adopt(2, 0));  // reattached after a restart: no slot check
  EXPECT_EQ(scheduler.running_count(2), 3u);
}

}  // namespace
}  // namespace vhtask::daemon
