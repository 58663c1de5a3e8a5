// What the state directory holds and who may read or redirect it, through a real vhtaskd: a
// database that was deleted under existing execution directories, files and directories created
// under umask 000, a state dir that is a symlink owned by someone else, and the record of the
// SIGKILL a stop sends after its grace period. docs/reliability.md ("Data at rest") lists the
// results; each test prints one `[at-rest] ...` line with what it measured.

#include "tests/support/daemon_harness.h"
#include "tests/support/start_params.h"
#include "tests/support/subprocess.h"
#include "tests/support/test_paths.h"
#include "tests/support/wait_until.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <map>
#include <sys/stat.h>
#include <unistd.h>
#include <vector>

namespace vhtask::test {
namespace {

using namespace std::chrono_literals;
namespace fs = std::filesystem;
namespace json = boost::json;

// `start` params for `count` executions of `command` (any text without `{`, the placeholders),
// with i = 0..count-1 that the command does not use, and a secret in the environment.
json::object executions_of(const std::string& command, int count) {
  auto params = grid_task(count, command);
  params["env"] = json::object{{"PATH", "/usr/bin:/bin"}, {"SECRET_TOKEN", "hunter2"}};
  return params;
}

json::object result_of(const std::optional<json::object>& response) {
  EXPECT_TRUE(response.has_value()) << "no response";
  if (!response || !response->contains("result")) {
    ADD_FAILURE() << (response ? json::serialize(*response) : "");
    return {};
  }
  return response->at("result").as_object();
}

// Starts a task, waits for it to end, and returns its execution rows.
json::array run_task(RpcClient& rpc, const std::string& command, int count) {
  const auto started = result_of(rpc.call("start", executions_of(command, count)));
  if (!started.contains("task")) {
    return {};
  }
  const auto task = started.at("task").as_int64();
  result_of(rpc.call("wait", {{"task", task}}, 30s));
  return result_of(rpc.call("status", {{"task", task}})).at("executions").as_array();
}

RunOptions client_options(const DaemonHarness& daemon) {
  RunOptions options;
  for (const auto& [key, value] : daemon.client_env()) {
    options.env[key] = value;
  }
  options.env["NO_COLOR"] = "1";
  return options;
}

std::string octal(mode_t mode) {
  char text[8];
  std::snprintf(text, sizeof text, "%04o", static_cast<unsigned>(mode & 07777));
  return text;
}

// --- A lost database ------------------------------------------------------------------------

TEST(AtRest, ALostDatabaseNeverReusesAnExecutionDirectoryAndIsReported) {
  DaemonHarness daemon;
  ASSERT_TRUE(daemon.start()) << daemon.log();
  {
    auto rpc = daemon.connect();
    const auto rows = run_task(*rpc, "echo old run $VHTASK_EXECUTION_ID", 3);
    ASSERT_EQ(rows.size(), 3u);
    EXPECT_EQ(rows.back().at("id").as_int64(), 3);
  }
  ASSERT_EQ(daemon.stop(), 0);
  const fs::path executions = fs::path(daemon.state_dir()) / "executions";
  const std::string old_log = read_file((executions / "1" / "output.log").string());
  ASSERT_EQ(old_log, "old run 1\n");
  for (const char* suffix : {"", "-wal", "-shm"}) {
    fs::remove(daemon.db() + suffix);
  }

  ASSERT_TRUE(daemon.start()) << daemon.log();
  auto rpc = daemon.connect();
  // The daemon says what it found, in its log and to every `status`.
  const auto status = result_of(rpc->call("status", {}));
  ASSERT_TRUE(status.contains("warnings")) << json::serialize(status);
  const std::string warning(status.at("warnings").as_array().at(0).as_string());
  EXPECT_NE(warning.find(executions.string()), std::string::npos) << warning;
  EXPECT_NE(warning.find("3 execution directories (ids 1 to 3)"), std::string::npos) << warning;
  EXPECT_NE(warning.find("from 4 on"), std::string::npos) << warning;
  EXPECT_NE(daemon.log().find(warning), std::string::npos) << daemon.log();
  const auto shown = run_process({client_binary(), "status"}, client_options(daemon));
  EXPECT_EQ(shown.exit_code, 0) << shown.err;
  EXPECT_NE(shown.err.find("vhtask: warning: " + warning), std::string::npos) << shown.err;

  // New executions get new ids and new directories; the old ones are left as they were.
  const auto rows = run_task(*rpc, "echo new run $VHTASK_EXECUTION_ID", 2);
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0].at("id").as_int64(), 4);
  EXPECT_EQ(rows[1].at("id").as_int64(), 5);
  EXPECT_EQ(rows[0].at("state"), "complete");
  EXPECT_EQ(read_file((executions / "1" / "output.log").string()), old_log);
  EXPECT_EQ(read_file((executions / "4" / "output.log").string()), "new run 4\n");
  const auto old_show = rpc->call("show", {{"execution", 1}});
  ASSERT_TRUE(old_show);
  EXPECT_TRUE(old_show->contains("error")) << json::serialize(*old_show);
  const auto logs = run_process({client_binary(), "logs", "1"}, client_options(daemon));
  EXPECT_NE(logs.exit_code, 0);
  EXPECT_EQ(logs.out.find("old run"), std::string::npos) << logs.out;
  std::cerr << "[at-rest] lost database: new ids " << rows[0].at("id") << ", " << rows[1].at("id")
            << "; status warning: " << warning << "\n";

