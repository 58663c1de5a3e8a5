// The whole user journey through the installed `vhtask` client against a real daemon: every
// command, every exit code, autostart under a race, and reruns kept as history.

#include "tests/integration/journey.h"
#include "tests/support/daemon_harness.h"
#include "tests/support/subprocess.h"
#include "tests/support/test_paths.h"

#include <boost/json.hpp>
#include <gtest/gtest.h>

#include <dirent.h>
#include <fstream>
#include <signal.h>
#include <sstream>
#include <thread>

namespace vhtask::test {
namespace {

using namespace std::chrono_literals;
namespace json = boost::json;

// The local executor. Slurm runs the same journey in slurm_test.cpp.
class Journey : public JourneyFixture {
protected:
  void SetUp() override { start_daemon({"--parallel", "4"}); }
};

TEST_F(Journey, StartWaitStatusShowLogsRerun) {
  start_wait_status_show_logs_rerun();
}

TEST_F(Journey, StopParallelAndShutdown) {
  stop_parallel_and_shutdown();
}

TEST_F(Journey, ExitCodesForUsageValidationAndUnreachable) {
  EXPECT_EQ(vhtask({"start"}).exit_code, 2);
  EXPECT_EQ(vhtask({"start", "nope"}).exit_code, 2);
  EXPECT_EQ(vhtask({"start", "job", "--param", "i=x"}).exit_code, 2);
  EXPECT_EQ(vhtask({"show", "999"}).exit_code, 2);
  EXPECT_EQ(vhtask({"status", "--bogus"}).exit_code, 2);
  const auto not_found = vhtask({"wait", "42"});
  EXPECT_EQ(not_found.exit_code, 2);
  EXPECT_NE(not_found.err.find("42"), std::string::npos) << not_found.err;
  ASSERT_EQ(m_daemon.stop(), 0);
  const auto unreachable = vhtask({"status"});
  EXPECT_EQ(unreachable.exit_code, 3);
  EXPECT_NE(unreachable.err.find("vhtask daemon"), std::string::npos) << unreachable.err;
}

// The pids of running vhtaskd processes whose command line names `state_dir`.
std::vector<pid_t> daemons_using(const std::string& state_dir) {
  std::vector<pid_t> pids;
  DIR* proc = opendir("/proc");
  while (dirent* entry = readdir(proc)) {
    const std::string name = entry->d_name;
    if (name.find_first_not_of("0123456789") != std::string::npos) {
      continue;
    }
    std::ifstream in("/proc/" + name + "/cmdline");
    // Not istreambuf_iterator: a process exiting mid-read fails read(2) with ESRCH, which the
    // iterator lets out as an exception; `<<` of the buffer turns it into failbit instead.
    std::ostringstream text;
    text << in.rdbuf();
    const std::string cmdline = text.str();
    if (cmdline.find("vhtaskd") != std::string::npos &&
        cmdline.find(state_dir) != std::string::npos) {
      pids.push_back(std::stoi(name));
    }
  }
  closedir(proc);
  return pids;
}

TEST(Autostart, TwentyRacingClientsLeaveExactlyOneDaemon) {
  TempDir dir;
  const std::string state = (dir.path() / "state").string();
  const std::string socket = (dir.path() / "run" / "vhtask.sock").string();
  std::vector<std::thread> clients;
  std::vector<RunResult> results(20);
  for (size_t k = 0; k < results.size(); ++k) {
    clients.emplace_back([&, k] {
      RunOptions options;
      options.env = {{"VHTASK_SOCKET", socket}, {"VHTASK_STATE_DIR", state}, {"NO_COLOR", "1"}};
      options.deadline = 60s;
      results[k] = run_process({client_binary(), "status", "--json"}, options);
    });
  }
  for (auto& t : clients) {
    t.join();
  }
  for (const auto& r : results) {
    EXPECT_EQ(r.exit_code, 0) << r.err;
  }
  const auto pids = daemons_using(state);
  EXPECT_EQ(pids.size(), 1u);
  RunOptions options;
  options.env = {{"VHTASK_SOCKET", socket}, {"VHTASK_STATE_DIR", state}};
  EXPECT_EQ(run_process({client_binary(), "shutdown"}, options).exit_code, 0);
  for (const pid_t pid : pids) {
    // The daemon exits after shutdown; reap-free check: signal 0 fails once it is gone.
    const auto gone = [&] { return ::kill(pid, 0) != 0; };
    const auto until = std::chrono::steady_clock::now() + 20s;
    while (!gone() && std::chrono::steady_clock::now() < until) {
      std::this_thread::sleep_for(10ms);
    }
    EXPECT_TRUE(gone()) << "vhtaskd " << pid << " still running";
  }
}

}  // namespace
}  // namespace vhtask::test
