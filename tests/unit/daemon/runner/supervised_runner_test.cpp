// SupervisedRunner on an io_context, with real vhtask-supervise processes
// (daemon/runner/supervised_runner.h).
#include "daemon/runner/supervised_runner.h"

#include "supervisor/proc_identity.h"
#include "tests/support/test_paths.h"
#include "tests/support/wait_until.h"

#include <boost/asio/io_context.hpp>
#include <gtest/gtest.h>

#include <cstdlib>
#include <fcntl.h>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <signal.h>
#include <stdexcept>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

namespace vhtask::daemon {
namespace {

using namespace std::chrono_literals;

bool exists(const std::string& path) {
  return std::filesystem::exists(path);
}

// Gone, or a zombie nobody reaped yet: either way it runs no more.
bool not_running(pid_t pid) {
  const auto stat = supervisor::read_proc_stat(pid);
  return !stat || stat->state == 'Z';
}

// A scratch directory on tmpfs (/dev/shm) when there is one: hundreds of execution directories
// on a slow disk would make the tests measure the disk, not the runner. Removed with its
// content.
class ScratchDir {
public:
  ScratchDir() {
    const bool shm = access("/dev/shm", W_OK | X_OK) == 0;
    std::string pattern =
        (shm ? std::filesystem::path("/dev/shm") : std::filesystem::temp_directory_path()) /
        "vhtask-runner-test-XXXXXX";
    if (mkdtemp(pattern.data()) == nullptr) {
      throw std::runtime_error("mkdtemp failed");
    }
    m_path = pattern;
  }
  ~ScratchDir() {
    std::error_code ec;
    std::filesystem::remove_all(m_path, ec);
  }
  ScratchDir(const ScratchDir&) = delete;
  ScratchDir& operator=(const ScratchDir&) = delete;

  const std::filesystem::path& path() const { return m_path; }

  void write(const std::string& name, const std::string& content) const {
    std::filesystem::create_directories((m_path / name).parent_path());
    std::ofstream(m_path / name, std::ios::binary) << content;
  }

private:
  std::filesystem::path m_path;
};

class SupervisedRunnerTest : public ::testing::Test {
protected:
  SupervisedRunnerTest() { m_runner = make_runner(); }

  std::unique_ptr<runner::SupervisedRunner> make_runner() {
    auto runner = std::make_unique<runner::SupervisedRunner>(m_io, VHTASK_SUPERVISE_BINARY);
    runner->set_on_exit([this](ExecutionId id, runner::RunOutcome outcome) {
      m_outcomes.emplace(id, std::move(outcome));
    });
    return runner;
  }

  std::string exec_dir(ExecutionId id) const {
    return (m_temp.path() / ("exec-" + std::to_string(id))).string();
  }

  runner::LaunchSpec spec(ExecutionId id, std::string command) const {
    runner::LaunchSpec launch;
    launch.id = id;
    launch.task = 7;
    launch.command = std::move(command);
    launch.exec_dir = exec_dir(id);
    launch.env = {{"PATH", std::getenv("PATH")}};
    launch.grace_seconds = 1;
    return launch;
  }

  bool wait_for_outcomes(std::size_t count, std::chrono::milliseconds timeout = 10s) {
    return test::run_until(
        m_io, [&] { return m_outcomes.size() >= count; }, timeout);
  }

  const runner::RunOutcome& outcome(ExecutionId id) { return m_outcomes.at(id); }

