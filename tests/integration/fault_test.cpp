// Faults around a real vhtaskd: a log that hits the file size limit, a state directory or a
// database the daemon cannot use, children that misbehave (close stdout, double-fork, write
// binary junk or a burst of lines) and clients that misbehave (connect and stay silent, write a
// request a byte at a time, arrive 100 at once). Each test runs one real daemon on temp dirs and
// waits on conditions with deadlines, never on sleeps. docs/reliability.md lists the results.

#include "tests/support/daemon_harness.h"
#include "tests/support/start_params.h"
#include "tests/support/subprocess.h"
#include "tests/support/test_paths.h"
#include "tests/support/wait_until.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <csignal>
#include <fcntl.h>
#include <filesystem>
#include <fstream>
#include <latch>
#include <sstream>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>

namespace vhtask::test {
namespace {

using namespace std::chrono_literals;
namespace json = boost::json;
using Clock = std::chrono::steady_clock;

long long ms_since(Clock::time_point t0) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - t0).count();
}

json::object result_of(const std::optional<json::object>& response) {
  EXPECT_TRUE(response.has_value()) << "no response";
  if (!response) {
    return {};
  }
  EXPECT_TRUE(response->contains("result")) << json::serialize(*response);
  return response->contains("result") ? response->at("result").as_object() : json::object{};
}

// Starts one execution of `command`; returns {task, execution id}.
std::pair<std::int64_t, std::int64_t> start_one(RpcClient& rpc, const std::string& command) {
  const auto started = result_of(rpc.call("start", grid_task(1, command)));
  if (!started.contains("task")) {
    return {0, 0};
  }
  const auto task = started.at("task").as_int64();
  const auto status = result_of(rpc.call("status", {{"task", task}}));
  const auto& rows = status.at("executions").as_array();
  EXPECT_EQ(rows.size(), 1u);
  return {task, rows.empty() ? 0 : rows[0].at("id").as_int64()};
}

// Waits for the task to end; returns its one execution row.
json::object wait_one(RpcClient& rpc, std::int64_t task, std::chrono::milliseconds deadline = 30s) {
  result_of(rpc.call("wait", {{"task", task}}, deadline));
  const auto status = result_of(rpc.call("status", {{"task", task}}));
  return status.at("executions").as_array().at(0).as_object();
}

// A whole `logs` answer: the notifications' text in order, and the final result.
struct Logs {
  std::string text;
  int notes = 0;
  int unparsable = 0;
  std::optional<json::object> result;
};

Logs read_logs(RpcClient& rpc, std::int64_t execution, bool follow,
               std::chrono::milliseconds deadline = 30s) {
  Logs logs;
  const auto id = rpc.send("logs", {{"execution", execution}, {"follow", follow}});
  const auto until = Clock::now() + deadline;
  for (;;) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(until - Clock::now());
    const auto message = rpc.next_message(std::max(left, 0ms));
    if (!message) {
      return logs;  // no result: the caller sees result == nullopt
    }
    if (message->contains("unparsable")) {
      ++logs.unparsable;
      continue;
    }
    if (const auto* params = message->if_contains("params")) {
      ++logs.notes;
      logs.text += params->at("text").as_string();
      continue;
    }
    const auto* got = message->if_contains("id");
    if (got != nullptr && got->is_int64() && got->get_int64() == id) {
      logs.result = *message;
      return logs;
    }
  }
}

bool healthy(const DaemonHarness& daemon) {
  auto rpc = daemon.connect();
  if (!rpc->connected()) {
    return false;
  }
  const auto version = rpc->call("version", {}, 2s);
  if (!version || !version->contains("result")) {
    return false;
  }
  const auto [task, exec] = start_one(*rpc, "echo still fine");
  if (task == 0) {
    return false;
  }
  const auto row = wait_one(*rpc, task);
  return row.at("state").as_string() == "complete";
}

// --- The log's file system ------------------------------------------------------------------

