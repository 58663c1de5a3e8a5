// Faults that are not crashes, around a real vhtaskd: the state dir's filesystem full for a
// moment, the database locked by another process for 10 s, the log dir full. The daemon keeps
// serving, says in `status` why it is stalled, and once the fault passes the task goes on from
// exactly where it was: no index skipped, none run twice, no phantom `started` row, every exit
// code true. docs/reliability.md lists the measured results.

#include "tests/support/daemon_harness.h"
#include "tests/support/start_params.h"
#include "tests/support/subprocess.h"
#include "tests/support/test_paths.h"
#include "tests/support/tmpfs_mount.h"
#include "tests/support/wait_until.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <sstream>
#include <thread>

namespace vhtask::test {
namespace {

using namespace std::chrono_literals;
namespace json = boost::json;
using Clock = std::chrono::steady_clock;

long long ms_since(Clock::time_point t0) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - t0).count();
}

// Prints its exit code, then exits with it (index % 5).
const std::string k_command =
    "echo code $(({parameter-value:i} % 5)); sleep 0.0$(({parameter-value:i} % 3)); "
    "exit $(({parameter-value:i} % 5))";

std::int64_t start_task(const DaemonHarness& daemon, const json::object& params) {
  auto rpc = daemon.connect();
  const auto started = rpc->call("start", params);
  EXPECT_TRUE(started && started->contains("result"))
      << (started ? json::serialize(*started) : "no answer");
  return started && started->contains("result") ? started->at("result").at("task").as_int64() : 0;
}

// One `status` answer for the task (the result object), or nullopt.
std::optional<json::object> status_of(RpcClient& rpc, std::int64_t task,
                                      std::chrono::milliseconds deadline = 5s) {
  const auto answer = rpc.call("status", {{"task", task}, {"limit", 1}}, deadline);
  if (!answer || !answer->contains("result")) {
    return std::nullopt;
  }
  return answer->at("result").as_object();
}

std::int64_t ended(const json::object& status) {
  std::int64_t n = 0;
  for (const auto& [state, count] : status.at("task").at("counts").as_object()) {
    if (state != "queued" && state != "started" && state != "stopping") {
      n += count.as_int64();
    }
  }
  return n;
}

std::string stall_reason(const json::object& status) {
  const auto* stalled = status.if_contains("stalled");
  if (stalled == nullptr || !stalled->is_object()) {
    return "";
  }
  return std::string(stalled->at("reason").as_string());
}

// Waits until at least `n` executions of the task have ended.
bool wait_ended(const DaemonHarness& daemon, std::int64_t task, std::int64_t n) {
  auto rpc = daemon.connect();
  return wait_until(
      [&] {
        const auto status = status_of(*rpc, task);
        return status && ended(*status) >= n;
      },
      30s);
}

struct Row {
  int idx = 0;
  int attempt = 0;
  std::string state;
  std::string exit_code;
  std::string log_path;
  std::string reason;
};

