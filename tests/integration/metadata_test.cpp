// Metadata, compare and stop-condition through the installed client against a real daemon
// (issue #8): the example 3 x 3 grid compared by loss (table, JSON, CSV read by Python's csv
// module), a stop-condition met by the fourth execution, a malformed one, a 200,000-line burst
// while another client times `status`, and a daemon killed in the middle of a burst.

#include "tests/support/daemon_harness.h"
#include "tests/support/subprocess.h"
#include "tests/support/test_paths.h"
#include "tests/support/wait_until.h"

#include <boost/json.hpp>
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <numeric>

namespace vhtask::test {
namespace {

using namespace std::chrono_literals;
namespace json = boost::json;

// A step printing `n` lines {"i": k} in bursts of `burst` with `pause` seconds between them.
const char* const k_flood_yaml =
    "- step:\n"
    "    name: flood\n"
    "    image: none\n"
    "    command: python3 flood.py {parameters}\n"
    "    parameters:\n"
    "      - {name: n, type: integer, default: 200000}\n"
    "      - {name: burst, type: integer, default: 200000}\n"
    "      - {name: pause, type: float, default: 0}\n";
const char* const k_flood_py =
    "import sys, time\n"
    "args = dict(a[2:].split('=') for a in sys.argv[1:])\n"
    "n, burst, pause = int(args['n']), int(args['burst']), float(args['pause'])\n"
    "for start in range(0, n, burst):\n"
    "    sys.stdout.write(''.join('{\"i\": %d}\\n' % i for i in range(start, min(n, start + "
    "burst))))\n"
    "    sys.stdout.flush()\n"
    "    time.sleep(pause)\n";

class Metadata : public ::testing::Test {
protected:
  void SetUp() override { ASSERT_TRUE(m_daemon.start({"--parallel", "3"})) << m_daemon.log(); }

  RunResult vhtask(std::vector<std::string> args, const std::string& cwd) {
    args.insert(args.begin(), client_binary());
    RunOptions options;
    for (const auto& [key, value] : m_daemon.client_env()) {
      options.env[key] = value;
    }
    options.env["NO_COLOR"] = "1";
    options.env["TRAIN_EPOCH_SECONDS"] = "0.01";
    options.cwd = cwd;
    options.deadline = 120s;
    return run_process(args, options);
  }

  json::value vhtask_json(std::vector<std::string> args, const std::string& cwd) {
    args.push_back("--json");
    const auto r = vhtask(args, cwd);
    EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
    boost::system::error_code ec;
    auto value = json::parse(r.out, ec);
    EXPECT_FALSE(ec) << r.out;
    return ec ? json::value() : value;
  }

  std::string sqlite(const std::string& sql) {
    const auto r = run_process({"sqlite3", "-readonly", m_daemon.db(), sql});
    std::string out = r.out;
    while (!out.empty() && out.back() == '\n') {
      out.pop_back();
    }
    return out;
  }

  std::string examples() const { return source_dir() + "/examples"; }

  std::string flood_project() {
    m_daemon.dir().write("flood/valohai.yaml", k_flood_yaml);
    m_daemon.dir().write("flood/flood.py", k_flood_py);
    return (m_daemon.dir().path() / "flood").string();
  }

