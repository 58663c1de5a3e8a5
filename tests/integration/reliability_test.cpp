// Executions outlive the daemon: it is killed with SIGKILL at random moments during a task and
// restarted each time, and still every execution ends exactly once with its true exit code.

#include "tests/support/daemon_harness.h"
#include "tests/support/subprocess.h"
#include "tests/support/test_paths.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <random>
#include <sstream>

namespace vhtask::test {
namespace {

using namespace std::chrono_literals;
namespace json = boost::json;

// The number of executions of `task` that have ended, read from a status answer.
std::int64_t ended(const json::object& status) {
  std::int64_t n = 0;
  for (const auto& [state, count] : status.at("task").at("counts").as_object()) {
    if (state != "queued" && state != "started" && state != "stopping") {
      n += count.as_int64();
    }
  }
  return n;
}

TEST(Reliability, ThirtyDaemonCrashesLoseNothing) {
  constexpr int k_count = 1000;
  constexpr int k_crashes = 30;
  DaemonHarness daemon;
  ASSERT_TRUE(daemon.start({"--parallel", "8"})) << daemon.log();
  const std::string yaml =
      "- step:\n    name: s\n    image: busybox\n"
      "    command: 'echo code $(({parameter-value:i} % 5)); sleep 0.0$(({parameter-value:i} % "
      "7)); "
      "exit $(({parameter-value:i} % 5))'\n"
      "    parameters:\n      - name: i\n        type: integer\n";
  const std::string grid =
      "parameters:\n  - name: i\n    style: linear\n    rules: {start: 0, end: " +
      std::to_string(k_count - 1) + ", step: 1}\n";
  std::int64_t task = 0;
  {
    auto rpc = daemon.connect();
    const auto started = rpc->call("start", {{"config_text", yaml},
                                             {"step", "s"},
                                             {"grid_text", grid},
                                             {"cwd", "/tmp"},
                                             {"env", json::object{{"PATH", "/usr/bin:/bin"}}}});
    ASSERT_TRUE(started && started->contains("result"))
        << (started ? json::serialize(*started) : "");
    task = started->at("result").at("task").as_int64();
  }
  std::mt19937 random(12345);
  for (int crash = 0; crash < k_crashes; ++crash) {
    // A random moment: after 1 to 40 more executions have ended (watched, not slept for).
    auto rpc = daemon.connect();
    ASSERT_TRUE(rpc->connected());
    const auto first = rpc->call("status", {{"task", task}, {"limit", 1}});
    ASSERT_TRUE(first && first->contains("result"));
    const std::int64_t target =
        ended(first->at("result").as_object()) + std::uniform_int_distribution<int>(1, 40)(random);
    if (target >= k_count) {
      break;
    }
    rpc->send("status", {{"task", task}, {"limit", 1}, {"watch", true}});
    for (;;) {
      const auto message = rpc->next_message(60s);
      ASSERT_TRUE(message) << "no progress before the deadline";
      const auto* params = message->if_contains("params");
      if (params == nullptr || ended(params->as_object()) >= target ||
          message->contains("result")) {
        break;
      }
    }
    daemon.crash();
    ASSERT_TRUE(daemon.start({"--parallel", "8"})) << daemon.log();
  }
  auto rpc = daemon.connect();
  const auto final = rpc->call("wait", {{"task", task}}, 300s);
  ASSERT_TRUE(final && final->contains("result")) << daemon.log();

  // Every index has exactly one row (no reruns were asked for), in a final state, with the exit
  // code the command really returned (it printed it), and ran once (one "code" line in its log).
  const auto r =
      run_process({"sqlite3", "-readonly", daemon.db(),
                   "SELECT idx, attempt, state, ifnull(exit_code, ''), ifnull(log_path, ''), "
                   "ifnull(reason, '') FROM executions ORDER BY idx"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  std::istringstream rows(r.out);
  std::string line;
  int seen = 0;
  int crashed = 0;
  while (std::getline(rows, line)) {
    std::vector<std::string> f;
    std::istringstream fields(line);
    for (std::string part; std::getline(fields, part, '|');) {
      f.push_back(part);
    }
    f.resize(6);
    const int idx = std::stoi(f[0]);
    EXPECT_EQ(idx, seen) << "indices must be 0..n-1, each once";
    EXPECT_EQ(f[1], "1") << line;
    ++seen;
    if (f[2] == "crashed") {
      ++crashed;
      const auto dir = std::filesystem::path(f[4]).parent_path();
      std::string files;
      if (std::filesystem::exists(dir)) {
        for (const auto& entry : std::filesystem::directory_iterator(dir)) {
          files += entry.path().filename().string() + " ";
        }
      }
      ADD_FAILURE() << "index " << idx << " crashed: " << f[5] << " (files: " << files << ")";
      continue;
    }
    const int code = idx % 5;
    EXPECT_EQ(f[2], code == 0 ? "complete" : "error") << line;
    EXPECT_EQ(f[3], std::to_string(code)) << line;
    const std::string log = read_file(f[4]);
    EXPECT_EQ(log, "code " + std::to_string(code) + "\n") << line;
  }
  EXPECT_EQ(seen, k_count);
  EXPECT_EQ(crashed, 0);
  const auto integrity =
      run_process({"sqlite3", "-readonly", daemon.db(), "PRAGMA integrity_check"});
  EXPECT_EQ(integrity.out, "ok\n");
}

TEST(Reliability, ARestartLeavesRunningExecutionsAndLogsCanBeFollowedAgain) {
  DaemonHarness daemon;
  ASSERT_TRUE(daemon.start({"--parallel", "8"})) << daemon.log();
  // Eight executions that print, wait for a file the test creates, then print again and exit 0.
  const std::string go = (daemon.dir().path() / "go").string();
  const std::string yaml =
      "- step:\n    name: s\n    image: busybox\n"
      "    command: 'echo before {parameter-value:i}; while [ ! -e " +
      go +
      " ]; do sleep 0.05; done; echo after {parameter-value:i}'\n"
      "    parameters:\n      - name: i\n        type: integer\n";
  const std::string grid =
      "parameters:\n  - name: i\n    style: linear\n    rules: {start: 0, end: 7, step: 1}\n";
  std::int64_t task = 0;
  {
    auto rpc = daemon.connect();
    const auto started = rpc->call("start", {{"config_text", yaml},
                                             {"step", "s"},
                                             {"grid_text", grid},
                                             {"cwd", "/tmp"},
                                             {"env", json::object{{"PATH", "/usr/bin:/bin"}}}});
    ASSERT_TRUE(started && started->contains("result"));
    task = started->at("result").at("task").as_int64();
    // All eight are running once each has printed "before".
    const auto status = rpc->call("status", {{"task", task}});
    ASSERT_TRUE(status && status->contains("result"));
    for (const auto& row : status->at("result").at("executions").as_array()) {
      const auto id = row.at("id").as_int64();
      const auto follow = rpc->send("logs", {{"execution", id}, {"follow", true}});
      std::string text;
      while (text.find('\n') == std::string::npos) {
        const auto message = rpc->next_message(30s);
        ASSERT_TRUE(message);
        if (message->contains("params")) {
          text += message->at("params").at("text").as_string();
        }
      }
      (void)follow;
    }
  }
  EXPECT_EQ(daemon.stop(), 0);  // SIGTERM: a clean shutdown that leaves executions running
  ASSERT_TRUE(daemon.start({"--parallel", "8"})) << daemon.log();
  auto rpc = daemon.connect();
  const auto status = rpc->call("status", {{"task", task}});
  ASSERT_TRUE(status && status->contains("result"));
  std::vector<std::int64_t> follows;
  for (const auto& row : status->at("result").at("executions").as_array()) {
    EXPECT_EQ(row.at("state").as_string(), "started") << json::serialize(row);
    follows.push_back(
        rpc->send("logs", {{"execution", row.at("id").as_int64()}, {"follow", true}}));
  }
  ASSERT_EQ(follows.size(), 8u);
  std::ofstream(go).put('\n');
  // Read every message until each follow has its final result; texts are grouped by request.
  std::map<std::int64_t, std::string> texts;
  std::map<std::int64_t, std::string> states;
  while (states.size() < follows.size()) {
    const auto message = rpc->next_message(60s);
    ASSERT_TRUE(message) << "follows still open: " << follows.size() - states.size();
    if (const auto* params = message->if_contains("params")) {
      texts[params->at("request").as_int64()] += params->at("text").as_string();
    } else if (const auto* result = message->if_contains("result")) {
      states[message->at("id").as_int64()] = std::string(result->at("state").as_string());
    }
  }
  for (const auto id : follows) {
    EXPECT_EQ(states[id], "complete");
    EXPECT_NE(texts[id].find("after"), std::string::npos) << texts[id];
  }
  const auto final = rpc->call("wait", {{"task", task}}, 60s);
  ASSERT_TRUE(final && final->contains("result"));
  EXPECT_EQ(final->at("result").at("task").at("counts").at("complete").as_int64(), 8);
}

}  // namespace
}  // namespace vhtask::test
