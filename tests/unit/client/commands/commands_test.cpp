// The daemon commands end to end inside the client: CLI parsing, the requests they send to a
// fake daemon, what they print, and their exit statuses.

#include "client/commands/commands.h"

#include "client/app/run.h"
#include "common/protocol/protocol.h"
#include "tests/support/fake_rpc_server.h"
#include "tests/support/temp_dir.h"
#include "tests/support/test_paths.h"

#include <boost/json.hpp>
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <map>
#include <mutex>
#include <string>
#include <vector>

namespace vhtask::client::commands {
namespace {

namespace protocol = common::protocol;
using test::FakeReply;
using test::FakeRpcServer;

struct Ran {
  int status = -1;
  std::string out;
  std::string err;
};

const char* const k_task = R"({"id": 12, "step": "train", "type": "grid_search",
    "state": "error", "count": 2, "counts": {"complete": 1, "error": 1}, "parallel": null,
    "created_at": "2024-05-01T12:00:00.000Z", "finished_at": "2024-05-01T12:00:05.000Z",
    "varying": ["learning_rate"]})";
const char* const k_executions = R"([
    {"id": 301, "task": 12, "index": 0, "attempt": 1, "state": "complete", "exit_code": 0,
     "signal": null, "parameters": {"learning_rate": 0.001, "dropout": 0.5},
     "command": "python train.py", "started_at": "2024-05-01T12:00:00.000Z",
     "finished_at": "2024-05-01T12:00:03.200Z", "log_path": "/logs/301.log"},
    {"id": 302, "task": 12, "index": 1, "attempt": 1, "state": "error", "exit_code": 1,
     "signal": null, "parameters": {"learning_rate": 0.1, "dropout": 0.5},
     "command": "python train.py", "started_at": "2024-05-01T12:00:00.000Z",
     "finished_at": "2024-05-01T12:00:05.000Z", "log_path": "/logs/302.log"}])";

// Canned answers by method; methods not listed get the server's default.
class CommandsTest : public ::testing::Test {
protected:
  CommandsTest()
      : m_server((m_dir.path() / "d.sock").string(),
                 [this](const protocol::Request& r) { return answer(r); }) {
    ::unsetenv("NO_COLOR");
  }

  // Runs `vhtask --socket S --no-autostart ARGS...` in this process.
  Ran run_client(std::vector<std::string> args) {
    args.insert(args.begin(), {"vhtask", "--socket", m_server.socket_path(), "--no-autostart"});
    std::vector<char*> argv;
    for (auto& a : args) {
      argv.push_back(a.data());
    }
    ::testing::internal::CaptureStdout();
    ::testing::internal::CaptureStderr();
    Ran ran;
    ran.status = app::run(static_cast<int>(argv.size()), argv.data());
    ran.out = ::testing::internal::GetCapturedStdout();
    ran.err = ::testing::internal::GetCapturedStderr();
    return ran;
  }

  using Answer = std::function<std::vector<std::string>(const protocol::Request&)>;

  // Called on the server's thread.
  std::optional<FakeReply> answer(const protocol::Request& r) {
    std::lock_guard lock(m_mutex);
    if (auto it = m_replies.find(r.method); it != m_replies.end()) {
      FakeReply reply;
      for (const auto& line : it->second(r)) {
        reply.lines.push_back(line);
      }
      return reply;
    }
    return std::nullopt;
  }

  void on(const std::string& method, Answer answer) {
    std::lock_guard lock(m_mutex);
    m_replies[method] = std::move(answer);
  }

  void reply_result(const std::string& method, boost::json::value result) {
    on(method, [result](const protocol::Request& r) {
      return std::vector<std::string>{FakeRpcServer::result(r, result)};
    });
  }

  test::TempDir m_dir;
  std::mutex m_mutex;
  std::map<std::string, Answer> m_replies;  // guarded by m_mutex
  FakeRpcServer m_server;
};

TEST_F(CommandsTest, StatusOfATaskAsJsonPassesTheDaemonsResultThrough) {
  boost::json::object result{{"task", boost::json::parse(k_task)},
                             {"executions", boost::json::parse(k_executions)}};
  reply_result("status", result);
  const auto ran = run_client({"status", "12", "--state", "error", "--json"});
  EXPECT_EQ(ran.status, 0) << ran.err;
  EXPECT_EQ(boost::json::parse(ran.out), result);
  const auto params = m_server.last_params("status");
  EXPECT_EQ(params.at("task"), 12);
  EXPECT_EQ(params.at("state"), "error");
  EXPECT_EQ(m_server.requests().front().method, "version");
}