TEST(Fault, LogFileSizeLimitGivesErrorWithThatReasonAndAHealthyDaemon) {
  DaemonHarness daemon;
  // RLIMIT_FSIZE of 2 MB for the daemon, and so for its supervisors and their commands (the
  // limit is inherited; `prlimit --fsize` does the same). Only start() runs under it here.
  rlimit saved{};
  ASSERT_EQ(::getrlimit(RLIMIT_FSIZE, &saved), 0);
  rlimit limited = saved;
  limited.rlim_cur = 2'000'000;
  ASSERT_EQ(::setrlimit(RLIMIT_FSIZE, &limited), 0);
  const bool started = daemon.start();
  ASSERT_EQ(::setrlimit(RLIMIT_FSIZE, &saved), 0);
  ASSERT_TRUE(started) << daemon.log();

  auto rpc = daemon.connect();
  const auto t0 = Clock::now();
  const auto [task, exec] = start_one(*rpc, "yes xxxxxxxxx | head -c 5000000");
  ASSERT_NE(task, 0);
  const auto row = wait_one(*rpc, task);
  EXPECT_EQ(row.at("state").as_string(), "error") << json::serialize(row);
  ASSERT_TRUE(row.at("reason").is_string()) << json::serialize(row);
  EXPECT_NE(row.at("reason").as_string().find("file size limit or disk full"), std::string::npos)
      << json::serialize(row);
  EXPECT_EQ(std::filesystem::file_size(std::string(row.at("log_path").as_string())), 2'000'000u);
  std::cerr << "[fault] 5 MB under a 2 MB RLIMIT_FSIZE ended " << row.at("state").as_string()
            << " in " << ms_since(t0) << " ms: " << json::serialize(row.at("reason")) << " (signal "
            << json::serialize(row.at("signal")) << ")\n";
  EXPECT_TRUE(healthy(daemon)) << daemon.log();
  EXPECT_EQ(daemon.stop(), 0);
}

// --- Start-up errors ------------------------------------------------------------------------

RunResult run_daemon(const std::string& state_dir, const std::string& socket,
                     std::chrono::milliseconds deadline = 10s) {
  RunOptions options;
  options.deadline = deadline;
  return run_process(
      {daemon_binary(), "--foreground", "--state-dir", state_dir, "--socket", socket}, options);
}

TEST(Fault, StateDirUnderARegularFileIsAClearStartupError) {
  TempDir dir;
  const std::string file = dir.write("not-a-dir", "x");
  const std::string state = file + "/sub";
  const auto r = run_daemon(state, (dir.path() / "s.sock").string());
  EXPECT_FALSE(r.timed_out);
  EXPECT_EQ(r.exit_code, 1) << r.err;
  EXPECT_NE(r.err.find(state), std::string::npos) << r.err;
  std::cerr << "[fault] state dir under a file: exit " << r.exit_code << ": " << r.err;
}

TEST(Fault, StateDirWritableByOthersIsAClearStartupError) {
  TempDir dir;
  const auto state = dir.path() / "state";
  std::filesystem::create_directory(state);
  ASSERT_EQ(::chmod(state.c_str(), 0777), 0);
  const auto r = run_daemon(state.string(), (dir.path() / "s.sock").string());
  EXPECT_FALSE(r.timed_out);
  EXPECT_EQ(r.exit_code, 1) << r.err;
  EXPECT_NE(r.err.find(state.string()), std::string::npos) << r.err;
  std::cerr << "[fault] state dir mode 0777: exit " << r.exit_code << ": " << r.err;
}

TEST(Fault, StateDirOwnedByAnotherUserIsAClearStartupError) {
  if (::geteuid() != 0) {
    GTEST_SKIP() << "needs root to chown a directory to another uid";
  }
  TempDir dir;
  const auto state = dir.path() / "state";
  std::filesystem::create_directory(state);
  ASSERT_EQ(::chmod(state.c_str(), 0700), 0);
  ASSERT_EQ(::chown(state.c_str(), 65534, 65534), 0);
  const auto r = run_daemon(state.string(), (dir.path() / "s.sock").string());
  EXPECT_FALSE(r.timed_out);
  EXPECT_EQ(r.exit_code, 1) << r.err;
  EXPECT_NE(r.err.find(state.string()), std::string::npos) << r.err;
  std::cerr << "[fault] state dir owned by 65534: exit " << r.exit_code << ": " << r.err;
}

