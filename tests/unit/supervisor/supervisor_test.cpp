// vhtask-supervise, run as a real process on real shell one-liners (supervisor/supervisor.h).
#include "supervisor/supervisor.h"

#include "supervisor/proc_identity.h"
#include "tests/support/temp_dir.h"
#include "tests/support/test_paths.h"
#include "tests/support/wait_until.h"

#include <boost/json.hpp>
#include <gtest/gtest.h>

#include <fcntl.h>
#include <filesystem>
#include <optional>
#include <poll.h>
#include <regex>
#include <signal.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

extern char** environ;

namespace vhtask::supervisor {
namespace {

using namespace std::chrono_literals;

struct SpawnOptions {
  std::vector<std::string> args;  // options before EXEC_DIR
  std::vector<std::string> env;   // KEY=VALUE added to the test's environment
  std::optional<rlim_t> file_size_limit;
  bool dirty_signals = false;  // start it with SIGPIPE/SIGUSR1 ignored and SIGUSR2 blocked
};

SpawnOptions with_args(std::vector<std::string> args) {
  SpawnOptions options;
  options.args = std::move(args);
  return options;
}

SpawnOptions with_file_size_limit(rlim_t bytes) {
  SpawnOptions options;
  options.file_size_limit = bytes;
  return options;
}

pid_t spawn(const std::string& exec_dir, const SpawnOptions& options) {
  std::vector<std::string> argv{VHTASK_SUPERVISE_BINARY};
  argv.insert(argv.end(), options.args.begin(), options.args.end());
  argv.push_back(exec_dir);
  std::vector<std::string> env;
  for (char** e = environ; *e != nullptr; ++e) {
    env.emplace_back(*e);
  }
  env.insert(env.end(), options.env.begin(), options.env.end());
  std::vector<char*> argv_c;
  for (auto& a : argv) {
    argv_c.push_back(a.data());
  }
  argv_c.push_back(nullptr);
  std::vector<char*> env_c;
  for (auto& e : env) {
    env_c.push_back(e.data());
  }
  env_c.push_back(nullptr);
  const pid_t pid = fork();
  if (pid == 0) {
    if (options.file_size_limit) {
      const rlimit limit{*options.file_size_limit, *options.file_size_limit};
      setrlimit(RLIMIT_FSIZE, &limit);
    }
    if (options.dirty_signals) {
      signal(SIGPIPE, SIG_IGN);
      signal(SIGUSR1, SIG_IGN);
      sigset_t set;
      sigemptyset(&set);
      sigaddset(&set, SIGUSR2);
      sigprocmask(SIG_BLOCK, &set, nullptr);
    }
    execve(argv_c[0], argv_c.data(), env_c.data());
    _exit(126);
  }
  return pid;
}

// The wait status of pid once it exits, or nullopt (and pid killed) after `timeout`.
std::optional<int> wait_exit(pid_t pid, std::chrono::milliseconds timeout) {
  const int fd = static_cast<int>(syscall(SYS_pidfd_open, pid, 0));
  pollfd ready{fd, POLLIN, 0};
  const int rc = poll(&ready, 1, static_cast<int>(timeout.count()));
  close(fd);
  int status = 0;
  if (rc != 1) {
    kill(pid, SIGKILL);
    waitpid(pid, &status, 0);
    return std::nullopt;
  }
  waitpid(pid, &status, 0);
  return status;
}

boost::json::object read_json(const std::string& path) {
  const auto value = boost::json::parse(test::read_file(path));
  return value.is_object() ? value.as_object() : boost::json::object{};
}

// The file's content, or "" while it does not exist yet (for polling).
std::string read_if_present(const std::string& path) {
  std::string text;
  const int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    return text;
  }
  char buf[65536];
  for (ssize_t n = 0; (n = read(fd, buf, sizeof buf)) > 0;) {
    text.append(buf, static_cast<std::size_t>(n));
  }
  close(fd);
  return text;
}

bool process_gone(pid_t pid) {
  return kill(pid, 0) != 0 && errno == ESRCH;
}

// The first line of the log as a pid (commands below print `$!` first).
pid_t first_line_pid(const std::string& log) {
  return static_cast<pid_t>(std::stol(log));
}

class SupervisorTest : public ::testing::Test {
protected:
  SupervisorTest() { std::filesystem::create_directory(exec_dir()); }

  std::string exec_dir() const { return (m_temp.path() / "exec").string(); }
  std::string path(const char* name) const { return exec_dir() + "/" + name; }
  std::string log() const { return read_if_present(path("output.log")); }
  boost::json::object status() const { return read_json(path("status.json")); }