TEST_F(CommandsTest, StatusOfATaskShowsItsExecutionsWithTheVaryingParameters) {
  reply_result("status", {{"task", boost::json::parse(k_task)},
                          {"executions", boost::json::parse(k_executions)}});
  const auto ran = run_client({"status", "12"});
  EXPECT_EQ(ran.status, 0) << ran.err;
  EXPECT_EQ(ran.out,
            "Task 12 (train, grid_search): error  2/2  1 complete, 1 error  5.0s\n"
            "\n"
            "EXEC  INDEX  STATE     EXIT  DURATION  learning_rate\n"
            " 301      0  complete     0      3.2s  0.001\n"
            " 302      1  error        1      5.0s  0.1\n");
}

TEST_F(CommandsTest, StatusWatchOffATerminalPrintsOnlyTheFinalStatus) {
  const auto task = boost::json::parse(k_task);
  const boost::json::object full{{"task", task}, {"executions", boost::json::parse(k_executions)}};
  on("status", [&](const protocol::Request& r) {
    if (!r.params.contains("watch")) {
      return std::vector<std::string>{FakeRpcServer::result(r, full)};
    }
    const auto id = r.id->as_int64();
    return std::vector<std::string>{
        FakeRpcServer::notification("status.update", {{"request", id}, {"task", task}}),
        FakeRpcServer::notification("status.update", {{"request", id}, {"task", task}}),
        FakeRpcServer::result(r, {{"task", task}, {"executions", boost::json::array{}}})};
  });
  const auto ran = run_client({"status", "12", "--watch", "--json"});
  EXPECT_EQ(ran.status, 0) << ran.err;
  EXPECT_EQ(boost::json::parse(ran.out), full);
  const auto requests = m_server.requests();
  ASSERT_EQ(requests.size(), 3u);
  EXPECT_EQ(requests[0].params.at("required"), (boost::json::array{"cmd-status", "status-watch"}));
  EXPECT_EQ(requests[1].params, (boost::json::object{{"task", 12}, {"watch", true}, {"limit", 1}}));
  EXPECT_EQ(requests[2].params, (boost::json::object{{"task", 12}}));
}

TEST_F(CommandsTest, StatusWithoutATaskListsRecentTasks) {
  reply_result("status", {{"tasks", boost::json::array{boost::json::parse(k_task)}}});
  const auto ran = run_client({"status"});
  EXPECT_EQ(ran.status, 0) << ran.err;
  EXPECT_NE(ran.out.find("12  train  error   2/2  1 complete, 1 error"), std::string::npos)
      << ran.out;
  EXPECT_FALSE(m_server.last_params("status").contains("task"));
}

TEST_F(CommandsTest, StatusSaysWhyTheDaemonIsStalled) {
  reply_result("status", {{"tasks", boost::json::array{boost::json::parse(k_task)}},
                          {"stalled",
                           {{"reason", "database is locked by another process"},
                            {"since", "2026-12-03T00:00:00.000Z"},
                            {"pending_writes", 3}}}});
  const auto ran = run_client({"status"});
  EXPECT_EQ(ran.status, 0) << ran.err;
  EXPECT_EQ(ran.out.rfind("Stalled since 2026-12-03T00:00:00.000Z: database is locked by another "
                          "process (3 writes waiting). Nothing new starts until it passes; "
                          "vhtaskd retries by itself.\n",
                          0),
            0u)
      << ran.out;
  reply_result("status", {{"tasks", boost::json::array{}}, {"stalled", nullptr}});
  const auto normal = run_client({"status"});
  EXPECT_EQ(normal.out.find("Stalled"), std::string::npos) << normal.out;
}

TEST_F(CommandsTest, NotFoundIsExit2WithAHint) {
  on("show", [](const protocol::Request& r) {
    return std::vector<std::string>{
        FakeRpcServer::error(r, protocol::k_not_found, "execution 99 does not exist")};
  });
  const auto ran = run_client({"show", "99"});
  EXPECT_EQ(ran.status, rpc::k_exit_usage);
  EXPECT_EQ(ran.out, "");
  EXPECT_NE(ran.err.find("vhtask: execution 99 does not exist\nhint: "), std::string::npos)
      << ran.err;
}