// sqlite3 holding `BEGIN EXCLUSIVE` on a database, until destroyed.
class LockHolder {
public:
  explicit LockHolder(const std::string& db) {
    int fds[2];
    if (::pipe2(fds, O_CLOEXEC) != 0) {
      return;
    }
    m_pid = ::fork();
    if (m_pid == 0) {
      ::dup2(fds[0], 0);
      const int null = ::open("/dev/null", O_WRONLY);
      ::dup2(null, 1);
      ::execlp("sqlite3", "sqlite3", db.c_str(), static_cast<char*>(nullptr));
      ::_exit(127);
    }
    ::close(fds[0]);
    m_in = fds[1];
    const std::string sql = "BEGIN EXCLUSIVE;\n";
    (void)!::write(m_in, sql.data(), sql.size());
  }
  ~LockHolder() {
    if (m_in >= 0) {
      ::close(m_in);  // EOF: sqlite3 rolls back and exits
    }
    if (m_pid > 0) {
      int status = 0;
      ::waitpid(m_pid, &status, 0);
    }
  }
  LockHolder(const LockHolder&) = delete;
  LockHolder& operator=(const LockHolder&) = delete;

private:
  pid_t m_pid = -1;
  int m_in = -1;
};

// The daemon started against a database another process holds `BEGIN EXCLUSIVE` on. Measured:
// it fails (exit 1) after its 5 s busy timeout with "SQL failed (BEGIN IMMEDIATE): database is
// locked". Returns the run.
RunResult start_on_locked_database(bool* lock_held) {
  DaemonHarness daemon;
  *lock_held = false;
  EXPECT_TRUE(daemon.start()) << daemon.log();  // creates the database and its schema
  EXPECT_EQ(daemon.stop(), 0);
  LockHolder lock(daemon.db());
  // Held once a write transaction of our own cannot begin.
  *lock_held = wait_until(
      [&] {
        return run_process({"sqlite3", "-cmd", ".timeout 0", daemon.db(), "BEGIN IMMEDIATE;"})
                   .exit_code != 0;
      },
      5s);
  if (!*lock_held) {
    return {};
  }
  const auto t0 = Clock::now();
  auto r = run_daemon(daemon.state_dir(), daemon.socket(), 15s);
  std::cerr << "[fault] locked database " << daemon.db() << ": exit " << r.exit_code << " after "
            << ms_since(t0) << " ms (timed out: " << r.timed_out << "): " << r.err;
  r.out = daemon.db();  // for the caller's messages
  return r;
}

TEST(Fault, DatabaseLockedByAnotherProcessFailsStartupWithinTheBusyTimeout) {
  bool held = false;
  const auto t0 = Clock::now();
  const auto r = start_on_locked_database(&held);
  ASSERT_TRUE(held) << "sqlite3 never took the lock";
  EXPECT_FALSE(r.timed_out) << "the daemon kept running on a locked database";
  EXPECT_EQ(r.exit_code, 1) << r.err;
  EXPECT_LT(ms_since(t0), 9000);
  EXPECT_NE(r.err.find("database is locked"), std::string::npos) << r.err;
}

// The start-up error names the database and says what the lock means.
TEST(Fault, DatabaseLockedByAnotherProcessErrorNamesTheDatabase) {
  bool held = false;
  const auto r = start_on_locked_database(&held);
  ASSERT_TRUE(held) << "sqlite3 never took the lock";
  EXPECT_EQ(r.exit_code, 1) << r.err;
  EXPECT_NE(r.err.find(r.out), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("another process holds a lock"), std::string::npos) << r.err;
}

// --- Children that misbehave ----------------------------------------------------------------

TEST(Fault, ChildThatClosesItsStdoutCompletes) {
  DaemonHarness daemon;
  ASSERT_TRUE(daemon.start()) << daemon.log();
  auto rpc = daemon.connect();
  const auto [task, exec] = start_one(*rpc, "exec 1>&-; echo x >&2; exit 0");
  ASSERT_NE(task, 0);
  const auto row = wait_one(*rpc, task);
  EXPECT_EQ(row.at("state").as_string(), "complete") << json::serialize(row);
  EXPECT_EQ(read_file(std::string(row.at("log_path").as_string())), "x\n");
  const auto logs = read_logs(*rpc, exec, true);
  ASSERT_TRUE(logs.result) << "the follow never ended";
  EXPECT_EQ(logs.text, "x\n");
}