  // Once the database knows ids above every directory, a restart has nothing to report.
  rpc.reset();
  ASSERT_EQ(daemon.stop(), 0);
  ASSERT_TRUE(daemon.start()) << daemon.log();
  EXPECT_FALSE(result_of(daemon.connect()->call("status", {})).contains("warnings"));
}

// --- Permissions ----------------------------------------------------------------------------

// Restores the test's umask when the scope ends.
class UmaskGuard {
public:
  explicit UmaskGuard(mode_t mask) : m_old(::umask(mask)) {}
  ~UmaskGuard() { ::umask(m_old); }
  UmaskGuard(const UmaskGuard&) = delete;
  UmaskGuard& operator=(const UmaskGuard&) = delete;

private:
  mode_t m_old;
};

TEST(AtRest, UnderUmask000EveryFileIsPrivate) {
  DaemonHarness daemon;
  {
    UmaskGuard guard(0);  // inherited by vhtaskd, its supervisors and their commands
    ASSERT_TRUE(daemon.start()) << daemon.log();
  }
  {
    auto rpc = daemon.connect();
    const auto rows = run_task(*rpc, "#!/bin/sh\necho private", 2);
    ASSERT_EQ(rows.size(), 2u);
    EXPECT_EQ(rows[0].at("state"), "complete");
  }
  std::map<std::string, mode_t> modes;
  const auto note = [&modes](const fs::path& path) {
    struct stat st {};
    ASSERT_EQ(::lstat(path.c_str(), &st), 0) << path;
    modes[path.string()] = st.st_mode;
  };
  note(daemon.state_dir());
  for (const auto& entry : fs::recursive_directory_iterator(daemon.state_dir())) {
    note(entry.path());
  }
  const fs::path socket_dir = fs::path(daemon.socket()).parent_path();
  note(socket_dir);
  note(daemon.socket());
  int dirs = 0;
  int files = 0;
  for (const auto& [path, mode] : modes) {
    const std::string name = fs::path(path).filename().string();
    if (S_ISDIR(mode)) {
      ++dirs;
      EXPECT_EQ(octal(mode), "0700") << path;
    } else if (S_ISSOCK(mode)) {
      EXPECT_EQ(octal(mode), "0600") << path;
    } else {
      ++files;
      EXPECT_TRUE(S_ISREG(mode)) << path;
      EXPECT_EQ(octal(mode), name == "script" ? "0700" : "0600") << path;
    }
  }
  // The database and its WAL hold every task's environment.
  for (const char* name : {"vhtask.db", "vhtask.db-wal", "vhtask.db-shm", "vhtaskd.lock"}) {
    EXPECT_TRUE(modes.contains(daemon.state_dir() + "/" + name)) << name;
  }
  EXPECT_TRUE(modes.contains(daemon.state_dir() + "/executions/1/status.json"));
  std::cerr << "[at-rest] umask 000: " << dirs << " directories, all 0700; " << files
            << " files, all 0600 (script 0700); socket 0600\n";
}

TEST(AtRest, ADatabaseLeftWorldReadableIsMadePrivate) {
  DaemonHarness daemon;
  ASSERT_TRUE(daemon.start()) << daemon.log();
  ASSERT_EQ(daemon.stop(), 0);
  const std::vector<std::string> files{daemon.db(), daemon.db() + "-wal", daemon.db() + "-shm",
                                       daemon.state_dir() + "/vhtaskd.lock"};
  for (const auto& path : files) {
    if (fs::exists(path)) {
      ASSERT_EQ(::chmod(path.c_str(), 0644), 0);
    }
  }
  ASSERT_TRUE(daemon.start()) << daemon.log();
  for (const auto& path : files) {
    struct stat st {};
    ASSERT_EQ(::stat(path.c_str(), &st), 0) << path;
    EXPECT_EQ(octal(st.st_mode), "0600") << path;
  }
}

