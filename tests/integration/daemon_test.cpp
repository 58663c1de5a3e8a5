// vhtaskd as a whole: a real daemon on temporary dirs, real processes, real SQLite.

#include "tests/support/daemon_harness.h"
#include "tests/support/subprocess.h"
#include "tests/support/test_paths.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <signal.h>
#include <sstream>
#include <sys/stat.h>

namespace vhtask::test {
namespace {

using namespace std::chrono_literals;
namespace json = boost::json;

// A step whose command is `command`, with one integer parameter `i`, and a linear grid over it.
json::object start_params(const std::string& command, int count, std::optional<int> parallel,
                          const std::string& cwd) {
  std::string yaml = "- step:\n    name: s\n    image: busybox\n    command: \"" + command +
                     "\"\n    parameters:\n      - name: i\n        type: integer\n";
  std::string grid = "parameters:\n  - name: i\n    style: linear\n    rules: {start: 0, end: " +
                     std::to_string(count - 1) + ", step: 1}\n";
  json::object params{{"config_text", yaml},
                      {"config_file", "valohai.yaml"},
                      {"step", "s"},
                      {"grid_text", grid},
                      {"grid_file", "grid.yaml"},
                      {"cwd", cwd},
                      {"env", json::object{{"PATH", "/usr/bin:/bin"}}}};
  if (parallel) {
    params["parallel"] = *parallel;
  }
  return params;
}

json::object result_of(const std::optional<json::object>& response) {
  EXPECT_TRUE(response.has_value()) << "no response";
  if (!response) {
    return {};
  }
  EXPECT_TRUE(response->contains("result")) << json::serialize(*response);
  return response->contains("result") ? response->at("result").as_object() : json::object{};
}

std::int64_t start_task(RpcClient& rpc, const json::object& params) {
  return result_of(rpc.call("start", params)).at("task").as_int64();
}

json::object wait_task(RpcClient& rpc, std::int64_t task) {
  return result_of(rpc.call("wait", {{"task", task}}, 120s)).at("task").as_object();
}

std::string sqlite(const std::string& db, const std::string& sql) {
  const auto r = run_process({"sqlite3", "-readonly", db, sql});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  return r.out;
}

TEST(Daemon, TwoHundredExecutionsUnderALimitOfFourRecordEveryOutcome) {
  DaemonHarness daemon;
  ASSERT_TRUE(daemon.start({"--parallel", "8"})) << daemon.log();
  auto rpc = daemon.connect();
  ASSERT_TRUE(rpc->connected());
  // Each child records its own start and end (ns) and its slot; then exits 0, 3 or by SIGKILL.
  const std::string command =
      "echo S $(date +%s%N) $VHTASK_SLOT; sleep 0.1; echo E $(date +%s%N); "
      "case $(({parameter-value:i} % 3)) in 1) exit 3;; 2) kill -KILL $$;; esac";
  const auto task = start_task(*rpc, start_params(command, 200, 4, daemon.dir().path().string()));
  const auto summary = wait_task(*rpc, task);
  EXPECT_EQ(summary.at("state").as_string(), "complete");
  const auto counts = summary.at("counts").as_object();
  EXPECT_EQ(counts.at("complete").as_int64(), 67);
  EXPECT_EQ(counts.at("error").as_int64(), 133);

  // Intervals as the children saw them.
  struct Interval {
    long long start, end;
    int slot;
  };
  std::vector<Interval> runs;
  const auto status = result_of(rpc->call("status", {{"task", task}}));
  for (const auto& item : status.at("executions").as_array()) {
    const auto& e = item.as_object();
    const std::int64_t idx = e.at("index").as_int64();
    if (idx % 3 == 0) {
      EXPECT_EQ(e.at("state").as_string(), "complete");
      EXPECT_EQ(e.at("exit_code").as_int64(), 0);
    } else if (idx % 3 == 1) {
      EXPECT_EQ(e.at("state").as_string(), "error");
      EXPECT_EQ(e.at("exit_code").as_int64(), 3);
    } else {
      EXPECT_EQ(e.at("state").as_string(), "error");
      EXPECT_TRUE(e.at("exit_code").is_null());
      EXPECT_EQ(e.at("signal").as_int64(), SIGKILL);
    }
    std::istringstream log(read_file(std::string(e.at("log_path").as_string())));
    std::string tag;
    Interval run{0, 0, -1};
    log >> tag >> run.start >> run.slot >> tag >> run.end;
    ASSERT_GT(run.end, run.start) << e.at("log_path").as_string();
    runs.push_back(run);
  }
  ASSERT_EQ(runs.size(), 200u);
  // Never more than 4 at once, by a sweep over the children's own clocks.
  std::vector<std::pair<long long, int>> edges;
  for (const auto& r : runs) {
    edges.emplace_back(r.start, +1);
    edges.emplace_back(r.end, -1);
  }
  std::sort(edges.begin(), edges.end());
  int now = 0;
  int peak = 0;
  for (const auto& [t, d] : edges) {
    now += d;
    peak = std::max(peak, now);
  }
  EXPECT_LE(peak, 4);
  EXPECT_EQ(peak, 4);
  // All four slots stayed busy: each slot ran a quarter of the work, one after another, and the
  // next execution on a slot started soon after the previous one ended.
  std::map<int, std::vector<Interval>> by_slot;
  for (const auto& r : runs) {
    by_slot[r.slot].push_back(r);
  }
  EXPECT_EQ(by_slot.size(), 4u);
  for (auto& [slot, list] : by_slot) {
    EXPECT_GE(slot, 0);
    EXPECT_LT(slot, 4);
    EXPECT_GE(list.size(), 35u) << "slot " << slot;
    std::sort(list.begin(), list.end(), [](auto& a, auto& b) { return a.start < b.start; });
    for (size_t k = 1; k < list.size(); ++k) {
      EXPECT_GE(list[k].start, list[k - 1].end) << "slot " << slot << " overlapped";
      EXPECT_LT(list[k].start - list[k - 1].end, 500'000'000LL) << "slot " << slot << " idled";
    }
  }
  EXPECT_EQ(sqlite(daemon.db(), "PRAGMA integrity_check"), "ok\n");
}

TEST(Daemon, StopReachesGrandchildren) {
  DaemonHarness daemon;
  ASSERT_TRUE(daemon.start()) << daemon.log();
  auto rpc = daemon.connect();
  const auto task = start_task(*rpc, start_params("sh -c 'sleep 100 & echo grandchild $!; wait'", 1,
                                                  std::nullopt, daemon.dir().path().string()));
  // Follow the log until the grandchild's pid shows up.
  const auto status = result_of(rpc->call("status", {{"task", task}}));
  const auto exec = status.at("executions").at(0).at("id").as_int64();
  const auto follow = rpc->send("logs", {{"execution", exec}, {"follow", true}});
  pid_t grandchild = 0;
  std::string text;
  while (grandchild == 0) {
    auto message = rpc->next_message(20s);
    ASSERT_TRUE(message) << "no output before the deadline";
    if (message->contains("params")) {
      text += message->at("params").at("text").as_string();
      if (const auto at = text.find("grandchild ");
          at != std::string::npos && text.find('\n', at) != std::string::npos) {
        grandchild = std::stoi(text.substr(at + 11));
      }
    }
  }
  ASSERT_EQ(::kill(grandchild, 0), 0);
  auto stopper = daemon.connect();
  EXPECT_EQ(result_of(stopper->call("stop", {{"task", task}})).at("stopped").as_int64(), 1);
  const auto final_log = rpc->wait_response(follow, 30s);
  ASSERT_TRUE(final_log);
  EXPECT_EQ(final_log->at("result").at("state").as_string(), "stopped");
  EXPECT_EQ(wait_task(*stopper, task).at("state").as_string(), "stopped");
  // Gone: no such process, or only a zombie waiting for init to reap it.
  const std::string stat_path = "/proc/" + std::to_string(grandchild) + "/stat";
  std::ifstream stat(stat_path);
  std::string pid_field, comm, state;
  stat >> pid_field >> comm >> state;
  EXPECT_TRUE(!stat || state == "Z") << "grandchild " << grandchild << " is still " << state;
}

TEST(Daemon, BadMessagesGetErrorsAndTheConnectionKeepsWorking) {
  DaemonHarness daemon;
  ASSERT_TRUE(daemon.start()) << daemon.log();
  auto rpc = daemon.connect();
  auto expect_error = [&](int code) {
    const auto message = rpc->next_message(20s);
    ASSERT_TRUE(message);
    ASSERT_TRUE(message->contains("error")) << json::serialize(*message);
    EXPECT_EQ(message->at("error").at("code").as_int64(), code) << json::serialize(*message);
  };
  rpc->send_raw("this is not json\n");
  expect_error(-32700);
  rpc->send_raw(std::string(2 * 1024 * 1024, 'x') + "\n");
  expect_error(-32007);
  rpc->send_raw("{\"jsonrpc\":\"2.0\",\"id\":7,\"method\":\"frobnicate\"}\n");
  expect_error(-32601);
  rpc->send_raw(
      "{\"jsonrpc\":\"2.0\",\"id\":8,\"method\":\"show\",\"params\":{\"execution\":\"x\"}}\n");
  expect_error(-32602);
  rpc->send_raw("{\"jsonrpc\":\"2.0\",\"id\":9,\"method\":\"status\",\"params\":[1]}\n");
  expect_error(-32602);
  rpc->send_raw("[1,2]\n");
  expect_error(-32600);
  rpc->send_raw(
      "{\"jsonrpc\":\"2.0\",\"id\":10,\"method\":\"show\",\"params\":{\"execution\":999}}\n");
  expect_error(-32000);
  const auto version = rpc->call("version", {});
  ASSERT_TRUE(version);
  EXPECT_EQ(version->at("result").at("protocol").as_int64(), 1);
}

TEST(Daemon, InvalidStartRecordsNothing) {
  DaemonHarness daemon;
  ASSERT_TRUE(daemon.start()) << daemon.log();
  auto rpc = daemon.connect();
  auto params = start_params("echo {parameters}", 3, std::nullopt, "/tmp");
  params["grid_text"] =
      "parameters:\n  - name: i\n    style: linear\n    rules: {start: 5, end: 1, step: 1}\n";
  const auto response = rpc->call("start", params);
  ASSERT_TRUE(response && response->contains("error"));
  const std::string message(response->at("error").at("message").as_string());
  EXPECT_NE(message.find("grid.yaml:4:"), std::string::npos) << message;
  EXPECT_NE(message.find("End must be greater than or equal to start"), std::string::npos)
      << message;
  EXPECT_EQ(sqlite(daemon.db(), "SELECT count(*) FROM tasks"), "0\n");
}

TEST(Daemon, PrivateFilesAndOneDaemonPerStateDir) {
  DaemonHarness daemon;
  ASSERT_TRUE(daemon.start()) << daemon.log();
  struct stat st {};
  ASSERT_EQ(::stat(daemon.state_dir().c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0700u);
  ASSERT_EQ(::stat(daemon.socket().c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  const auto second = run_process({daemon_binary(), "--foreground", "--state-dir",
                                   daemon.state_dir(), "--socket", daemon.socket() + "2"});
  EXPECT_NE(second.exit_code, 0);
  EXPECT_NE(second.err.find("another vhtaskd"), std::string::npos) << second.err;
  EXPECT_NE(second.err.find(daemon.state_dir()), std::string::npos) << second.err;
  EXPECT_EQ(daemon.stop(), 0);
}

TEST(Daemon, AnotherUserIsRefused) {
  if (::geteuid() != 0) {
    GTEST_SKIP() << "needs root to run a client as another uid (setpriv)";
  }
  DaemonHarness daemon;
  ASSERT_TRUE(daemon.start()) << daemon.log();
  // Open the way to the socket, so that only the daemon's SO_PEERCRED check stands between.
  ::chmod(std::filesystem::path(daemon.socket()).parent_path().c_str(), 0755);
  ::chmod(daemon.dir().path().c_str(), 0755);
  ::chmod(daemon.socket().c_str(), 0666);
  const std::string probe =
      "import socket,sys\n"
      "s=socket.socket(socket.AF_UNIX); s.connect(sys.argv[1])\n"
      "try:\n"
      "  s.sendall(b'{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"version\"}\\n')\n"
      "except OSError:\n"
      "  pass  # the daemon may have refused and closed already\n"
      "print(s.makefile().readline().strip())\n";
  const auto r = run_process({"setpriv", "--reuid=65534", "--regid=65534", "--clear-groups",
                              "/usr/bin/python3", "-c", probe, daemon.socket()});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("-32006"), std::string::npos) << r.out;
  EXPECT_EQ(r.out.find("capabilities"), std::string::npos) << r.out;
  // The daemon's own user still gets in.
  EXPECT_TRUE(daemon.connect()->call("version", {}).has_value());
}

TEST(Daemon, OnChildErrorPolicies) {
  DaemonHarness daemon;
  ASSERT_TRUE(daemon.start()) << daemon.log();
  auto rpc = daemon.connect();
  // Index 0 fails; with a limit of 1 the rest are still queued when it does.
  const std::string command = "test {parameter-value:i} -ne 0";
  const std::map<std::string, std::pair<std::string, std::string>> expected = {
      {"continue-and-complete", {"complete", "{\"complete\":3,\"error\":1}"}},
      {"continue-and-error", {"error", "{\"complete\":3,\"error\":1}"}},
      {"stop-all-and-error", {"error", "{\"error\":1,\"stopped\":3}"}},
  };
  for (const auto& [policy, outcome] : expected) {
    auto params = start_params(command, 4, 1, "/tmp");
    params["grid_text"] =
        std::string(params["grid_text"].as_string()) + "on-child-error: " + policy + "\n";
    const auto task = start_task(*rpc, params);
    const auto summary = wait_task(*rpc, task);
    EXPECT_EQ(summary.at("state").as_string(), outcome.first) << policy;
    EXPECT_EQ(json::serialize(summary.at("counts")), outcome.second) << policy;
  }
}

TEST(Daemon, SchemaReadmeQueriesRunOnARealDatabase) {
  DaemonHarness daemon;
  ASSERT_TRUE(daemon.start()) << daemon.log();
  auto rpc = daemon.connect();
  const auto task =
      start_task(*rpc, start_params("exit $(({parameter-value:i} % 2))", 6, 2, "/tmp"));
  wait_task(*rpc, task);
  ASSERT_EQ(daemon.stop(), 0);
  const auto r = run_process(
      {"sqlite3", "-readonly", daemon.db(), ".read " + source_dir() + "/schema/examples.sql"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.err, "");
  EXPECT_EQ(sqlite(daemon.db(), "PRAGMA integrity_check"), "ok\n");
  EXPECT_EQ(
      sqlite(daemon.db(), "SELECT state, count(*) FROM executions GROUP BY state ORDER BY state"),
      "complete|3\nerror|3\n");
}

}  // namespace
}  // namespace vhtask::test