TEST(Fault, DoubleForkedDaemonDoesNotHoldTheExecution) {
  DaemonHarness daemon;
  ASSERT_TRUE(daemon.start()) << daemon.log();
  auto rpc = daemon.connect();
  const std::string pid_file = (daemon.dir().path() / "orphan.pid").string();
  const auto t0 = Clock::now();
  const auto [task, exec] = start_one(
      *rpc, "(setsid sh -c 'echo $$ > " + pid_file + "; exec sleep 37' &); while [ ! -s " +
                pid_file + " ]; do sleep 0.01; done; echo parent done; exit 0");
  ASSERT_NE(task, 0);
  const auto row = wait_one(*rpc, task);
  const auto elapsed = ms_since(t0);
  // The command waited until the orphan had left its process group (it wrote its pid after
  // setsid), so the supervisor's group kill cannot reach it. Kill it whatever happened.
  pid_t orphan = 0;
  std::ifstream(pid_file) >> orphan;
  const bool orphan_alive = orphan > 0 && ::kill(orphan, 0) == 0;
  if (orphan > 0) {
    std::string cmdline;
    std::getline(std::ifstream("/proc/" + std::to_string(orphan) + "/cmdline"), cmdline);
    if (cmdline.rfind("sleep", 0) == 0) {
      ::kill(orphan, SIGKILL);
    }
  }
  std::cerr << "[fault] double fork: execution " << row.at("state").as_string() << " after "
            << elapsed << " ms; orphan alive at the end: " << orphan_alive << "\n";
  EXPECT_EQ(row.at("state").as_string(), "complete") << json::serialize(row);
  EXPECT_LT(elapsed, 5000);
  EXPECT_TRUE(orphan_alive) << "setsid left the group: the supervisor does not track it";
  const auto logs = read_logs(*rpc, exec, true, 5s);
  EXPECT_TRUE(logs.result) << "a follow of the ended execution never ended";
  EXPECT_EQ(logs.text, "parent done\n");
  EXPECT_TRUE(healthy(daemon)) << daemon.log();
}