  pid_t start(const std::string& command, const SpawnOptions& options = {}) {
    m_temp.write("exec/command", command);
    return spawn(exec_dir(), options);
  }

  // Runs the command to the end; returns status.json.
  boost::json::object run(const std::string& command, const SpawnOptions& options = {}) {
    const pid_t pid = start(command, options);
    const auto wait_status = wait_exit(pid, 10s);
    EXPECT_TRUE(wait_status) << "supervisor did not exit";
    EXPECT_TRUE(wait_status && WIFEXITED(*wait_status) && WEXITSTATUS(*wait_status) == 0);
    return status();
  }

  test::TempDir m_temp;
};

TEST_F(SupervisorTest, ExitZeroWritesLogStatusAndSupervisorJson) {
  const auto result = run("echo out; echo err >&2");
  EXPECT_EQ(log(), "out\nerr\n");
  EXPECT_EQ(result.at("exit_code"), 0);
  EXPECT_TRUE(result.at("signal").is_null());
  EXPECT_TRUE(result.at("reason").is_null());
  EXPECT_EQ(result.at("stop_requested"), false);
  const std::regex iso(R"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z)");
  EXPECT_TRUE(std::regex_match(std::string(result.at("started_at").as_string()), iso));
  EXPECT_TRUE(std::regex_match(std::string(result.at("finished_at").as_string()), iso));
  EXPECT_LE(result.at("started_at").as_string(), result.at("finished_at").as_string());

  const auto record = read_json(path("supervisor.json"));
  EXPECT_GT(record.at("supervisor_pid").to_number<int>(), 0);
  EXPECT_GT(record.at("child_pid").to_number<int>(), 0);
  EXPECT_LE(record.at("supervisor_start_time").to_number<std::uint64_t>(),
            record.at("child_start_time").to_number<std::uint64_t>());
  EXPECT_FALSE(std::filesystem::exists(path("status.json.tmp")));
  const auto mode = std::filesystem::status(path("output.log")).permissions();
  EXPECT_EQ(mode, std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);
}

TEST_F(SupervisorTest, NonZeroExitCode) {
  const auto result = run("exit 3");
  EXPECT_EQ(result.at("exit_code"), 3);
  EXPECT_TRUE(result.at("signal").is_null());
}

TEST_F(SupervisorTest, KilledBySignal) {
  const auto result = run("kill -TERM $$");
  EXPECT_TRUE(result.at("exit_code").is_null());
  EXPECT_EQ(result.at("signal"), SIGTERM);
  EXPECT_EQ(result.at("stop_requested"), false);
}

TEST_F(SupervisorTest, StdinIsClosed) {
  const auto result = run("cat -; echo done");
  EXPECT_EQ(result.at("exit_code"), 0);
  EXPECT_EQ(log(), "done\n");
}

TEST_F(SupervisorTest, OneMegabyteOfOutput) {
  const auto result = run("head -c 1048576 /dev/zero");
  EXPECT_EQ(result.at("exit_code"), 0);
  EXPECT_EQ(std::filesystem::file_size(path("output.log")), 1048576u);
}

TEST_F(SupervisorTest, CleanSignalStateOwnProcessGroupCwdAndEnvironment) {
  SpawnOptions options;
  options.dirty_signals = true;
  options.args = {"--cwd", m_temp.path().string()};
  options.env = {"VHTASK_TEST_VALUE=hello there"};
  const auto result =
      run("grep -E '^Sig(Blk|Ign)' /proc/self/status; cut -d' ' -f5 /proc/$$/stat; pwd; "
          "echo \"$VHTASK_TEST_VALUE\"",
          options);
  EXPECT_EQ(result.at("exit_code"), 0);
  const auto child = read_json(path("supervisor.json")).at("child_pid").to_number<int>();
  EXPECT_EQ(log(), "SigBlk:\t0000000000000000\nSigIgn:\t0000000000000000\n" +
                       std::to_string(child) + "\n" + m_temp.path().string() + "\nhello there\n");
}

TEST_F(SupervisorTest, TimeLimitStopsTheCommand) {
  const auto begin = std::chrono::steady_clock::now();
  const auto result = run("sleep 100", with_args({"--time-limit", "0.3"}));
  EXPECT_LT(std::chrono::steady_clock::now() - begin, 5s);
  EXPECT_EQ(result.at("signal"), SIGTERM);
  EXPECT_EQ(result.at("reason"), "time limit of 0.3s exceeded");
  EXPECT_EQ(result.at("stop_requested"), false);
}

TEST_F(SupervisorTest, NoOutputTimeoutStopsASilentCommand) {
  const auto result = run("echo start; sleep 100", with_args({"--no-output-timeout", "0.3"}));
  EXPECT_EQ(result.at("signal"), SIGTERM);
  EXPECT_EQ(result.at("reason"), "no output for 0.3s");
  EXPECT_EQ(log(), "start\n");
}

TEST_F(SupervisorTest, SteadyOutputKeepsTheNoOutputTimerAtBay) {
  const auto result = run("for i in 1 2 3 4 5 6; do echo $i; sleep 0.1; done",
                          with_args({"--no-output-timeout", "0.4"}));
  EXPECT_EQ(result.at("exit_code"), 0);
  EXPECT_TRUE(result.at("reason").is_null());
}

TEST_F(SupervisorTest, SigtermStopsTheGroupAndGrandchildren) {
  const pid_t pid = start("sleep 100 & echo $!; wait");
  ASSERT_TRUE(test::wait_until([&] { return log().find('\n') != std::string::npos; }, 5s));
  ASSERT_TRUE(
      test::wait_until([&] { return std::filesystem::exists(path("supervisor.json")); }, 5s));
  const pid_t grandchild = first_line_pid(log());
  // supervisor.json identifies both live processes by pid and start time.
  const auto record = read_json(path("supervisor.json"));
  EXPECT_EQ(record.at("supervisor_pid").to_number<int>(), pid);
  EXPECT_TRUE(process_matches(pid, record.at("supervisor_start_time").to_number<std::uint64_t>()));
  const auto child = record.at("child_pid").to_number<pid_t>();
  EXPECT_TRUE(process_matches(child, record.at("child_start_time").to_number<std::uint64_t>()));
  EXPECT_FALSE(process_gone(grandchild));

  kill(pid, SIGTERM);
  const auto wait_status = wait_exit(pid, 10s);
  ASSERT_TRUE(wait_status);
  EXPECT_EQ(WEXITSTATUS(*wait_status), 0);
  const auto result = status();
  EXPECT_EQ(result.at("stop_requested"), true);
  EXPECT_EQ(result.at("signal"), SIGTERM);
  EXPECT_TRUE(process_gone(grandchild));
  EXPECT_TRUE(process_gone(child));
}

TEST_F(SupervisorTest, GraceEndsWithSigkill) {
  const pid_t pid = start("trap '' TERM; echo ready; sleep 100", with_args({"--grace", "0.2"}));
  ASSERT_TRUE(test::wait_until([&] { return log() == "ready\n"; }, 5s));
  kill(pid, SIGTERM);
  ASSERT_TRUE(wait_exit(pid, 10s));
  EXPECT_EQ(status().at("signal"), SIGKILL);
  EXPECT_EQ(status().at("stop_requested"), true);
  EXPECT_EQ(status().at("reason"),
            "stopped by request: SIGKILL after the 0.2s grace period (it did not exit on SIGTERM)");
}

TEST_F(SupervisorTest, ALimitEndedBySigkillSaysBoth) {
  const auto result = run("trap '' TERM; echo ready; sleep 100",
                          with_args({"--time-limit", "0.3", "--grace", "0.2"}));
  EXPECT_EQ(result.at("signal"), SIGKILL);
  EXPECT_EQ(result.at("reason"),
            "time limit of 0.3s exceeded: SIGKILL after the 0.2s grace period (it did not exit on "
            "SIGTERM)");
}

TEST_F(SupervisorTest, AStopObeyedWithinTheGraceHasNoSigkillReason) {
  const pid_t pid = start("echo ready; sleep 100", with_args({"--grace", "5"}));
  ASSERT_TRUE(test::wait_until([&] { return log() == "ready\n"; }, 5s));
  kill(pid, SIGTERM);
  ASSERT_TRUE(wait_exit(pid, 10s));
  EXPECT_EQ(status().at("signal"), SIGTERM);
  EXPECT_TRUE(status().at("reason").is_null());
}

TEST_F(SupervisorTest, LeftoversAreKilledWhenTheCommandExits) {
  const auto result = run("sleep 100 & echo $!");
  EXPECT_EQ(result.at("exit_code"), 0);
  EXPECT_TRUE(process_gone(first_line_pid(log())));
}

TEST_F(SupervisorTest, ShebangCommandRunsAsAScript) {
  const auto result = run("#!/bin/sh\necho \"script $0\"\n");
  EXPECT_EQ(result.at("exit_code"), 0);
  EXPECT_EQ(log(), "script " + std::filesystem::canonical(path("script")).string() + "\n");
  EXPECT_EQ(std::filesystem::status(path("script")).permissions(),
            std::filesystem::perms::owner_all);
}

// A list command is one script, one item a line (spec 2.3 item 5): bash, one session, no
// `set -e`, the last line's status. dash has no `source` and no `$BASH_VERSION`.
TEST_F(SupervisorTest, MultiLineScriptRunsInOneBashSessionWithTheLastLinesStatus) {
  m_temp.write("exec/env.sh", "GREETING=hello\n");
  const auto result =
      run("source env.sh\n"
          "false\n"
          "echo \"$GREETING ${BASH_VERSION:+bash}\"\n"
          "exit_with() { return \"$1\"; }\n"
          "exit_with 5\n",
          with_args({"--cwd", exec_dir()}));
  EXPECT_EQ(result.at("exit_code"), 5);
  EXPECT_EQ(log(), "hello bash\n");
  const auto ok = run("false\ntrue\n");
  EXPECT_EQ(ok.at("exit_code"), 0);
}

TEST_F(SupervisorTest, ExecFailureIs127WithAReason) {
  const auto result = run("#!/nonexistent/interpreter\n");
  EXPECT_EQ(result.at("exit_code"), 127);
  EXPECT_EQ(std::string(result.at("reason").as_string()).rfind("cannot execute ", 0), 0u)
      << result.at("reason");
}

TEST_F(SupervisorTest, MissingWorkingDirectoryIs127WithAReason) {
  const auto result = run("true", with_args({"--cwd", "/nonexistent/dir"}));
  EXPECT_EQ(result.at("exit_code"), 127);
  const std::string reason(result.at("reason").as_string());
  EXPECT_NE(reason.find("cannot change directory to /nonexistent/dir"), std::string::npos)
      << reason;
}

TEST_F(SupervisorTest, FileSizeLimitSignalIsReportedAsALogFailure) {
  const auto result = run("head -c 1048576 /dev/zero", with_file_size_limit(65536));
  EXPECT_EQ(result.at("signal"), SIGXFSZ);
  EXPECT_EQ(result.at("reason"), "log file could not be written: file size limit or disk full");
  EXPECT_EQ(std::filesystem::file_size(path("output.log")), 65536u);
}

TEST_F(SupervisorTest, FileSizeLimitWriteErrorIsReportedAsALogFailure) {
  // With SIGXFSZ ignored the write fails with EFBIG and the command exits non-zero.
  const auto result = run("trap '' XFSZ; head -c 1048576 /dev/zero", with_file_size_limit(65536));
  EXPECT_NE(result.at("exit_code"), 0);
  EXPECT_EQ(result.at("reason"), "log file could not be written: file size limit or disk full");
}

TEST_F(SupervisorTest, WithoutACommandFileThereIsNoStatus) {
  const pid_t pid = spawn(exec_dir(), {});
  const auto wait_status = wait_exit(pid, 10s);
  ASSERT_TRUE(wait_status);
  EXPECT_EQ(WEXITSTATUS(*wait_status), 1);
  EXPECT_FALSE(std::filesystem::exists(path("status.json")));
}

TEST(SuperviseArgsTest, ParsesOptionsAndRejectsBadOnes) {
  const auto parsed =
      parse_supervise_args({"--time-limit", "1.5", "--grace", "0", "--cwd", "/tmp", "dir"});
  ASSERT_TRUE(parsed) << parsed.error().message;
  const SuperviseOptions& options = parsed.value();
  EXPECT_EQ(options.time_limit, std::chrono::milliseconds(1500));
  EXPECT_EQ(options.grace, std::chrono::milliseconds(0));
  EXPECT_EQ(options.cwd, "/tmp");
  EXPECT_EQ(options.exec_dir, "dir");
  EXPECT_FALSE(options.no_output_timeout);

  EXPECT_FALSE(parse_supervise_args({}));
  EXPECT_FALSE(parse_supervise_args({"--time-limit", "0", "dir"}));
  EXPECT_FALSE(parse_supervise_args({"--no-output-timeout", "x", "dir"}));
  EXPECT_FALSE(parse_supervise_args({"dir", "--grace"}));
  EXPECT_FALSE(parse_supervise_args({"dir", "other"}));
  EXPECT_FALSE(parse_supervise_args({"--bogus", "dir"}));
}

}  // namespace
}  // namespace vhtask::supervisor
