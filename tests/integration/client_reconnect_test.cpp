// A client waiting on a task or following a log survives a daemon restart (issue 14, item 11):
// SIGTERM + restart and SIGKILL + restart while `start --wait` waits, and while `logs -f`
// streams, with output written while no daemon runs. `start --wait` still exits with the task's
// true status; `logs -f` prints every byte of output.log exactly once. And a daemon that does
// not come back within the bound ($VHTASK_RECONNECT_TIMEOUT_MS) ends the wait with exit 3.
// Executions gate on files the test creates, so nothing sleeps to wait for a moment.

#include "tests/support/daemon_harness.h"
#include "tests/support/subprocess.h"
#include "tests/support/test_paths.h"
#include "tests/support/wait_until.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <iostream>
#include <thread>

namespace vhtask::test {
namespace {

using namespace std::chrono_literals;
namespace fs = std::filesystem;
namespace json = boost::json;
using Clock = std::chrono::steady_clock;

// One execution: writes `before`, waits for the file `gate` in its cwd, writes `after`, exits 3.
std::string gated_step(const std::string& before, const std::string& after) {
  return "- step:\n    name: s\n    image: busybox\n    command: '" + before +
         "; while [ ! -e gate ]; do sleep 0.02; done; " + after + "; exit 3'\n";
}

enum class Restart { sigterm, sigkill };

// Prints the client's "reconnected ... after N ms" line: docs/reliability.md quotes it.
void print_reconnect(const std::string& err) {
  const auto at = err.find("reconnected to vhtaskd");
  if (at != std::string::npos) {
    std::cout << "[measured] " << err.substr(at, err.find('\n', at) - at) << "\n";
  }
}

class ReconnectTest : public ::testing::TestWithParam<Restart> {
protected:
  void SetUp() override { ASSERT_TRUE(m_daemon.start()) << m_daemon.log(); }

  fs::path project() const { return m_daemon.dir().path() / "project"; }

  RunOptions client_options() const {
    RunOptions options;
    for (const auto& [key, value] : m_daemon.client_env()) {
      options.env[key] = value;
    }
    options.env["NO_COLOR"] = "1";
    options.cwd = project().string();
    options.deadline = 120s;
    return options;
  }

  // The state of execution 1 as the daemon reports it ("" before it has a row).
  std::string state_of_first() const {
    auto rpc = m_daemon.connect();
    const auto reply = rpc->call("show", {{"execution", 1}});
    if (!reply || !reply->contains("result")) {
      return "";
    }
    return std::string(reply->at("result").at("execution").at("state").as_string());
  }

  void restart() {
    if (GetParam() == Restart::sigterm) {
      ASSERT_EQ(m_daemon.stop(), 0) << m_daemon.log();
    } else {
      m_daemon.crash();
    }
    // Output written while no daemon runs must reach the client too.
    std::ofstream(project() / "gate").put('\n');
    ASSERT_TRUE(m_daemon.start()) << m_daemon.log();
  }

