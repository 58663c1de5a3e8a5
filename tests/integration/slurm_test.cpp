// The Slurm executor against a real Slurm cluster (scripts/slurm-up brings up a single-node one):
// the user journey with the same commands and assertions as the local one
// (cli_journey_test.cpp), stops of running and pending executions, a daemon SIGKILLed mid-task,
// and 200 executions under a limit of 8, packed and not. Every test skips, saying why, when no
// cluster answers `sinfo`.

#include "tests/integration/journey.h"
#include "tests/support/daemon_harness.h"
#include "tests/support/subprocess.h"
#include "tests/support/test_paths.h"
#include "tests/support/wait_until.h"

#include <boost/json.hpp>
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <set>
#include <sstream>

namespace vhtask::test {
namespace {

using namespace std::chrono_literals;
namespace json = boost::json;

// Empty when a Slurm cluster answers; else why the tests skip.
std::string cluster_problem() {
  RunOptions options;
  options.deadline = 10s;
  const auto r = run_process({"sinfo", "-h", "-o", "%T"}, options);
  const std::string state = r.out.substr(0, r.out.find('\n'));
  if (r.exit_code == 0 && (state == "idle" || state == "mixed" || state == "allocated")) {
    return {};
  }
  return "no Slurm cluster answers: `sinfo -h -o %T` exited " + std::to_string(r.exit_code) +
         " with '" + state + r.err +
         "' (run `bash scripts/slurm-up` as root to start the "
         "single-node test cluster)";
}

#define SKIP_WITHOUT_SLURM()                                             \
  if (const std::string problem = cluster_problem(); !problem.empty()) { \
    GTEST_SKIP() << problem;                                             \
  }

// The journey's project (journey.h) plus step `code`: exits i % 3 after sleeping `nap` seconds.
const char* const k_code_step =
    "- step:\n"
    "    name: code\n"
    "    image: busybox\n"
    "    command: 'test {parameter-value:nap} = 0 || sleep {parameter-value:nap}; "
    "exit $(( {parameter-value:i} % 3 ))'\n"
    "    parameters:\n"
    "      - name: i\n"
    "        type: integer\n"
    "      - name: nap\n"
    "        type: float\n"
    "        default: 0\n";

std::string grid_of(int count) {
  std::string items;
  for (int i = 0; i < count; ++i) {
    items += (i == 0 ? "" : ", ") + std::to_string(i);
  }
  return "parameters:\n  - name: i\n    style: multiple\n    rules: {items: [" + items + "]}\n";
}

class Slurm : public JourneyFixture {
protected:
  void SetUp() override {
    SKIP_WITHOUT_SLURM();
    m_deadline = 240s;
    start_daemon({"--parallel", "4", "--executor", "slurm"});
    if (HasFatalFailure()) {
      return;
    }
    m_daemon.dir().write("project/valohai.yaml", std::string(k_journey_yaml) + k_code_step);
  }

  std::vector<std::int64_t> vhtask_ids(const std::string& task) {
    std::vector<std::int64_t> ids;
    std::istringstream lines(sqlite("SELECT id FROM executions WHERE task_id = " + task));
    for (std::string line; std::getline(lines, line);) {
      ids.push_back(std::stoll(line));
    }
    return ids;
  }

  std::string exec_dir(std::int64_t id) const {
    return m_daemon.state_dir() + "/executions/" + std::to_string(id);
  }

  // The Slurm array job that ran an execution: slurm.json names the array, its .job file holds
  // the id sbatch answered.
  std::string slurm_job_of(std::int64_t id) const {
    const auto record = json::parse(read(exec_dir(id) + "/slurm.json")).as_object();
    std::string job = read(m_daemon.state_dir() + "/slurm/" +
                           std::string(record.at("name").as_string()) + ".job");
    while (!job.empty() && job.back() == '\n') {
      job.pop_back();
    }
    return job;
  }