std::vector<Row> rows_of(const DaemonHarness& daemon) {
  const auto r = run_process({"sqlite3", "-readonly", daemon.db(),
                              "SELECT idx, attempt, state, ifnull(exit_code, ''), "
                              "ifnull(log_path, ''), ifnull(reason, '') FROM executions "
                              "ORDER BY idx, attempt"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  std::vector<Row> rows;
  std::istringstream lines(r.out);
  for (std::string line; std::getline(lines, line);) {
    std::vector<std::string> f;
    std::istringstream fields(line);
    for (std::string part; std::getline(fields, part, '|');) {
      f.push_back(part);
    }
    f.resize(6);
    rows.push_back(Row{std::stoi(f[0]), std::stoi(f[1]), f[2], f[3], f[4], f[5]});
  }
  return rows;
}

// Every index 0..count-1 once (attempt 1), ended with its true exit code (index % 5), no row
// left started, nothing crashed. An execution that ended while the disk was full is `error`
// with "disk full". A log written while the disk was full may have lost its line (the command's
// echo failed; cut_logs counts them); when cut_logs is null every log must be whole.
void expect_every_index_once_and_true(const DaemonHarness& daemon, int count,
                                      int* disk_full = nullptr, int* cut_logs = nullptr) {
  const auto rows = rows_of(daemon);
  ASSERT_EQ(rows.size(), static_cast<std::size_t>(count));
  int full = 0;
  int cut = 0;
  for (int i = 0; i < count; ++i) {
    const Row& row = rows[static_cast<std::size_t>(i)];
    const int code = i % 5;
    EXPECT_EQ(row.idx, i) << "an index was skipped or run twice";
    EXPECT_EQ(row.attempt, 1);
    EXPECT_EQ(row.exit_code, std::to_string(code)) << "index " << i << ": " << row.reason;
    const bool was_full = row.reason.find("disk full") != std::string::npos;
    full += was_full ? 1 : 0;
    EXPECT_EQ(row.state, code == 0 && !was_full ? "complete" : "error")
        << "index " << i << ": " << row.reason;
    if (read_file(row.log_path) != "code " + std::to_string(code) + "\n") {
      ++cut;
      EXPECT_TRUE(cut_logs != nullptr) << "index " << i << ": its log is not whole";
    }
  }
  if (disk_full != nullptr) {
    *disk_full = full;
  }
  if (cut_logs != nullptr) {
    *cut_logs = cut;
  }
  const auto integrity =
      run_process({"sqlite3", "-readonly", daemon.db(), "PRAGMA integrity_check"});
  EXPECT_EQ(integrity.out, "ok\n");
}

TEST(StoreFault, StateDirFullForAMomentDuring200ExecutionsLosesNothing) {
  DaemonHarness daemon;
  TmpfsMount tmpfs(daemon.state_dir(), 48u << 20);
  if (!tmpfs.ok()) {
    GTEST_SKIP() << "needs a tmpfs for the state dir (root with CAP_SYS_ADMIN): " << tmpfs.error();
  }
  ASSERT_TRUE(daemon.start({"--parallel", "4"})) << daemon.log();
  const auto t0 = Clock::now();
  const std::int64_t task = start_task(daemon, grid_task(200, k_command));
  ASSERT_GT(task, 0);
  ASSERT_TRUE(wait_ended(daemon, task, 40)) << daemon.log();

  // Fill the filesystem; hold it full until the daemon reports the stall, then 300 ms more.
  const std::string filler = daemon.state_dir() + "/filler";
  const std::size_t filled = fill_filesystem(filler);
  ASSERT_GT(filled, 0u);
  EXPECT_LT(free_bytes(daemon.state_dir()), 4096u * 2);
  auto rpc = daemon.connect();
  std::string reason;
  const auto full_at = Clock::now();
  const bool seen = wait_until(
      [&] {
        const auto status = status_of(*rpc, task);
        reason = status ? stall_reason(*status) : "";
        return !reason.empty();
      },
      10s);
  const auto stall_seen_ms = ms_since(full_at);
  std::this_thread::sleep_for(300ms);  // the fault's duration, not a wait for something
  const auto status_while_full = status_of(*rpc, task);
  ASSERT_TRUE(status_while_full) << "status must be answered while the disk is full";
  std::filesystem::remove(filler);
  const auto freed_at = Clock::now();
  EXPECT_TRUE(seen) << "no stall reported while the state dir was full\n" << daemon.log();
  EXPECT_NE(reason.find("no space left"), std::string::npos) << reason;

  const auto waited = rpc->call("wait", {{"task", task}}, 60s);
  ASSERT_TRUE(waited && waited->contains("result")) << daemon.log();
  const auto after_ms = ms_since(freed_at);
  const auto final = status_of(*rpc, task);
  ASSERT_TRUE(final);
  EXPECT_EQ(stall_reason(*final), "");
  int disk_full = 0;
  int cut_logs = 0;
  expect_every_index_once_and_true(daemon, 200, &disk_full, &cut_logs);
  EXPECT_LE(cut_logs, 8) << "only executions that wrote while the disk was full lose output";
  std::printf(
      "[fault] state dir full: %zu bytes filled after %lld ms; stall \"%s\" reported %lld ms "
      "later, %lld ended then; task ended %lld ms after the space returned (%lld ms in all); %d "
      "executions ended while full (error, disk full), %d logs lost their line\n",
      filled,
      static_cast<long long>(
          std::chrono::duration_cast<std::chrono::milliseconds>(full_at - t0).count()),
      reason.c_str(), stall_seen_ms, static_cast<long long>(ended(*status_while_full)), after_ms,
      ms_since(t0), disk_full, cut_logs);
  EXPECT_EQ(daemon.stop(), 0);
}

TEST(StoreFault, DatabaseLockedForTenSecondsDuring100ExecutionsLosesNothing) {
  DaemonHarness daemon;
  ASSERT_TRUE(daemon.start({"--parallel", "4"})) << daemon.log();
  const std::int64_t task = start_task(daemon, grid_task(100, k_command));
  ASSERT_GT(task, 0);
  ASSERT_TRUE(wait_ended(daemon, task, 20)) << daemon.log();

  // Another process holds BEGIN EXCLUSIVE for 10 s: a `sqlite3` shell reading from a pipe.
  const std::string script =
      "(echo .timeout 5000; echo 'BEGIN EXCLUSIVE;'; "
      "echo \"SELECT 'locked';\"; sleep 10; echo 'COMMIT;') | sqlite3 " +
      daemon.db();
  RunResult locker;
  RunOptions options;
  options.deadline = 30s;
  const auto locked_at = Clock::now();
  std::thread holder([&] { locker = run_process({"sh", "-c", script}, options); });
  auto rpc = daemon.connect();
  std::string reason;
  const bool seen = wait_until(
      [&] {
        const auto status = status_of(*rpc, task);
        reason = status ? stall_reason(*status) : "";
        return !reason.empty();
      },
      5s);
  // While it holds the lock, status keeps being answered promptly.
  int answers = 0;
  long long slowest = 0;
  std::int64_t ended_while_locked = -1;
  std::int64_t pending = 0;
  while (ms_since(locked_at) < 9'000) {
    const auto t = Clock::now();
    const auto status = status_of(*rpc, task, 2s);
    slowest = std::max(slowest, ms_since(t));
    ASSERT_TRUE(status) << "status not answered while the database was locked";
    ++answers;
    if (const auto* stalled = status->if_contains("stalled"); stalled && stalled->is_object()) {
      pending = stalled->at("pending_writes").as_int64();
    }
    if (ended_while_locked < 0) {
      ended_while_locked = ended(*status);
    } else {
      EXPECT_EQ(ended(*status), ended_while_locked) << "nothing is recorded while locked";
    }
    std::this_thread::sleep_for(100ms);  // a client polling, not a wait for something
  }
  holder.join();
  const auto unlocked_at = Clock::now();
  EXPECT_EQ(locker.exit_code, 0) << locker.err;
  EXPECT_EQ(locker.out, "locked\n");
  EXPECT_TRUE(seen) << daemon.log();
  EXPECT_EQ(reason, "database is locked by another process");
  EXPECT_LT(slowest, 1000);

  const auto waited = rpc->call("wait", {{"task", task}}, 60s);
  ASSERT_TRUE(waited && waited->contains("result")) << daemon.log();
  const auto after_ms = ms_since(unlocked_at);
  expect_every_index_once_and_true(daemon, 100);
  std::printf(
      "[fault] database locked 10 s: stall \"%s\" reported; %d status answers meanwhile, the "
      "slowest %lld ms; %lld ended, %lld writes waiting; task ended %lld ms after the unlock\n",
      reason.c_str(), answers, slowest, static_cast<long long>(ended_while_locked),
      static_cast<long long>(pending), after_ms);
  EXPECT_EQ(daemon.stop(), 0);
}

TEST(StoreFault, FullLogDirPausesTheQueueInsteadOfFailingIt) {
  DaemonHarness daemon;
  const std::string log_dir = (daemon.dir().path() / "logs").string();
  TmpfsMount tmpfs(log_dir, 4u << 20);
  if (!tmpfs.ok()) {
    GTEST_SKIP() << "needs a tmpfs for the log dir (root with CAP_SYS_ADMIN): " << tmpfs.error();
  }
  ASSERT_TRUE(daemon.start({"--parallel", "1", "--log-dir", log_dir})) << daemon.log();
  // Index 0 writes 8 MB into a 4 MiB log dir, then exits 0 (its true exit code).
  const std::int64_t task = start_task(
      daemon, grid_task(20,
                        "if [ {parameter-value:i} -eq 0 ]; then head -c 8000000 /dev/zero; "
                        "fi; echo code $(({parameter-value:i} % 5)); "
                        "exit $(({parameter-value:i} % 5))"));
  ASSERT_GT(task, 0);
  auto rpc = daemon.connect();
  std::optional<json::object> status;
  const auto t0 = Clock::now();
  ASSERT_TRUE(wait_until(
      [&] {
        status = status_of(*rpc, task);
        return status && !stall_reason(*status).empty();
      },
      10s))
      << daemon.log();
  const auto paused_ms = ms_since(t0);
  EXPECT_NE(stall_reason(*status).find("no space left on the log dir"), std::string::npos)
      << stall_reason(*status);
  // Paused, not burnt: index 0 ended (error, disk full), nothing crashed, the rest waits.
  const auto& counts = status->at("task").at("counts").as_object();
  EXPECT_FALSE(counts.contains("crashed")) << json::serialize(counts);
  EXPECT_EQ(ended(*status), 1) << json::serialize(counts);
  const auto rows = rows_of(daemon);
  ASSERT_FALSE(rows.empty());
  EXPECT_EQ(rows[0].state, "error");
  EXPECT_EQ(rows[0].exit_code, "0");
  EXPECT_NE(rows[0].reason.find("disk full"), std::string::npos) << rows[0].reason;

  // Space returns: the big log is truncated; the daemon's probe notices and resumes.
  const auto freed_at = Clock::now();
  std::filesystem::resize_file(rows[0].log_path, 0);
  const auto waited = rpc->call("wait", {{"task", task}}, 30s);
  ASSERT_TRUE(waited && waited->contains("result")) << daemon.log();
  const auto resumed_ms = ms_since(freed_at);
  const auto all = rows_of(daemon);
  ASSERT_EQ(all.size(), 20u);
  for (int i = 1; i < 20; ++i) {
    const Row& row = all[static_cast<std::size_t>(i)];
    EXPECT_EQ(row.idx, i);
    EXPECT_EQ(row.attempt, 1);
    EXPECT_EQ(row.exit_code, std::to_string(i % 5)) << row.reason;
    EXPECT_EQ(row.state, i % 5 == 0 ? "complete" : "error") << row.reason;
    EXPECT_EQ(read_file(row.log_path), "code " + std::to_string(i % 5) + "\n");
  }
  std::printf(
      "[fault] log dir full: paused %lld ms after the start (\"%s\"); index 0 error, exit code "
      "0, \"%s\"; the task ended %lld ms after the space returned\n",
      paused_ms, stall_reason(*status).c_str(), rows[0].reason.c_str(), resumed_ms);
  EXPECT_EQ(daemon.stop(), 0);
}

}  // namespace
}  // namespace vhtask::test