// --- A symlinked state dir ------------------------------------------------------------------

RunResult run_daemon(const std::string& state_dir, const std::string& socket) {
  RunOptions options;
  options.deadline = 10s;
  return run_process(
      {daemon_binary(), "--foreground", "--state-dir", state_dir, "--socket", socket}, options);
}

TEST(AtRest, AStateDirSymlinkOwnedByAnotherUserIsRefused) {
  if (::geteuid() != 0) {
    GTEST_SKIP() << "needs root to give a symlink to another uid";
  }
  TempDir dir;
  const fs::path target = dir.path() / "mine";
  fs::create_directory(target);
  ASSERT_EQ(::chmod(target.c_str(), 0700), 0);
  const fs::path link = dir.path() / "state";
  fs::create_directory_symlink(target, link);
  ASSERT_EQ(::lchown(link.c_str(), 65534, 65534), 0);
  const auto r = run_daemon(link.string(), (dir.path() / "s.sock").string());
  EXPECT_FALSE(r.timed_out);
  EXPECT_EQ(r.exit_code, 1) << r.err;
  EXPECT_NE(r.err.find(link.string() + " is a symbolic link owned by uid 65534"), std::string::npos)
      << r.err;
  EXPECT_TRUE(fs::is_empty(target)) << "the daemon wrote through the link";
  std::cerr << "[at-rest] state dir symlink owned by 65534: exit " << r.exit_code << ": " << r.err;
}

TEST(AtRest, AStateDirSymlinkToAnotherUsersDirectoryIsRefused) {
  if (::geteuid() != 0) {
    GTEST_SKIP() << "needs root to give a directory to another uid";
  }
  TempDir dir;
  const fs::path target = dir.path() / "theirs";
  fs::create_directory(target);
  ASSERT_EQ(::chmod(target.c_str(), 0700), 0);
  ASSERT_EQ(::chown(target.c_str(), 65534, 65534), 0);
  const fs::path link = dir.path() / "state";
  fs::create_directory_symlink(target, link);
  const auto r = run_daemon(link.string(), (dir.path() / "s.sock").string());
  EXPECT_EQ(r.exit_code, 1) << r.err;
  EXPECT_NE(r.err.find(link.string() + " is owned by uid 65534"), std::string::npos) << r.err;
}

TEST(AtRest, AStateDirSymlinkOfYourOwnIsFollowed) {
  DaemonHarness daemon;
  const fs::path target = daemon.dir().path() / "real-state";
  fs::create_directory(target);
  ASSERT_EQ(::chmod(target.c_str(), 0700), 0);
  fs::create_directory_symlink(target, daemon.state_dir());
  ASSERT_TRUE(daemon.start()) << daemon.log();
  EXPECT_TRUE(fs::exists(target / "vhtask.db"));
}

// --- The SIGKILL after the grace period -----------------------------------------------------

TEST(AtRest, AStopThatEndsInSigkillSaysSo) {
  DaemonHarness daemon;
  ASSERT_TRUE(daemon.start({"--grace", "1"})) << daemon.log();
  auto rpc = daemon.connect();
  const auto started =
      result_of(rpc->call("start", executions_of("trap \"\" TERM; echo ready; sleep 60", 1)));
  ASSERT_TRUE(started.contains("task"));
  const auto task = started.at("task").as_int64();
  const std::string log = daemon.state_dir() + "/executions/1/output.log";
  ASSERT_TRUE(wait_until([&] { return fs::exists(log) && read_file(log) == "ready\n"; }, 10s));
  const auto t0 = std::chrono::steady_clock::now();
  result_of(rpc->call("stop", {{"task", task}}));
  result_of(rpc->call("wait", {{"task", task}}, 20s));
  const auto waited =
      std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - t0)
          .count();
  const auto shown = result_of(rpc->call("show", {{"execution", 1}})).at("execution").as_object();
  EXPECT_EQ(shown.at("state"), "stopped");
  EXPECT_EQ(shown.at("signal"), 9);
  ASSERT_TRUE(shown.at("reason").is_string()) << json::serialize(shown);
  const std::string reason(shown.at("reason").as_string());
  EXPECT_EQ(reason,
            "stopped by request: SIGKILL after the 1s grace period (it did not exit on SIGTERM)");
  const auto printed = run_process({client_binary(), "show", "1"}, client_options(daemon));
  EXPECT_NE(printed.out.find(reason), std::string::npos) << printed.out << printed.err;
  std::cerr << "[at-rest] stop with --grace 1 of a command ignoring SIGTERM: ended after " << waited
            << " ms, state " << shown.at("state") << ", reason: " << reason << "\n";
}

}  // namespace
}  // namespace vhtask::test
