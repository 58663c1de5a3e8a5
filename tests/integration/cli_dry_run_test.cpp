// `vhtask start --dry-run` through the installed binary: every grid conformance vector, the
// guard for huge searches, --param against a grid entry, and unsupported task types.

#include "tests/support/subprocess.h"
#include "tests/support/temp_dir.h"
#include "tests/support/test_paths.h"

#include <boost/json.hpp>
#include <gtest/gtest.h>

namespace vhtask::test {
namespace {

namespace json = boost::json;

TEST(CliDryRun, EveryGridConformanceVectorThroughTheBinary) {
  const auto cases = json::parse(read_file(data_dir() + "/conformance/grid.json"));
  TempDir dir;
  std::size_t checked = 0;
  for (const auto& item : cases.as_array()) {
    const auto& c = item.as_object();
    const std::string id(c.at("id").as_string());
    const std::string yaml = dir.write(id + "/valohai.yaml", std::string(c.at("yaml").as_string()));
    const std::string grid = dir.write(id + "/grid.yaml", std::string(c.at("grid").as_string()));
    const auto r = run_process({client_binary(), "start", std::string(c.at("step").as_string()),
                                "-f", yaml, "--grid", grid, "--dry-run", "--json"});
    if (const auto* error = c.if_contains("expected_error")) {
      EXPECT_EQ(r.exit_code, 2) << id << ": " << r.out;
      EXPECT_EQ(r.out, "") << id;
      EXPECT_NE(r.err.find(std::string(error->as_string())), std::string::npos)
          << id << ": " << r.err;
      ++checked;
      continue;
    }
    ASSERT_EQ(r.exit_code, 0) << id << ": " << r.err;
    const auto doc = json::parse(r.out).as_object();
    const auto& expected = c.at("expected").as_array();
    EXPECT_EQ(doc.at("count").as_int64(), static_cast<std::int64_t>(expected.size())) << id;
    const auto& executions = doc.at("executions").as_array();
    ASSERT_EQ(executions.size(), expected.size()) << id;
    for (std::size_t i = 0; i < expected.size(); ++i) {
      EXPECT_EQ(executions[i].at("index").as_int64(), static_cast<std::int64_t>(i)) << id;
      EXPECT_EQ(executions[i].at("command"), expected[i]) << id << " #" << i;
      EXPECT_TRUE(executions[i].at("parameters").is_object()) << id;
    }
    ++checked;
  }
  EXPECT_EQ(checked, 48u);
}

class DryRunProject : public ::testing::Test {
protected:
  void SetUp() override {
    m_yaml = m_dir.write("valohai.yaml",
                         "- step:\n"
                         "    name: train\n"
                         "    image: python:3.12\n"
                         "    command: python train.py {parameters}\n"
                         "    parameters:\n"
                         "      - name: lr\n"
                         "        type: float\n"
                         "        default: 0.001\n"
                         "      - name: n\n"
                         "        type: integer\n"
                         "        default: 1\n"
                         "- task:\n"
                         "    name: tpe\n"
                         "    step: train\n"
                         "    type: bayesian_tpe\n"
                         "    execution-count: 10\n"
                         "    parameters:\n"
                         "      - name: lr\n"
                         "        style: logspace\n"
                         "        rules: {min: -5, max: -1, count: 5}\n");
  }
  RunResult vhtask(std::vector<std::string> args) {
    args.insert(args.begin(), client_binary());
    RunOptions options;
    options.cwd = m_dir.path().string();
    options.env = {{"VHTASK_NO_AUTOSTART", "1"},
                   {"VHTASK_SOCKET", (m_dir.path() / "none.sock").string()}};
    return run_process(args, options);
  }
  std::string grid_of(int n) {
    return m_dir.write("big.yaml",
                       "parameters:\n  - name: n\n    style: linear\n    rules: {start: 1, end: " +
                           std::to_string(n) + ", step: 1}\n");
  }
  TempDir m_dir;
  std::string m_yaml;
};

TEST_F(DryRunProject, TextOutputIsCountThenIndexTabCommand) {
  const auto r = vhtask({"start", "train", "--grid", grid_of(3), "--dry-run"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out,
            "3 executions\n"
            "0\tpython train.py --lr=0.001 --n=1\n"
            "1\tpython train.py --lr=0.001 --n=2\n"
            "2\tpython train.py --lr=0.001 --n=3\n");
}

TEST_F(DryRunProject, ParamFixesAValueAndConflictsWithTheGrid) {
  const auto fixed =
      vhtask({"start", "train", "--grid", grid_of(2), "--param", "lr=0.5", "--dry-run"});
  EXPECT_EQ(fixed.exit_code, 0) << fixed.err;
  EXPECT_NE(fixed.out.find("1\tpython train.py --lr=0.5 --n=2\n"), std::string::npos) << fixed.out;
  const auto conflict =
      vhtask({"start", "train", "--grid", grid_of(2), "--param", "n=5", "--dry-run"});
  EXPECT_EQ(conflict.exit_code, 2);
  EXPECT_NE(conflict.err.find("'n'"), std::string::npos) << conflict.err;
  EXPECT_EQ(conflict.out, "");
}

TEST_F(DryRunProject, HugeSearchesNeedYesWithoutATerminal) {
  // Over 10,000 executions: refused without --yes (stdin is not a terminal here), naming the count.
  const auto refused = vhtask({"start", "train", "--grid", grid_of(10001)});
  EXPECT_EQ(refused.exit_code, 2);
  EXPECT_NE(refused.err.find("10001"), std::string::npos) << refused.err;
  EXPECT_NE(refused.err.find("--yes"), std::string::npos) << refused.err;
  // A dry run of the same search needs no confirmation.
  const auto dry = vhtask({"start", "train", "--grid", grid_of(10001), "--dry-run"});
  EXPECT_EQ(dry.exit_code, 0);
  EXPECT_EQ(dry.out.substr(0, dry.out.find('\n')), "10001 executions");
  // With --yes it goes on to the daemon (none here, without autostart: exit 3).
  EXPECT_EQ(vhtask({"start", "train", "--grid", grid_of(10001), "--yes"}).exit_code, 3);
}

TEST_F(DryRunProject, BayesianTasksSayTheyAreNotSupported) {
  const auto r = vhtask({"start", "--task", "tpe", "--dry-run"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("bayesian_tpe"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("not supported"), std::string::npos) << r.err;
}

TEST_F(DryRunProject, RecordedSeedReproducesARandomSearch) {
  const std::string grid =
      m_dir.write("random.yaml",
                  "type: random_search\n"
                  "execution-count: 5\n"
                  "parameters:\n"
                  "  - name: lr\n"
                  "    style: random\n"
                  "    rules: {min: 0.001, max: 0.002, distribution: loguniform}\n");
  const auto first = vhtask({"start", "train", "--grid", grid, "--dry-run", "--json"});
  ASSERT_EQ(first.exit_code, 0) << first.err;
  const auto seed = json::parse(first.out).at("seed").to_number<std::uint64_t>();
  const auto again = vhtask(
      {"start", "train", "--grid", grid, "--dry-run", "--json", "--seed", std::to_string(seed)});
  EXPECT_EQ(again.out, first.out);
}

// A list command is one script (spec 2.3 item 5): its later lines are indented by a tab under
// the index; --json carries the script with its newlines.
TEST(CliDryRun, AListCommandShowsAsOneScript) {
  TempDir dir;
  const std::string yaml = dir.write("valohai.yaml",
                                     "- step:\n"
                                     "    name: s\n"
                                     "    image: x\n"
                                     "    command: [cd src, 'python t.py {parameters}']\n"
                                     "    parameters:\n"
                                     "      - {name: n, type: integer, default: 1}\n");
  const auto r = run_process({client_binary(), "start", "s", "-f", yaml, "--dry-run"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "1 execution\n0\tcd src\n\tpython t.py --n=1\n");
  const auto json = run_process({client_binary(), "start", "s", "-f", yaml, "--dry-run", "--json"});
  EXPECT_NE(json.out.find("\"command\":\"cd src\\npython t.py --n=1\""), std::string::npos)
      << json.out;
}

}  // namespace
}  // namespace vhtask::test