TEST(Fault, BinaryJunkInTheLogArrivesAsValidJson) {
  DaemonHarness daemon;
  ASSERT_TRUE(daemon.start()) << daemon.log();
  auto rpc = daemon.connect();
  const auto [task, exec] = start_one(*rpc, "head -c 100000 /dev/urandom");
  ASSERT_NE(task, 0);
  const auto row = wait_one(*rpc, task);
  EXPECT_EQ(row.at("state").as_string(), "complete") << json::serialize(row);
  for (const bool follow : {false, true}) {
    const auto logs = read_logs(*rpc, exec, follow);
    ASSERT_TRUE(logs.result) << "the stream never ended (follow " << follow << ")";
    EXPECT_EQ(logs.unparsable, 0);
    EXPECT_TRUE(logs.result->contains("result")) << json::serialize(*logs.result);
    // Every input byte becomes itself or part of a U+FFFD; 100,000 random bytes are mostly
    // invalid, so the text is longer than the input and holds many replacement characters.
    EXPECT_GE(logs.text.size(), 100'000u);
    EXPECT_NE(logs.text.find("\xEF\xBF\xBD"), std::string::npos);
  }
  EXPECT_TRUE(healthy(daemon)) << daemon.log();
}

TEST(Fault, HundredThousandLinesInABurstAllArriveAndStatusAnswersMeanwhile) {
  DaemonHarness daemon;
  ASSERT_TRUE(daemon.start()) << daemon.log();
  auto rpc = daemon.connect();
  auto other = daemon.connect();
  const auto t0 = Clock::now();
  const auto [task, exec] = start_one(*rpc, "seq 100000");
  ASSERT_NE(task, 0);
  // Follow from the start while another connection asks for status.
  std::atomic<bool> done{false};
  std::atomic<int> status_answers{0};
  std::atomic<long long> worst_status_ms{0};
  std::thread asker([&] {
    while (!done) {
      const auto s0 = Clock::now();
      const auto status = other->call("status", {{"task", task}, {"limit", 1}}, 2s);
      if (status && status->contains("result")) {
        ++status_answers;
      }
      worst_status_ms = std::max<long long>(worst_status_ms, ms_since(s0));
    }
  });
  const auto logs = read_logs(*rpc, exec, true);
  done = true;
  asker.join();
  const auto elapsed = ms_since(t0);
  ASSERT_TRUE(logs.result) << "the follow never ended";
  std::string expected;
  for (int i = 1; i <= 100000; ++i) {
    expected += std::to_string(i) + "\n";
  }
  const auto lines = std::count(logs.text.begin(), logs.text.end(), '\n');
  std::cerr << "[fault] seq 100000: " << lines << " lines in " << logs.notes << " notifications, "
            << elapsed << " ms; " << status_answers << " status answers meanwhile, slowest "
            << worst_status_ms << " ms\n";
  EXPECT_EQ(lines, 100000);
  EXPECT_TRUE(logs.text == expected) << "the text differs from seq's output";
  EXPECT_GE(status_answers, 1);
  EXPECT_LT(worst_status_ms, 1000);
}

// --- Clients that misbehave -----------------------------------------------------------------

TEST(Fault, SilentAndSlowClientsDoNotBlockOthers) {
  DaemonHarness daemon;
  ASSERT_TRUE(daemon.start()) << daemon.log();
  auto silent = daemon.connect();  // connects and never writes
  ASSERT_TRUE(silent->connected());
  auto slow = daemon.connect();  // writes a request one byte at a time
  ASSERT_TRUE(slow->connected());
  const std::string request = R"({"jsonrpc":"2.0","id":77,"method":"version","params":{}})"
                              "\n";
  const size_t half = request.size() / 2;
  ASSERT_TRUE(slow->send_raw(request.substr(0, half)));
  auto other = daemon.connect();
  long long worst = 0;
  // Between every byte of the slow request, another client gets an answer within 1 s.
  for (size_t i = half; i < request.size(); ++i) {
    const auto s0 = Clock::now();
    const auto version = other->call("version", {}, 1s);
    ASSERT_TRUE(version && version->contains("result")) << "blocked at byte " << i;
    worst = std::max(worst, ms_since(s0));
    ASSERT_TRUE(slow->send_raw(request.substr(i, 1)));
  }
  const auto answer = slow->next_message(2s);
  ASSERT_TRUE(answer) << "the slow client got no answer";
  EXPECT_EQ(answer->at("id").as_int64(), 77) << json::serialize(*answer);
  EXPECT_TRUE(answer->contains("result")) << json::serialize(*answer);
  // A fresh client too, with the silent one still connected.
  EXPECT_TRUE(daemon.connect()->call("version", {}, 1s).has_value());
  std::cerr << "[fault] silent + byte-at-a-time clients: slowest version call " << worst
            << " ms over " << request.size() - half << " bytes\n";
  EXPECT_EQ(daemon.stop(), 0) << "a silent client kept the daemon from stopping";
}

TEST(Fault, HundredConcurrentClientsAllGetAnswers) {
  constexpr int k_clients = 100;
  DaemonHarness daemon;
  ASSERT_TRUE(daemon.start()) << daemon.log();
  std::atomic<int> answered{0};
  std::atomic<int> connected{0};
  std::latch go(k_clients);
  std::vector<std::thread> threads;
  const auto t0 = Clock::now();
  for (int i = 0; i < k_clients; ++i) {
    threads.emplace_back([&] {
      go.arrive_and_wait();
      RpcClient rpc(daemon.socket());
      if (!rpc.connected()) {
        return;
      }
      ++connected;
      const auto status = rpc.call("status", {}, 5s);
      if (status && status->contains("result")) {
        ++answered;
      }
    });
  }
  for (auto& t : threads) {
    t.join();
  }
  std::cerr << "[fault] " << k_clients << " concurrent clients: " << connected << " connected, "
            << answered << " answered in " << ms_since(t0) << " ms\n";
  EXPECT_EQ(connected, k_clients);
  EXPECT_EQ(answered, k_clients);
  EXPECT_TRUE(healthy(daemon)) << daemon.log();
}

}  // namespace
}  // namespace vhtask::test