TEST_F(CommandsTest, ShowPrintsTheExecutionAndItsAttempts) {
  const auto executions = boost::json::parse(k_executions).as_array();
  reply_result("show", {{"execution", executions[1]}, {"attempts", {executions[1]}}});
  const auto ran = run_client({"show", "302"});
  EXPECT_EQ(ran.status, 0) << ran.err;
  EXPECT_NE(ran.out.find("Execution 302 (task 12, index 1, attempt 1)\n"), std::string::npos);
  EXPECT_NE(ran.out.find("State:      error (exit code 1)\n"), std::string::npos) << ran.out;
  EXPECT_NE(ran.out.find("learning_rate = 0.1"), std::string::npos) << ran.out;
  EXPECT_NE(ran.out.find("Log:        /logs/302.log\n"), std::string::npos) << ran.out;
  EXPECT_EQ(m_server.last_params("show").at("execution"), 302);
}

// Answers in pages (schema/protocol.md, "Answers in pages"): the client asks from where each page
// says the next starts and prints the whole.
TEST_F(CommandsTest, ShowFetchesEveryMetadataPage) {
  const auto executions = boost::json::parse(k_executions).as_array();
  on("show", [executions](const protocol::Request& r) {
    const auto offset = r.params.at("metadata_offset").as_int64();
    boost::json::object page{
        {"execution", executions[0]}, {"attempts", {executions[0]}}, {"metadata_total", 3}};
    page["metadata"] =
        offset == 0 ? boost::json::object{{"a", 1}, {"b", 2}} : boost::json::object{{"c", 3}};
    page["metadata_next"] = offset == 0 ? boost::json::value(2) : nullptr;
    return std::vector<std::string>{FakeRpcServer::result(r, page)};
  });
  const auto ran = run_client({"show", "301", "--json"});
  ASSERT_EQ(ran.status, 0) << ran.err;
  const auto shown = boost::json::parse(ran.out).as_object();
  EXPECT_EQ(shown.at("metadata"), (boost::json::object{{"a", 1}, {"b", 2}, {"c", 3}}));
  EXPECT_FALSE(shown.contains("metadata_next"));
  EXPECT_EQ(m_server.last_params("show").at("metadata_offset"), 2);
}

TEST_F(CommandsTest, CompareFetchesEveryPageAndAPageThatDoesNotProgressIsAnError) {
  const auto executions = boost::json::parse(k_executions).as_array();
  auto row = [&](std::size_t i) {
    return boost::json::object{{"id", executions[i].at("id")},
                               {"index", executions[i].at("index")},
                               {"attempt", 1},
                               {"state", executions[i].at("state")},
                               {"parameters", executions[i].at("parameters")},
                               {"metadata", boost::json::object{}}};
  };
  on("compare", [&](const protocol::Request& r) {
    const auto offset = r.params.at("offset").as_int64();
    boost::json::object page{{"task", 12},      {"parameters", {"learning_rate"}},
                             {"keys", {}},      {"sort", ""},
                             {"desc", false},   {"total", 2},
                             {"offset", offset}};
    page["executions"] = boost::json::array{row(static_cast<std::size_t>(offset))};
    page["next_offset"] = offset == 0 ? boost::json::value(1) : nullptr;
    return std::vector<std::string>{FakeRpcServer::result(r, page)};
  });
  const auto ran = run_client({"compare", "12", "--json"});
  ASSERT_EQ(ran.status, 0) << ran.err;
  const auto rows = boost::json::parse(ran.out).as_array();
  ASSERT_EQ(rows.size(), 2U);
  EXPECT_EQ(rows[0].at("id"), 301);
  EXPECT_EQ(rows[1].at("id"), 302);

  // A daemon whose next page starts where the last one did would loop for ever: exit 3 instead.
  on("compare", [&](const protocol::Request& r) {
    boost::json::object page{{"task", 12},
                             {"parameters", boost::json::array{}},
                             {"keys", {}},
                             {"total", 2},
                             {"executions", {row(0)}},
                             {"next_offset", 0}};
    return std::vector<std::string>{FakeRpcServer::result(r, page)};
  });
  const auto stuck = run_client({"compare", "12", "--json"});
  EXPECT_EQ(stuck.status, rpc::k_exit_unreachable);
  EXPECT_NE(stuck.err.find("page of `compare` is malformed"), std::string::npos) << stuck.err;
}

TEST_F(CommandsTest, WaitExitsByTheTasksFinalState) {
  auto task = boost::json::parse(k_task).as_object();
  reply_result("wait", {{"task", task}});
  auto ran = run_client({"wait", "12"});
  EXPECT_EQ(ran.status, rpc::k_exit_failed) << ran.err;
  EXPECT_EQ(ran.out, "Task 12 error: 1 complete, 1 error in 5.0s\n");
  task["state"] = "complete";
  task["counts"] = {{"complete", 2}};
  reply_result("wait", {{"task", task}});
  ran = run_client({"wait", "12", "--json"});
  EXPECT_EQ(ran.status, rpc::k_exit_ok) << ran.err;
  EXPECT_EQ(boost::json::parse(ran.out).at("task").at("state"), "complete");
}

