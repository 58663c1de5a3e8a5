#include "tests/integration/journey.h"

#include "tests/support/test_paths.h"
#include "tests/support/wait_until.h"

namespace vhtask::test {

using namespace std::chrono_literals;
namespace json = boost::json;

const char* const k_journey_yaml =
    "- step:\n"
    "    name: job\n"
    "    image: busybox\n"
    "    command: 'echo run {parameter-value:i}; echo ''{\"loss\": 0.5}''; "
    "test {parameter-value:i} -ne 1 || exit 3; sleep {parameter-value:nap}'\n"
    "    parameters:\n"
    "      - name: i\n"
    "        type: integer\n"
    "      - name: nap\n"
    "        type: float\n"
    "        default: 0\n";
const char* const k_journey_grid =
    "parameters:\n"
    "  - name: i\n"
    "    style: multiple\n"
    "    rules: {items: [0, 1, 2]}\n";

void JourneyFixture::start_daemon(const std::vector<std::string>& daemon_args) {
  ASSERT_TRUE(m_daemon.start(daemon_args)) << m_daemon.log();
  m_daemon.dir().write("project/valohai.yaml", k_journey_yaml);
  m_daemon.dir().write("project/grid.yaml", k_journey_grid);
}

RunResult JourneyFixture::vhtask(std::vector<std::string> args) {
  args.insert(args.begin(), client_binary());
  RunOptions options;
  for (const auto& [key, value] : m_daemon.client_env()) {
    options.env[key] = value;
  }
  options.env["NO_COLOR"] = "1";
  options.cwd = (m_daemon.dir().path() / "project").string();
  options.deadline = m_deadline;
  return run_process(args, options);
}

json::object JourneyFixture::vhtask_json(std::vector<std::string> args, int expected_exit) {
  args.push_back("--json");
  const auto r = vhtask(args);
  EXPECT_EQ(r.exit_code, expected_exit) << r.out << r.err;
  boost::system::error_code ec;
  auto value = json::parse(r.out, ec);
  EXPECT_FALSE(ec) << r.out;
  return (!ec && value.is_object()) ? value.as_object() : json::object{};
}

std::string JourneyFixture::sqlite(const std::string& sql) {
  return run_process({"sqlite3", "-readonly", m_daemon.db(), sql}).out;
}

void JourneyFixture::start_wait_status_show_logs_rerun() {
  // start --wait: one execution fails, so exit 1; the task id and count are printed.
  const auto started = vhtask({"start", "job", "--grid", "grid.yaml", "--wait"});
  EXPECT_EQ(started.exit_code, 1) << started.out << started.err;
  EXPECT_NE(started.out.find("3 executions"), std::string::npos) << started.out;

  const auto task = vhtask_json({"status", "1"});
  EXPECT_EQ(task.at("task").at("id").as_int64(), 1);
  EXPECT_EQ(task.at("task").at("step").as_string(), "job");
  EXPECT_EQ(task.at("task").at("count").as_int64(), 3);
  EXPECT_EQ(task.at("task").at("counts").at("complete").as_int64(), 2);
  EXPECT_EQ(task.at("task").at("counts").at("error").as_int64(), 1);
  const auto& rows = task.at("executions").as_array();
  ASSERT_EQ(rows.size(), 3u);
  const auto& failed = rows.at(1).as_object();
  EXPECT_EQ(failed.at("index").as_int64(), 1);
  EXPECT_EQ(failed.at("exit_code").as_int64(), 3);
  EXPECT_EQ(failed.at("state").as_string(), "error");
  EXPECT_EQ(failed.at("parameters").at("i").as_int64(), 1);
  EXPECT_NE(std::string(failed.at("command").as_string()).find("echo run 1"), std::string::npos);
  const std::string failed_id = std::to_string(failed.at("id").as_int64());
  const std::string ok_id = std::to_string(rows.at(0).at("id").as_int64());

  // Human output: a table with the varying parameter as a column.
  const auto table = vhtask({"status", "1"});
  EXPECT_EQ(table.exit_code, 0) << table.err;
  EXPECT_NE(table.out.find("error"), std::string::npos) << table.out;
  EXPECT_NE(table.out.find("complete"), std::string::npos) << table.out;
  const auto list = vhtask({"status"});
  EXPECT_EQ(list.exit_code, 0);
  EXPECT_NE(list.out.find("job"), std::string::npos) << list.out;

  // show, logs, logs -f: exit 0 for a complete execution, 1 for a failed one.
  const auto show = vhtask({"show", failed_id});
  EXPECT_EQ(show.exit_code, 0) << show.err;
  EXPECT_NE(show.out.find("echo run 1"), std::string::npos) << show.out;
  EXPECT_NE(show.out.find("output.log"), std::string::npos) << show.out;
  const auto logs = vhtask({"logs", ok_id});
  EXPECT_EQ(logs.exit_code, 0) << logs.err;
  EXPECT_EQ(logs.out, "run 0\n{\"loss\": 0.5}\n");
  EXPECT_EQ(vhtask({"logs", ok_id, "-f"}).exit_code, 0);
  EXPECT_EQ(vhtask({"logs", failed_id, "-f"}).exit_code, 1);
  EXPECT_EQ(vhtask({"logs", ok_id, "--tail", "1"}).out, "{\"loss\": 0.5}\n");
  EXPECT_EQ(vhtask({"wait", "1"}).exit_code, 1);

  // rerun --failed: attempt 2 of index 1 appears; attempt 1 rows are unchanged.
  const std::string before = sqlite("SELECT * FROM executions WHERE attempt = 1 ORDER BY id");
  const auto rerun = vhtask({"rerun", "--failed", "1"});
  EXPECT_EQ(rerun.exit_code, 0) << rerun.out << rerun.err;
  EXPECT_EQ(vhtask({"wait", "1"}).exit_code, 1);  // it fails again, deterministically
  EXPECT_EQ(sqlite("SELECT * FROM executions WHERE attempt = 1 ORDER BY id"), before);
  EXPECT_EQ(sqlite("SELECT idx, attempt, state, exit_code FROM executions WHERE attempt = 2"),
            "1|2|error|3\n");
  // rerun EXEC of a good one, and show lists both attempts.
  EXPECT_EQ(vhtask({"rerun", ok_id}).exit_code, 0);
  EXPECT_EQ(vhtask({"wait", "1"}).exit_code, 1);
  const auto history = vhtask_json({"show", ok_id});
  EXPECT_EQ(history.at("attempts").as_array().size(), 2u);
}

void JourneyFixture::stop_parallel_and_shutdown() {
  const auto started = vhtask_json({"start", "job", "--grid", "grid.yaml", "--param", "nap=100"});
  const auto task = std::to_string(started.at("task").as_int64());
  EXPECT_EQ(started.at("count").as_int64(), 3);
  // Index 1 fails at once when it starts: locally that is now, on Slurm at the controller's
  // next scheduling tick. Waiting for it keeps the assertions below the same for both.
  ASSERT_TRUE(wait_until(
      [&] { return sqlite("SELECT state FROM executions WHERE idx = 1") == "error\n"; }, 60s))
      << m_daemon.log();
  EXPECT_EQ(vhtask({"parallel", "2"}).exit_code, 0);
  EXPECT_EQ(vhtask({"parallel", "1", "--task", task}).exit_code, 0);
  // Stop one execution by id, then the whole task.
  const auto status = vhtask_json({"status", task});
  ASSERT_FALSE(status.at("executions").as_array().empty());
  const auto first = std::to_string(status.at("executions").at(0).at("id").as_int64());
  EXPECT_EQ(vhtask({"stop", "--exec", first}).exit_code, 0);
  EXPECT_EQ(vhtask({"stop", task}).exit_code, 0);
  EXPECT_EQ(vhtask({"wait", task}).exit_code, 1);
  const auto after = vhtask_json({"status", task});
  EXPECT_EQ(after.at("task").at("state").as_string(), "stopped");
  EXPECT_EQ(after.at("task").at("counts").at("stopped").as_int64(), 2);
  EXPECT_EQ(after.at("task").at("counts").at("error").as_int64(), 1);
  // shutdown: the daemon exits 0 by itself.
  EXPECT_EQ(vhtask({"shutdown"}).exit_code, 0);
  EXPECT_EQ(m_daemon.wait_for_exit(), 0) << m_daemon.log();
}

}  // namespace vhtask::test