  boost::asio::io_context m_io;
  ScratchDir m_temp;
  std::map<ExecutionId, runner::RunOutcome> m_outcomes;
  std::unique_ptr<runner::SupervisedRunner> m_runner;
};

TEST_F(SupervisedRunnerTest, OutcomesForExitCodesSignalsAndStop) {
  ASSERT_TRUE(m_runner->start(spec(1, "true")));
  ASSERT_TRUE(m_runner->start(spec(2, "exit 3")));
  ASSERT_TRUE(m_runner->start(spec(3, "kill -TERM $$")));
  ASSERT_TRUE(m_runner->start(spec(4, "sleep 100")));
  EXPECT_EQ(m_runner->running(), 4u);
  // Right after start: the supervisor has SIGTERM blocked from exec on, so the stop is kept.
  ASSERT_TRUE(m_runner->stop(4));
  ASSERT_TRUE(wait_for_outcomes(4));
  EXPECT_EQ(m_runner->running(), 0u);

  EXPECT_EQ(outcome(1).state, ExecutionState::complete);
  EXPECT_EQ(outcome(1).exit_code, 0);
  EXPECT_EQ(outcome(2).state, ExecutionState::error);
  EXPECT_EQ(outcome(2).exit_code, 3);
  EXPECT_EQ(outcome(3).state, ExecutionState::error);
  EXPECT_EQ(outcome(3).signal, SIGTERM);
  EXPECT_FALSE(outcome(3).exit_code);
  EXPECT_EQ(outcome(4).state, ExecutionState::stopped);
  EXPECT_EQ(outcome(4).signal, SIGTERM);
  const auto age = std::chrono::system_clock::now() - outcome(1).finished_at;
  EXPECT_TRUE(age >= 0s && age < 30s);
}

TEST_F(SupervisedRunnerTest, TimeLimitIsAnErrorWithAReason) {
  auto launch = spec(1, "sleep 100");
  launch.time_limit_seconds = 1;
  ASSERT_TRUE(m_runner->start(launch));
  ASSERT_TRUE(wait_for_outcomes(1));
  EXPECT_EQ(outcome(1).state, ExecutionState::error);
  EXPECT_EQ(outcome(1).reason, "time limit of 1s exceeded");
}

TEST_F(SupervisedRunnerTest, EnvironmentParametersAndOwnSession) {
  auto launch = spec(42,
                     "env | grep -E '^(VH_|VHTASK_|CLIENT_VAR=|PYTHONUNBUFFERED=)' | sort; "
                     "cat \"$VH_CONFIG_DIR/parameters.json\"; echo; "
                     "test -d \"$VH_INPUTS_DIR\" && test -d \"$VH_OUTPUTS_DIR\" && echo dirs; "
                     "cut -d' ' -f6 /proc/$$/stat");
  launch.slot = 5;
  launch.env["CLIENT_VAR"] = "from client";
  launch.env["VHTASK_SLOT"] = "99";     // replaced by the runner
  launch.env["PYTHONUNBUFFERED"] = "";  // so is this one
  const std::string project = std::filesystem::canonical(m_temp.path()).string();
  launch.cwd = project;
  launch.parameters_json = R"({"learning_rate": 0.1, "name": "x"})";
  const auto pid = m_runner->start(launch);
  ASSERT_TRUE(pid) << pid.error().message;
  ASSERT_TRUE(wait_for_outcomes(1));
  EXPECT_EQ(outcome(42).state, ExecutionState::complete);

  const std::string dir = std::filesystem::canonical(exec_dir(42)).string();
  // The supervisor leads a session of its own: the command's session id is its pid.
  EXPECT_EQ(test::read_file(dir + "/output.log"),
            "CLIENT_VAR=from client\n"
            "PYTHONUNBUFFERED=1\n"
            "VHTASK_EXECUTION_ID=42\n"
            "VHTASK_SLOT=5\n"
            "VHTASK_TASK_ID=7\n"
            "VH_CONFIG_DIR=" +
                dir +
                "/config\n"
                "VH_INPUTS_DIR=" +
                dir +
                "/inputs\n"
                "VH_OUTPUTS_DIR=" +
                dir +
                "/outputs\n"
                "VH_REPOSITORY_DIR=" +
                project + "\n" +
                R"({"learning_rate": 0.1, "name": "x"})"
                "\n"
                "dirs\n" +
                std::to_string(*pid) + "\n");
  EXPECT_EQ(test::read_file(dir + "/command"), launch.command);
}

TEST_F(SupervisedRunnerTest, FiveHundredTrueEightAtATime) {
  constexpr ExecutionId k_total = 500;
  constexpr std::size_t k_limit = 8;
  ExecutionId next = 1;
  std::size_t max_running = 0;
  int complete = 0;
  auto start_next = [&] {
    const auto started = m_runner->start(spec(next, "true"));
    ASSERT_TRUE(started) << started.error().message;
    ++next;
    max_running = std::max(max_running, m_runner->running());
  };
  m_runner->set_on_exit([&](ExecutionId, runner::RunOutcome result) {
    complete += result.state == ExecutionState::complete && result.exit_code == 0 ? 1 : 0;
    if (next <= k_total) {
      start_next();
    }
  });
  for (std::size_t i = 0; i < k_limit; ++i) {
    start_next();
  }
  ASSERT_TRUE(test::run_until(
      m_io, [&] { return next > k_total && m_runner->running() == 0; }, 60s));
  EXPECT_EQ(complete, k_total);
  EXPECT_EQ(max_running, k_limit);
}

TEST_F(SupervisedRunnerTest, ReattachToARunningSupervisorAfterARestart) {
  const std::string fifo = (m_temp.path() / "fifo").string();
  ASSERT_EQ(mkfifo(fifo.c_str(), 0600), 0);
  ASSERT_TRUE(m_runner->start(spec(1, "read line < '" + fifo + "'; echo \"got $line\"")));
  ASSERT_TRUE(test::wait_until([&] { return exists(exec_dir(1) + "/supervisor.json"); }, 5s));

  m_runner.reset();  // the daemon goes away; the execution keeps running
  auto second = make_runner();
  const auto attached = second->reattach(1, exec_dir(1));
  ASSERT_TRUE(attached) << attached.error().message;
  EXPECT_TRUE(*attached);
  EXPECT_EQ(second->running(), 1u);
  EXPECT_TRUE(m_outcomes.empty());

  const int fd = open(fifo.c_str(), O_WRONLY | O_CLOEXEC);  // rendezvous with the reader
  ASSERT_GE(fd, 0);
  ASSERT_EQ(write(fd, "go\n", 3), 3);
  close(fd);
  ASSERT_TRUE(wait_for_outcomes(1));
  EXPECT_EQ(outcome(1).state, ExecutionState::complete);
  EXPECT_EQ(test::read_file(exec_dir(1) + "/output.log"), "got go\n");
  EXPECT_EQ(second->running(), 0u);
}

TEST_F(SupervisedRunnerTest, ReattachAfterTheSupervisorFinishedReadsStatus) {
  const auto pid = m_runner->start(spec(1, "exit 4"));
  ASSERT_TRUE(pid);
  m_runner.reset();
  ASSERT_TRUE(test::wait_until([&] { return exists(exec_dir(1) + "/status.json"); }, 5s));
  ASSERT_EQ(waitpid(static_cast<pid_t>(*pid), nullptr, 0), *pid);  // truly gone now

  auto second = make_runner();
  const auto attached = second->reattach(1, exec_dir(1));
  ASSERT_TRUE(attached);
  EXPECT_TRUE(*attached);
  EXPECT_TRUE(m_outcomes.empty()) << "delivered inline";
  EXPECT_EQ(second->running(), 1u);
  ASSERT_TRUE(wait_for_outcomes(1));
  EXPECT_EQ(outcome(1).state, ExecutionState::error);
  EXPECT_EQ(outcome(1).exit_code, 4);
  EXPECT_EQ(second->running(), 0u);
}

TEST_F(SupervisedRunnerTest, ReattachRefusesAReusedPid) {
  // Our own pid is alive, but it is not the process that was recorded.
  const auto start_time = supervisor::process_start_time(getpid());
  ASSERT_TRUE(start_time);
  const std::string wrong = std::to_string(*start_time + 1);
  const std::string me = std::to_string(getpid());
  m_temp.write("exec-1/supervisor.json",
               "{\"supervisor_pid\": " + me + ", \"supervisor_start_time\": " + wrong +
                   ", \"child_pid\": " + me + ", \"child_start_time\": " + wrong + "}\n");
  const auto attached = m_runner->reattach(1, exec_dir(1));
  ASSERT_TRUE(attached);
  EXPECT_FALSE(*attached);
  EXPECT_EQ(m_runner->running(), 0u);
}

TEST_F(SupervisedRunnerTest, ReattachWithNothingOnDiskReturnsFalse) {
  std::filesystem::create_directories(exec_dir(1));
  const auto attached = m_runner->reattach(1, exec_dir(1));
  ASSERT_TRUE(attached);
  EXPECT_FALSE(*attached);
}

TEST_F(SupervisedRunnerTest, KilledSupervisorIsCrashedAndItsCommandDies) {
  const auto pid = m_runner->start(spec(1, "sleep 100"));
  ASSERT_TRUE(pid);
  ASSERT_TRUE(test::wait_until([&] { return exists(exec_dir(1) + "/supervisor.json"); }, 5s));
  const auto child = test::read_file(exec_dir(1) + "/supervisor.json");
  const auto at = child.find("\"child_pid\": ");
  ASSERT_NE(at, std::string::npos);
  const pid_t child_pid = static_cast<pid_t>(std::stol(child.substr(at + 13)));

  kill(static_cast<pid_t>(*pid), SIGKILL);
  ASSERT_TRUE(wait_for_outcomes(1));
  EXPECT_EQ(outcome(1).state, ExecutionState::crashed);
  ASSERT_TRUE(outcome(1).reason);
  EXPECT_NE(outcome(1).reason->find("ended without an outcome (killed by signal 9)"),
            std::string::npos)
      << *outcome(1).reason;
  EXPECT_TRUE(test::wait_until([&] { return not_running(child_pid); }, 5s));
}

// An executable the kernel cannot run passes the synchronous check; the forked child reports
// the failed exec in supervisor.log and exits 127, which arrives as a crash naming it.
TEST_F(SupervisedRunnerTest, ABinaryThatCannotExecIsACrashWithTheReason) {
  m_temp.write("not-a-program", "neither ELF nor #!\n");
  const std::string binary = (m_temp.path() / "not-a-program").string();
  ASSERT_EQ(chmod(binary.c_str(), 0700), 0);
  runner::SupervisedRunner broken(m_io, binary);
  broken.set_on_exit([this](ExecutionId id, runner::RunOutcome outcome) {
    m_outcomes.emplace(id, std::move(outcome));
  });
  ASSERT_TRUE(broken.start(spec(1, "true")));
  ASSERT_TRUE(wait_for_outcomes(1));
  EXPECT_EQ(outcome(1).state, ExecutionState::crashed);
  ASSERT_TRUE(outcome(1).reason);
  EXPECT_NE(outcome(1).reason->find("(exited with status 127)"), std::string::npos)
      << *outcome(1).reason;
  EXPECT_NE(outcome(1).reason->find("vhtaskd: cannot execute " + binary), std::string::npos)
      << *outcome(1).reason;
  EXPECT_EQ(broken.running(), 0u);
}

TEST_F(SupervisedRunnerTest, StartErrors) {
  runner::SupervisedRunner broken(m_io, "/nonexistent/vhtask-supervise");
  const auto failed = broken.start(spec(1, "true"));
  ASSERT_FALSE(failed);
  EXPECT_EQ(failed.error().code, Error::Code::spawn);
  EXPECT_EQ(broken.running(), 0u);

  auto bad_limit = spec(2, "true");
  bad_limit.time_limit_seconds = 0;
  EXPECT_FALSE(m_runner->start(bad_limit));

  ASSERT_TRUE(m_runner->start(spec(3, "sleep 100")));
  const auto twice = m_runner->start(spec(3, "true"));
  ASSERT_FALSE(twice);
  EXPECT_EQ(twice.error().code, Error::Code::invalid_argument);
  const auto unknown = m_runner->stop(99);
  ASSERT_FALSE(unknown);
  EXPECT_EQ(unknown.error().code, Error::Code::not_found);
  ASSERT_TRUE(m_runner->stop(3));
  ASSERT_TRUE(wait_for_outcomes(1));
  EXPECT_EQ(outcome(3).state, ExecutionState::stopped);
}

}  // namespace
}  // namespace vhtask::daemon