TEST_F(CommandsTest, LogsFollowWritesTextRawAndExitsByTheFinalState) {
  for (const auto& [state, expected] :
       std::vector<std::pair<std::string, int>>{{"complete", 0}, {"error", 1}}) {
    on("logs", [state](const protocol::Request& r) {
      const auto id = r.id->as_int64();
      return std::vector<std::string>{
          FakeRpcServer::notification("logs.output",
                                      {{"request", id}, {"execution", 7}, {"text", "epoch 1\n"}}),
          FakeRpcServer::notification("logs.output",
                                      {{"request", id}, {"execution", 7}, {"text", "partial"}}),
          FakeRpcServer::result(r, {{"execution", 7}, {"state", state}, {"exit_code", 0}})};
    });
    const auto ran = run_client({"logs", "7", "-f", "--tail", "5"});
    EXPECT_EQ(ran.status, expected) << state << ": " << ran.err;
    EXPECT_EQ(ran.out, "epoch 1\npartial");
    const auto params = m_server.last_params("logs");
    EXPECT_EQ(params.at("follow"), true);
    EXPECT_EQ(params.at("tail"), 5);
  }
}

TEST_F(CommandsTest, LogsWithoutFollowPrintsTheText) {
  reply_result("logs", {{"execution", 7},
                        {"text", "a\nb\n"},
                        {"truncated", false},
                        {"state", "complete"},
                        {"log_path", "/x"}});
  const auto ran = run_client({"logs", "7"});
  EXPECT_EQ(ran.status, 0) << ran.err;
  EXPECT_EQ(ran.out, "a\nb\n");
  EXPECT_FALSE(m_server.last_params("logs").contains("follow"));
}

TEST_F(CommandsTest, StopReadsABareNumberAsATaskAndExecOptsIntoExecutions) {
  reply_result("stop", {{"stopped", 3}});
  auto ran = run_client({"stop", "12"});
  EXPECT_EQ(ran.status, 0) << ran.err;
  EXPECT_EQ(ran.out, "Stopped 3 executions of task 12\n");
  EXPECT_EQ(m_server.last_params("stop"), (boost::json::object{{"task", 12}}));
  ran = run_client({"stop", "--exec", "301", "302"});
  EXPECT_EQ(ran.status, 0) << ran.err;
  EXPECT_EQ(m_server.last_params("stop"),
            (boost::json::object{{"executions", boost::json::array{301, 302}}}));
  const auto requests = m_server.requests().size();
  ran = run_client({"stop", "1", "2"});
  EXPECT_EQ(ran.status, rpc::k_exit_usage);
  EXPECT_NE(ran.err.find("--exec"), std::string::npos) << ran.err;
  EXPECT_EQ(m_server.requests().size(), requests) << "nothing is sent for a usage error";
}

TEST_F(CommandsTest, RerunSendsExecutionsOrAFailedTask) {
  reply_result("rerun", {{"executions", boost::json::array{}}});
  EXPECT_EQ(run_client({"rerun", "301", "302"}).status, 0);
  EXPECT_EQ(m_server.last_params("rerun"),
            (boost::json::object{{"executions", boost::json::array{301, 302}}}));
  EXPECT_EQ(run_client({"rerun", "--failed", "12"}).status, 0);
  EXPECT_EQ(m_server.last_params("rerun"), (boost::json::object{{"task", 12}, {"failed", true}}));
  EXPECT_EQ(run_client({"rerun"}).status, rpc::k_exit_usage);
}

TEST_F(CommandsTest, ParallelSendsTheLimit) {
  reply_result("parallel", {{"limit", 4}, {"task", 12}});
  const auto ran = run_client({"parallel", "4", "--task", "12"});
  EXPECT_EQ(ran.status, 0) << ran.err;
  EXPECT_EQ(ran.out, "Task 12 runs at most 4 at once\n");
  EXPECT_EQ(m_server.last_params("parallel"), (boost::json::object{{"limit", 4}, {"task", 12}}));
}

TEST_F(CommandsTest, ShutdownAsksTheDaemonToExit) {
  reply_result("shutdown", boost::json::object{});
  const auto ran = run_client({"shutdown"});
  EXPECT_EQ(ran.status, 0) << ran.err;
  EXPECT_EQ(m_server.requests().back().method, "shutdown");
}