  DaemonHarness m_daemon;
};

TEST_P(ReconnectTest, StartWaitExitsWithTheTasksStatusAcrossARestart) {
  m_daemon.dir().write("project/valohai.yaml", gated_step("echo before", "echo after"));
  RunResult client;
  std::thread waiter([&] {
    client = run_process({client_binary(), "start", "s", "--wait"}, client_options());
  });
  const bool started = wait_until([&] { return state_of_first() == "started"; }, 30s);
  if (started) {
    restart();
  }
  waiter.join();
  ASSERT_TRUE(started) << client.out << client.err;
  print_reconnect(client.err);
  // The execution exited 3, so the task's status is 1, not 3 (lost the daemon).
  EXPECT_EQ(client.exit_code, 1) << client.out << client.err;
  EXPECT_NE(client.err.find("reconnected to vhtaskd (" + m_daemon.socket() + ")"),
            std::string::npos)
      << client.err;
  EXPECT_NE(client.out.find("Task 1 complete: 1 error"), std::string::npos) << client.out;
  EXPECT_EQ(state_of_first(), "error");
}

TEST_P(ReconnectTest, LogsFollowPrintsEveryByteOnceAcrossARestart) {
  // 200,000 lines (1.3 MB) stream while the daemon is restarted; 100 more come after the gate.
  m_daemon.dir().write("project/valohai.yaml",
                       gated_step("seq 1 200000", "seq 200001 200100; printf \\\"\\\\377end\\\""));
  auto rpc = m_daemon.connect();
  ASSERT_TRUE(rpc->call("start", {{"config_text", read_file((project() / "valohai.yaml").string())},
                                  {"step", "s"},
                                  {"cwd", project().string()},
                                  {"env", json::object{{"PATH", "/usr/bin:/bin"}}}}));
  const fs::path printed = m_daemon.dir().path() / "printed.txt";
  RunResult client;
  std::thread follower([&] {
    client = run_process(
        {"sh", "-c", "exec \"$0\" logs -f 1 > \"$1\"", client_binary(), printed.string()},
        client_options());
  });
  // Restart once the client has printed part of the log, not all of it.
  std::uintmax_t before_restart = 0;
  const bool streaming = wait_until(
      [&] {
        std::error_code ec;
        before_restart = fs::exists(printed) ? fs::file_size(printed, ec) : 0;
        return before_restart > 0;
      },
      30s);
  if (streaming) {
    restart();
  }
  follower.join();
  ASSERT_TRUE(streaming) << client.err;
  print_reconnect(client.err);
  std::cout << "[measured] " << before_restart << " bytes printed when the restart began\n";
  EXPECT_EQ(client.exit_code, 1) << client.err;  // the execution exited 3
  EXPECT_NE(client.err.find("reconnected to vhtaskd"), std::string::npos) << client.err;
  const std::string log =
      read_file((fs::path(m_daemon.state_dir()) / "executions" / "1" / "output.log").string());
  ASSERT_GT(log.size(), 1'000'000u);
  // Byte for byte, except that the one byte that is not UTF-8 arrives as U+FFFD (protocol.md).
  std::string expected = log;
  expected.replace(expected.rfind("\377end"), 1, "\xEF\xBF\xBD");
  const std::string got = read_file(printed.string());
  EXPECT_EQ(got.size(), expected.size());
  EXPECT_TRUE(got == expected) << "the printed log differs from output.log";
}

INSTANTIATE_TEST_SUITE_P(Restarts, ReconnectTest,
                         ::testing::Values(Restart::sigterm, Restart::sigkill),
                         [](const auto& param_info) {
                           return param_info.param == Restart::sigterm ? "Sigterm" : "Sigkill";
                         });

TEST(Reconnect, ADaemonThatStaysAwayEndsTheWaitWithExit3WithinTheBound) {
  DaemonHarness daemon;
  ASSERT_TRUE(daemon.start()) << daemon.log();
  daemon.dir().write("project/valohai.yaml", gated_step("true", "true"));
  RunOptions options;
  for (const auto& [key, value] : daemon.client_env()) {
    options.env[key] = value;
  }
  options.env["VHTASK_RECONNECT_TIMEOUT_MS"] = "700";
  options.cwd = (daemon.dir().path() / "project").string();
  RunResult client;
  Clock::time_point stopped;
  std::thread waiter([&] {
    client = run_process({client_binary(), "start", "s", "--wait"}, options);
  });
  const bool started = wait_until(
      [&] {
        auto rpc = daemon.connect();
        const auto reply = rpc->call("show", {{"execution", 1}});
        return reply && reply->contains("result") &&
               reply->at("result").at("execution").at("state") == "started";
      },
      30s);
  if (started) {
    stopped = Clock::now();
    EXPECT_EQ(daemon.stop(), 0);
  }
  waiter.join();
  ASSERT_TRUE(started);
  const auto took = std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - stopped);
  EXPECT_EQ(client.exit_code, 3) << client.err;
  EXPECT_NE(client.err.find("lost vhtaskd and could not reconnect within 0.7 s: vhtaskd is not "
                            "running (socket " +
                            daemon.socket() + ")"),
            std::string::npos)
      << client.err;
  EXPECT_LT(took, 5s);
  std::ofstream(daemon.dir().path() / "project" / "gate").put('\n');  // let the execution end
}

}  // namespace
}  // namespace vhtask::test