  DaemonHarness m_daemon;
};

TEST_F(Metadata, CompareSortsTheExampleGridByLossAsTableJsonAndCsv) {
  const auto started =
      vhtask({"start", "train", "-f", "valohai.yaml", "--grid", "grid.yaml", "--wait"}, examples());
  EXPECT_EQ(started.exit_code, 1) << started.out << started.err;  // one point diverges on purpose

  const auto rows = vhtask_json({"compare", "1", "--sort", "loss"}, examples()).as_array();
  ASSERT_EQ(rows.size(), 9U);
  std::vector<double> losses;
  std::vector<std::int64_t> ids;
  for (const auto& row : rows) {
    const auto& metadata = row.at("metadata").as_object();
    ASSERT_TRUE(metadata.contains("loss")) << json::serialize(row);
    losses.push_back(metadata.at("loss").to_number<double>());
    ids.push_back(row.at("id").as_int64());
  }
  EXPECT_TRUE(std::is_sorted(losses.begin(), losses.end())) << json::serialize(rows);
  // train.py's loss is lowest near learning_rate 0.01, dropout 0.65: the grid's (0.01, 0.7).
  EXPECT_EQ(rows[0].at("parameters").at("learning_rate").as_double(), 0.01);
  EXPECT_EQ(rows[0].at("parameters").at("dropout").as_double(), 0.7);
  EXPECT_EQ(rows[0].at("metadata").at("epoch").as_int64(), 10);  // the latest value, not the first

  // --desc reverses; --limit cuts.
  const auto desc =
      vhtask_json({"compare", "1", "--sort", "loss", "--desc", "--limit", "2"}, examples())
          .as_array();
  ASSERT_EQ(desc.size(), 2U);
  EXPECT_EQ(desc[0].at("id").as_int64(), ids.back());

  // CSV, read by a real CSV reader: a header, then the same rows in the same order.
  const auto csv = vhtask({"compare", "1", "--sort", "loss", "--csv"}, examples());
  ASSERT_EQ(csv.exit_code, 0) << csv.err;
  RunOptions reader;
  reader.stdin_text = csv.out;
  const auto parsed = run_process(
      {"python3", "-c",
       "import csv, io, json, sys; "
       "print(json.dumps(list(csv.reader(io.StringIO(sys.stdin.read(), newline='')))))"},
      reader);
  ASSERT_EQ(parsed.exit_code, 0) << parsed.err;
  const auto table = json::parse(parsed.out).as_array();
  ASSERT_EQ(table.size(), 10U);
  const auto& header = table[0].as_array();
  ASSERT_GE(header.size(), 5U);
  EXPECT_EQ(header[0].as_string(), "execution");
  EXPECT_EQ(header[1].as_string(), "state");
  EXPECT_EQ(header[2].as_string(), "learning_rate");
  EXPECT_EQ(header[3].as_string(), "dropout");
  EXPECT_EQ(header[4].as_string(), "loss");  // the sort key first among the metadata
  for (std::size_t i = 0; i < ids.size(); ++i) {
    EXPECT_EQ(std::stoll(std::string(table[i + 1].as_array()[0].as_string())), ids[i]);
    EXPECT_EQ(std::stod(std::string(table[i + 1].as_array()[4].as_string())), losses[i]);
  }

  // The table has the same first row; show lists the latest metadata; logs keep the lines.
  const auto text = vhtask({"compare", "1", "--sort", "loss"}, examples());
  EXPECT_NE(text.out.find("EXEC  STATE"), std::string::npos) << text.out;
  const auto show = vhtask_json({"show", std::to_string(ids[0])}, examples());
  EXPECT_EQ(show.at("metadata").at("loss").to_number<double>(), losses[0]);
  EXPECT_EQ(show.at("metadata_events").as_int64(), 10);
  const auto logs = vhtask({"logs", std::to_string(ids[0])}, examples());
  EXPECT_NE(logs.out.find("{\"epoch\": 10, \"loss\": "), std::string::npos) << logs.out;
}

TEST_F(Metadata, StopConditionMetByTheFourthExecutionStopsTheTask) {
  const auto started = vhtask(
      {"start", "train", "-f", "valohai.yaml", "--grid", "grid_stop.yaml", "--wait"}, examples());
  EXPECT_NE(started.out.find("stop-condition `metadata.loss < 0.1` met by execution 4"),
            std::string::npos)
      << started.out << started.err;
  EXPECT_EQ(sqlite("SELECT state, stop_condition, stop_reason FROM tasks"),
            "stopped|metadata.loss < 0.1|stop-condition `metadata.loss < 0.1` met by execution 4");
  // Three complete, the fourth stopped while running; 5..9 never started (no row, no directory).
  EXPECT_EQ(sqlite("SELECT group_concat(id || ':' || state, ' ') FROM executions"),
            "1:complete 2:complete 3:complete 4:stopped");
  const auto status = vhtask_json({"status", "1"}, examples());
  EXPECT_EQ(status.at("task").at("counts").at("stopped").as_int64(), 6);
  EXPECT_EQ(status.at("task").at("reason").as_string(),
            "stop-condition `metadata.loss < 0.1` met by execution 4");
  const auto text = vhtask({"status", "1"}, examples());
  EXPECT_NE(text.out.find("Reason: stop-condition `metadata.loss < 0.1` met by execution 4\n"),
            std::string::npos)
      << text.out;
  for (int id = 5; id <= 9; ++id) {
    EXPECT_FALSE(
        std::filesystem::exists(m_daemon.state_dir() + "/executions/" + std::to_string(id)));
  }
  const auto rows = vhtask_json({"compare", "1", "--sort", "loss"}, examples()).as_array();
  ASSERT_EQ(rows.size(), 4U);
  EXPECT_EQ(rows[0].at("id").as_int64(), 4);
  EXPECT_LT(rows[0].at("metadata").at("loss").to_number<double>(), 0.1);
}

TEST_F(Metadata, MalformedStopConditionIsAValidationErrorWithItsPosition) {
  const auto grid = m_daemon.dir().write("bad/grid.yaml",
                                         "type: grid_search\n"
                                         "stop-condition: metadata.loss <\n"
                                         "parameters:\n"
                                         "  - {name: dropout, style: multiple, rules: {items: "
                                         "[0.5]}}\n");
  const auto r = vhtask({"start", "train", "-f", "valohai.yaml", "--grid", grid}, examples());
  EXPECT_EQ(r.exit_code, 2) << r.out << r.err;
  EXPECT_NE(r.err.find(grid + ":2: error: stop-condition: column 16: "), std::string::npos)
      << r.err;
  EXPECT_EQ(sqlite("SELECT count(*) FROM tasks"), "0");
}

TEST_F(Metadata, ABurstOf200000LinesIsStoredWhileStatusStaysFast) {
  const auto project = flood_project();
  auto probe = m_daemon.connect();
  ASSERT_TRUE(probe->connected());
  const auto started = vhtask({"start", "flood", "-f", "valohai.yaml"}, project);
  ASSERT_EQ(started.exit_code, 0) << started.err;
  // Time `status` round trips until the task has ended and all its lines are stored.
  std::vector<double> ms;
  bool ended = false;
  const auto deadline = std::chrono::steady_clock::now() + 120s;
  while (!ended && std::chrono::steady_clock::now() < deadline) {
    const auto t0 = std::chrono::steady_clock::now();
    const auto reply = probe->call("status", {{"task", 1}});
    ms.push_back(
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count());
    ASSERT_TRUE(reply && reply->contains("result"));
    ended = reply->at("result").at("task").at("state").as_string() != "running";
  }
  ASSERT_TRUE(ended);
  std::sort(ms.begin(), ms.end());
  const double median = ms[ms.size() / 2];
  const double p95 = ms[ms.size() * 95 / 100];
  std::printf(
      "status during a 200,000-line burst: %zu calls, median %.2f ms, p95 %.2f ms, max "
      "%.2f ms\n",
      ms.size(), median, p95, ms.back());
  // The goal is 50 ms; the machine is shared, so the median and p95 are asserted, not the max.
  // Sanitizer builds run several times slower: their bounds are scaled.
#if defined(__SANITIZE_ADDRESS__)
  constexpr double k_slowdown = 4.0;
#else
  constexpr double k_slowdown = 1.0;
#endif
  EXPECT_LT(median, 10.0 * k_slowdown);
  EXPECT_LT(p95, 50.0 * k_slowdown);
  const auto show = vhtask_json({"show", "1"}, project);
  EXPECT_EQ(show.at("metadata_events").as_int64(), 200000);
  EXPECT_EQ(show.at("metadata_dropped").as_int64(), 0);
  EXPECT_EQ(show.at("metadata").at("i").as_int64(), 199999);
  EXPECT_EQ(sqlite("SELECT count(*), min(seq), max(seq), "
                   "sum(json_extract(json, '$.i') <> seq) FROM metadata_events"),
            "200000|0|199999|0");
}

TEST_F(Metadata, ADaemonKilledMidBurstStoresEveryLineExactlyOnce) {
  const auto project = flood_project();
  // 300,000 lines in bursts of 10,000, 50 ms apart: about 1.5 s of output.
  const auto started = vhtask({"start", "flood", "-f", "valohai.yaml", "--param", "n=300000",
                               "--param", "burst=10000", "--param", "pause=0.05"},
                              project);
  ASSERT_EQ(started.exit_code, 0) << started.err;
  ASSERT_TRUE(wait_until(
      [&] {
        const auto n = sqlite("SELECT metadata_count FROM executions WHERE id = 1");
        return !n.empty() && std::stoll(n) > 20000;
      },
      60s));
  m_daemon.crash();
  const auto at_crash = std::stoll(sqlite("SELECT metadata_count FROM executions WHERE id = 1"));
  ASSERT_TRUE(m_daemon.start({"--parallel", "3"})) << m_daemon.log();
  const auto waited = vhtask({"wait", "1"}, project);
  EXPECT_EQ(waited.exit_code, 0) << waited.out << waited.err;
  std::printf("killed with %lld of 300000 lines stored\n", static_cast<long long>(at_crash));
  EXPECT_LT(at_crash, 300000);
  EXPECT_EQ(sqlite("SELECT state, metadata_count FROM executions WHERE id = 1"), "complete|300000");
  EXPECT_EQ(sqlite("SELECT count(*), min(seq), max(seq), "
                   "sum(json_extract(json, '$.i') <> seq) FROM metadata_events"),
            "300000|0|299999|0");
}

}  // namespace
}  // namespace vhtask::test