TEST_F(CommandsTest, AnInvalidArgumentFromStartIsExit2) {
  on("start", [](const protocol::Request& r) {
    return std::vector<std::string>{FakeRpcServer::error(
        r, protocol::k_invalid_argument, "valohai.yaml:3:5: unknown parameter 'x'")};
  });
  const auto ran =
      run_client({"start", "train", "-f", test::source_dir() + "/examples/valohai.yaml"});
  EXPECT_EQ(ran.status, rpc::k_exit_usage);
  EXPECT_NE(ran.err.find("vhtask: valohai.yaml:3:5: unknown parameter 'x'"), std::string::npos)
      << ran.err;
}

TEST_F(CommandsTest, StartSendsTheValidatedTextsAndTheEnvironment) {
  const std::string config_text =
      "- step:\n"
      "    name: train\n"
      "    image: python:3.12\n"
      "    command: python train.py {parameters}\n"
      "    parameters:\n"
      "      - name: lr\n"
      "        type: float\n"
      "        default: 0.1\n";
  const std::string grid_text =
      "type: grid_search\nparameters:\n  - name: lr\n    style: multiple\n"
      "    rules:\n      items: [0.1, 0.2, 0.3]\n";
  const auto config = m_dir.write("valohai.yaml", config_text);
  const auto grid = m_dir.write("grid.yaml", grid_text);
  reply_result("start", {{"task", 12}, {"count", 3}, {"seed", 7}});
  auto ran = run_client({"start", "train", "-f", config, "--grid", grid, "--param", "lr=0.5",
                         "--parallel", "2", "--name", "sweep", "--seed", "7", "--json"});
  // --param lr conflicts with the grid's lr: refused offline, nothing sent.
  EXPECT_EQ(ran.status, rpc::k_exit_usage) << ran.err;
  EXPECT_TRUE(m_server.last_params("start").empty());

  ran = run_client({"start", "train", "-f", config, "--grid", grid, "--parallel", "2", "--name",
                    "sweep", "--seed", "7", "--json"});
  EXPECT_EQ(ran.status, 0) << ran.err;
  EXPECT_EQ(boost::json::parse(ran.out),
            (boost::json::object{{"task", 12}, {"count", 3}, {"seed", 7}}));
  const auto params = m_server.last_params("start");
  EXPECT_EQ(params.at("config_text"), boost::json::value(config_text));
  EXPECT_EQ(params.at("config_file"), boost::json::value(config));
  EXPECT_EQ(params.at("grid_text"), boost::json::value(grid_text));
  EXPECT_EQ(params.at("grid_file"), boost::json::value(grid));
  EXPECT_EQ(params.at("step"), "train");
  EXPECT_EQ(params.at("parallel"), 2);
  EXPECT_EQ(params.at("name"), "sweep");
  EXPECT_EQ(params.at("seed"), 7u);
  EXPECT_EQ(params.at("params"), boost::json::array{});
  // The project directory (the valohai.yaml's folder), not the client's cwd (spec section 5).
  EXPECT_EQ(params.at("cwd"), boost::json::value(m_dir.path().string()));
  ASSERT_TRUE(params.at("env").is_object());
  EXPECT_EQ(params.at("env").at("PATH"), boost::json::value(std::getenv("PATH")));
  EXPECT_FALSE(params.contains("task_name"));
  EXPECT_EQ(m_server.requests().front().params.at("required"), boost::json::array{"cmd-start"});
}

TEST_F(CommandsTest, StartWaitExitsByTheOutcome) {
  const auto config = test::source_dir() + "/examples/valohai.yaml";
  reply_result("start", {{"task", 12}, {"count", 2}, {"seed", 1}});
  reply_result("wait", {{"task", boost::json::parse(k_task)}});
  const auto ran = run_client({"start", "--task", "sweep", "-f", config, "--wait"});
  EXPECT_EQ(ran.status, rpc::k_exit_failed) << ran.err;
  EXPECT_EQ(ran.out,
            "Started task 12 with 2 executions\n"
            "Task 12 error: 1 complete, 1 error in 5.0s\n");
  EXPECT_EQ(m_server.last_params("start").at("task_name"), "sweep");
  EXPECT_EQ(m_server.last_params("wait"), (boost::json::object{{"task", 12}}));
}

TEST_F(CommandsTest, AGarbageReplyIsExit3) {
  on("status",
     [](const protocol::Request&) { return std::vector<std::string>{"<html>not json</html>"}; });
  const auto ran = run_client({"status"});
  EXPECT_EQ(ran.status, rpc::k_exit_unreachable);
  EXPECT_NE(ran.err.find("vhtask: bad message from vhtaskd"), std::string::npos) << ran.err;
}

}  // namespace
}  // namespace vhtask::client::commands