  static std::string read(const std::string& path) {
    std::ifstream in(path);
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
  }
};

TEST_F(Slurm, JourneyStartWaitStatusShowLogsRerun) {
  start_wait_status_show_logs_rerun();
  // The executions really went through Slurm: their directories name the array job.
  EXPECT_FALSE(slurm_job_of(1).empty());
}

TEST_F(Slurm, JourneyStopParallelAndShutdown) {
  stop_parallel_and_shutdown();
  EXPECT_FALSE(slurm_job_of(1).empty());
}

TEST_F(Slurm, StopsRunningAndPendingExecutions) {
  // A limit of 1: index 0 runs, indices 1 and 2 wait in Slurm (--array=0-2%1).
  const auto started =
      vhtask_json({"start", "job", "--grid", "grid.yaml", "--param", "nap=100", "--parallel", "1"});
  const auto task = std::to_string(started.at("task").as_int64());
  const auto rows = vhtask_json({"status", task}).at("executions").as_array();
  ASSERT_EQ(rows.size(), 3u);
  const std::int64_t running = rows.at(0).at("id").as_int64();
  const std::int64_t pending = rows.at(2).at("id").as_int64();
  ASSERT_TRUE(wait_until(
      [&] { return read(exec_dir(running) + "/output.log") == "run 0\n{\"loss\": 0.5}\n"; }, 60s))
      << m_daemon.log();
  // Slurm's PENDING is `queued`, RUNNING is `started`.
  ASSERT_TRUE(wait_until(
      [&] {
        return sqlite("SELECT state FROM executions ORDER BY idx") == "started\nqueued\nqueued\n";
      },
      30s))
      << sqlite("SELECT state FROM executions ORDER BY idx");
  // A pending one alone, then the task (the running one and the other pending one).
  EXPECT_EQ(vhtask({"stop", "--exec", std::to_string(pending)}).exit_code, 0);
  ASSERT_TRUE(wait_until(
      [&] {
        return sqlite("SELECT state FROM executions WHERE id = " + std::to_string(pending)) ==
               "stopped\n";
      },
      30s));
  EXPECT_EQ(sqlite("SELECT state FROM executions WHERE id = " + std::to_string(running)),
            "started\n");
  EXPECT_EQ(vhtask({"stop", task}).exit_code, 0);
  EXPECT_EQ(vhtask({"wait", task}).exit_code, 1);
  const auto after = vhtask_json({"status", task});
  EXPECT_EQ(after.at("task").at("state").as_string(), "stopped");
  EXPECT_EQ(after.at("task").at("counts").at("stopped").as_int64(), 3);
  // Index 1 never ran; index 0 was running and its command got the stop.
  EXPECT_FALSE(std::filesystem::exists(exec_dir(rows.at(1).at("id").as_int64()) + "/output.log"));
  EXPECT_NE(read(exec_dir(running) + "/status.json").find("\"stop_requested\": true"),
            std::string::npos)
      << read(exec_dir(running) + "/status.json");
  // Nothing of the task is left pending or running in Slurm.
  const std::string job = slurm_job_of(running);
  ASSERT_FALSE(job.empty());
  const auto queue =
      run_process({"squeue", "-h", "-r", "-t", "PENDING,RUNNING", "-j", job, "-o", "%i"});
  EXPECT_EQ(queue.out, "") << queue.err;
}

TEST_F(Slurm, DaemonKilledMidTaskStillGetsEveryTrueOutcome) {
  m_daemon.dir().write("project/six.yaml", grid_of(6));
  const auto started =
      vhtask_json({"start", "code", "--grid", "six.yaml", "--param", "nap=3", "--parallel", "2"});
  const auto task = std::to_string(started.at("task").as_int64());
  // Kill the daemon while the first two run and four wait in Slurm.
  ASSERT_TRUE(wait_until(
      [&] {
        return std::filesystem::exists(m_daemon.state_dir() + "/executions/1/supervisor.json");
      },
      60s));
  m_daemon.crash();
  ASSERT_TRUE(m_daemon.start({"--parallel", "4", "--executor", "slurm"})) << m_daemon.log();
  EXPECT_EQ(vhtask({"wait", task}).exit_code, 1);
  EXPECT_EQ(sqlite("SELECT idx, state, exit_code FROM executions ORDER BY idx"),
            "0|complete|0\n1|error|1\n2|error|2\n3|complete|0\n4|error|1\n5|error|2\n");
}

// The most executions whose [started_at, finished_at] (from their status.json, written by the
// supervisor on the node) overlap at one instant.
int max_overlap(const std::vector<std::pair<std::string, std::string>>& intervals) {
  std::vector<std::pair<std::string, int>> events;
  for (const auto& [start, end] : intervals) {
    events.emplace_back(start, 1);
    events.emplace_back(end, -1);
  }
  // Same-format ISO-8601 UTC timestamps sort as text; at equal times an end comes first.
  std::sort(events.begin(), events.end());
  int running = 0;
  int most = 0;
  for (const auto& [when, delta] : events) {
    running += delta;
    most = std::max(most, running);
  }
  return most;
}

TEST_F(Slurm, TwoHundredExecutionsUnderALimitOfEightPackedAndNot) {
  m_daemon.dir().write("project/many.yaml", grid_of(200));
  std::map<std::string, double> seconds;
  for (const std::string pack : {"1", "25"}) {
    const auto begin = std::chrono::steady_clock::now();
    const auto started = vhtask({"start", "code", "--grid", "many.yaml", "--param", "nap=0",
                                 "--parallel", "8", "--pack", pack, "--wait"});
    seconds[pack] = std::chrono::duration<double>(std::chrono::steady_clock::now() - begin).count();
    EXPECT_EQ(started.exit_code, 1) << started.out << started.err;  // two thirds exit non-zero
    const std::string task = pack == "1" ? "1" : "2";
    // Every exit code is the command's own: i % 3.
    EXPECT_EQ(sqlite("SELECT count(*) FROM executions WHERE task_id = " + task +
                     " AND exit_code = idx % 3 AND state = CASE idx % 3 WHEN 0 THEN 'complete' "
                     "ELSE 'error' END"),
              "200\n");
    std::vector<std::pair<std::string, std::string>> intervals;
    std::set<std::pair<std::string, std::int64_t>> elements;  // (array name, element) pairs
    for (const auto& id : vhtask_ids(task)) {
      const auto status = json::parse(read(exec_dir(id) + "/status.json")).as_object();
      const auto slurm = json::parse(read(exec_dir(id) + "/slurm.json")).as_object();
      elements.emplace(std::string(slurm.at("name").as_string()), slurm.at("element").as_int64());
      intervals.emplace_back(std::string(status.at("started_at").as_string()),
                             std::string(status.at("finished_at").as_string()));
    }
    ASSERT_EQ(intervals.size(), 200u);
    std::cerr << "pack " << pack << ": task created, first execution started, last ended, task "
              << "ended: "
              << sqlite(
                     "SELECT t.created_at, min(e.started_at), max(e.finished_at), t.finished_at "
                     "FROM tasks t JOIN executions e ON e.task_id = t.id WHERE t.id = " +
                     task);
    // Packing is what makes it faster: 25 executions share one array element (one Slurm job
    // start), so 200 executions need 8 elements instead of 200. (How much faster is a speed
    // claim for a benchmark, not a test on a shared machine; the times are printed below.)
    EXPECT_EQ(elements.size(), pack == "1" ? 200u : 8u) << "pack " << pack;
    const int most = max_overlap(intervals);
    EXPECT_LE(most, 8) << "pack " << pack;
    if (pack != "1") {
      // 8 elements of 25 executions each, started together: the limit is reached, not missed.
      EXPECT_GE(most, 2) << "the packed executions never ran side by side";
    }
  }
  std::cerr << "200 executions, limit 8: unpacked " << seconds["1"] << " s, --pack 25 "
            << seconds["25"] << " s\n";
}

}  // namespace
}  // namespace vhtask::test
