// How an execution runs, through the installed client against a real daemon (issue 16, spec
// sections 2.3 item 5, 4 and 5): the command is one bash script run in the project directory
// (the folder of the valohai.yaml, also for `start -f` from elsewhere and for `rerun`), with
// PYTHONUNBUFFERED and VH_REPOSITORY_DIR set; the project's git commit and dirty state are
// recorded; a met stop-condition (task or step) is a success; outputs are listed.

#include "tests/support/daemon_harness.h"
#include "tests/support/subprocess.h"
#include "tests/support/test_paths.h"
#include "tests/support/wait_until.h"

#include <boost/json.hpp>
#include <gtest/gtest.h>

#include <filesystem>

namespace vhtask::test {
namespace {

using namespace std::chrono_literals;
namespace json = boost::json;

class ProjectRun : public ::testing::Test {
protected:
  void SetUp() override { ASSERT_TRUE(m_daemon.start({"--parallel", "2"})) << m_daemon.log(); }

  // A file under the daemon's temp dir; returns its absolute path.
  std::string write(const std::string& name, const std::string& text) {
    return m_daemon.dir().write(name, text);
  }
  std::string path(const std::string& name) const {
    return (m_daemon.dir().path() / name).string();
  }

  RunResult vhtask(std::vector<std::string> args, const std::string& cwd) {
    args.insert(args.begin(), client_binary());
    RunOptions options;
    for (const auto& [key, value] : m_daemon.client_env()) {
      options.env[key] = value;
    }
    options.env["NO_COLOR"] = "1";
    // The client's environment reaches the executions: an empty value (Python's "unset") shows
    // that the daemon sets PYTHONUNBUFFERED itself, whatever the test's own environment says.
    options.env["PYTHONUNBUFFERED"] = "";
    options.cwd = cwd;
    options.deadline = 60s;
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

  std::string log_of(std::int64_t execution) {
    return read_file(m_daemon.state_dir() + "/executions/" + std::to_string(execution) +
                     "/output.log");
  }

  json::object execution(std::int64_t id) {
    const auto shown = vhtask_json({"show", std::to_string(id)}, path(""));
    return shown.is_object() ? shown.at("execution").as_object() : json::object();
  }

  DaemonHarness m_daemon;
};

// `cd`, `source` and `&` in one session; a failing middle line does not stop the next; the
// exit status is the last line's (4 here, once the background line has finished).
const char* const k_script_yaml = R"text(- step:
    name: script
    image: python:3.12
    command: |
      cd sub
      source env.sh
      (sleep 1; echo done > ../bg.txt) &
      false
      echo "dir=$(basename "$PWD") greeting=$GREETING bg=$(test -e ../bg.txt && echo yes || echo no)"
      wait
      test -e ../bg.txt && exit 4
- step:
    name: fine
    image: python:3.12
    command: |
      false
      echo "still here"
)text";

TEST_F(ProjectRun, AMultiLineScriptRunsInOneBashSessionAndEndsWithItsLastLine) {
  write("project/valohai.yaml", k_script_yaml);
  write("project/sub/env.sh", "GREETING=hi\n");
  const auto failed =
      vhtask({"start", "script", "-f", path("project/valohai.yaml"), "--wait"}, path(""));
  EXPECT_EQ(failed.exit_code, 1) << failed.out << failed.err;
  EXPECT_EQ(log_of(1), "dir=sub greeting=hi bg=no\n");
  const auto first = execution(1);
  EXPECT_EQ(first.at("state"), "error");
  EXPECT_EQ(first.at("exit_code"), 4);

  const auto fine = vhtask({"start", "fine", "-f", path("project/valohai.yaml"), "--wait"}, "/");
  EXPECT_EQ(fine.exit_code, 0) << fine.out << fine.err;
  EXPECT_EQ(log_of(2), "still here\n");
  EXPECT_EQ(execution(2).at("state"), "complete");
}

const char* const k_where_yaml = R"text(- step:
    name: where
    image: python:3.12
    command: |
      pwd
      echo "repo=$VH_REPOSITORY_DIR unbuffered=$PYTHONUNBUFFERED"
      cat data.txt
    parameters:
      - {name: i, type: integer, default: 0}
)text";

TEST_F(ProjectRun, StartFromAnotherDirectoryAndRerunRunInTheProjectDirectory) {
  write("project/valohai.yaml", k_where_yaml);
  write("project/data.txt", "project data\n");
  // The grid file is the user's, relative to where the client runs.
  write("elsewhere/grid.yaml",
        "type: grid_search\nparameters:\n  - {name: i, style: multiple, rules: {items: [1]}}\n");
  const std::string project = path("project");
  const auto started =
      vhtask({"start", "where", "-f", project + "/valohai.yaml", "--grid", "grid.yaml", "--wait"},
             path("elsewhere"));
  ASSERT_EQ(started.exit_code, 0) << started.out << started.err;
  const std::string expected = project + "\nrepo=" + project + " unbuffered=1\nproject data\n";
  EXPECT_EQ(log_of(1), expected);
  EXPECT_EQ(execution(1).at("parameters").at("i"), 1);

  // Relative -f from a subdirectory's parent works the same way.
  const auto relative =
      vhtask({"start", "where", "-f", "project/valohai.yaml", "--wait"}, path(""));
  ASSERT_EQ(relative.exit_code, 0) << relative.out << relative.err;
  EXPECT_EQ(log_of(2), expected);

  const auto status = vhtask_json({"status", "1"}, "/");
  EXPECT_EQ(status.at("task").at("cwd"), json::value(project));

  const auto rerun = vhtask({"rerun", "1"}, "/");
  ASSERT_EQ(rerun.exit_code, 0) << rerun.out << rerun.err;
  ASSERT_EQ(vhtask({"wait", "1"}, "/").exit_code, 0);
  EXPECT_EQ(log_of(3), expected);
}

// Runs git in `dir`; its exit status.
int git(const std::string& dir, std::vector<std::string> args) {
  args.insert(args.begin(), {"git", "-C", dir});
  const auto r = run_process(args);
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  return r.exit_code;
}

TEST_F(ProjectRun, TheProjectsGitCommitAndDirtyStateAreRecordedAndShown) {
  write("project/valohai.yaml", k_where_yaml);
  write("project/data.txt", "v1\n");
  const std::string project = path("project");
  ASSERT_EQ(git(project, {"init", "-q"}), 0);
  ASSERT_EQ(git(project, {"config", "user.name", "Test"}), 0);
  ASSERT_EQ(git(project, {"config", "user.email", "test@example.com"}), 0);
  ASSERT_EQ(git(project, {"add", "."}), 0);
  ASSERT_EQ(git(project, {"commit", "-q", "-m", "first"}), 0);
  const auto head = run_process({"git", "-C", project, "rev-parse", "HEAD"});
  ASSERT_EQ(head.exit_code, 0);
  const std::string commit = head.out.substr(0, 40);
  // An untracked file does not make the tree dirty (as `git describe --dirty`).
  write("project/scratch.log", "x\n");

  // Started from outside the checkout: the commit is the project's, not the client's cwd's.
  ASSERT_EQ(vhtask({"start", "where", "-f", project + "/valohai.yaml", "--wait"}, "/").exit_code,
            0);
  write("project/data.txt", "v2\n");  // a tracked file changed: dirty
  ASSERT_EQ(vhtask({"start", "where", "-f", project + "/valohai.yaml", "--wait"}, "/").exit_code,
            0);

  const auto clean = vhtask_json({"status", "1"}, "/").at("task");
  EXPECT_EQ(clean.at("git_commit"), json::value(commit));
  EXPECT_EQ(clean.at("git_dirty"), false);
  const auto dirty = vhtask_json({"status", "2"}, "/").at("task");
  EXPECT_EQ(dirty.at("git_commit"), json::value(commit));
  EXPECT_EQ(dirty.at("git_dirty"), true);

  const auto text = vhtask({"status", "2"}, "/");
  EXPECT_NE(text.out.find("Project: " + project + " (git " + commit + ", dirty)\n"),
            std::string::npos)
      << text.out;
  EXPECT_NE(
      vhtask({"status", "1"}, "/").out.find("Project: " + project + " (git " + commit + ")\n"),
      std::string::npos);
  const auto shown = vhtask({"show", "2"}, "/");
  EXPECT_NE(shown.out.find("Directory:  " + project + "\n"), std::string::npos) << shown.out;
  EXPECT_NE(shown.out.find("Git:        " + commit + " (dirty)\n"), std::string::npos) << shown.out;
  const auto shown_json = vhtask_json({"show", "1"}, "/");
  EXPECT_EQ(shown_json.at("git_commit"), json::value(commit));
  EXPECT_EQ(shown_json.at("git_dirty"), false);
  EXPECT_EQ(shown_json.at("directory"), json::value(project));

  // Outside a git checkout: no commit.
  write("plain/valohai.yaml", k_where_yaml);
  write("plain/data.txt", "plain\n");
  ASSERT_EQ(vhtask({"start", "where", "-f", path("plain/valohai.yaml"), "--wait"}, "/").exit_code,
            0);
  const auto plain = vhtask_json({"status", "3"}, "/").at("task");
  EXPECT_TRUE(plain.at("git_commit").is_null());
  EXPECT_TRUE(plain.at("git_dirty").is_null());
}

// A plain Python loop (no flush): a line and a metadata object every 0.2 s for 3 s. Only
// PYTHONUNBUFFERED gets them into the log while it runs.
const char* const k_loop_py = R"text(import json, time
for i in range(15):
    print("tick", i)
    print(json.dumps({"step": i, "loss": round(1.0 - i * 0.05, 2)}))
    time.sleep(0.2)
)text";

const char* const k_loop_yaml = R"text(- step:
    name: loop
    image: python:3.12
    command: python3 loop.py {parameters}
    parameters:
      - {name: n, type: integer, default: 0}
- step:
    name: goal
    image: python:3.12
    command: python3 loop.py {parameters}
    stop-condition: metadata.step >= 2
    parameters:
      - {name: n, type: integer, default: 0}
- task:
    name: until-step-3
    step: loop
    type: grid_search
    stop-condition: metadata.step >= 3
    parameters:
      - {name: n, style: multiple, rules: {items: [1]}}
- task:
    name: goal-twice
    step: goal
    type: grid_search
    parameters:
      - {name: n, style: multiple, rules: {items: [1, 2]}}
)text";

TEST_F(ProjectRun, PythonOutputAndMetadataAreVisibleWhileItRuns) {
  write("py/valohai.yaml", k_loop_yaml);
  write("py/loop.py", k_loop_py);
  ASSERT_EQ(vhtask({"start", "loop", "-f", path("py/valohai.yaml")}, "/").exit_code, 0);
  // Seen in `logs` and `compare` while the execution is still running (it runs 3 s).
  ASSERT_TRUE(wait_until(
      [&] {
        const auto logs = vhtask({"logs", "1"}, "/");
        return logs.out.find("tick 1\n") != std::string::npos;
      },
      20s));
  const auto rows = vhtask_json({"compare", "1"}, "/").as_array();
  ASSERT_EQ(rows.size(), 1U);
  EXPECT_TRUE(rows[0].at("metadata").as_object().contains("step")) << json::serialize(rows);
  EXPECT_EQ(execution(1).at("state"), "started");
  ASSERT_EQ(vhtask({"wait", "1"}, "/").exit_code, 0);
  EXPECT_EQ(vhtask_json({"show", "1"}, "/").at("metadata").at("step"), 14);
}

TEST_F(ProjectRun, ATaskStopConditionMetIsASuccessAndAStopByRequestIsNot) {
  write("py/valohai.yaml", k_loop_yaml);
  write("py/loop.py", k_loop_py);
  const auto met =
      vhtask({"start", "--task", "until-step-3", "-f", path("py/valohai.yaml"), "--wait"}, "/");
  EXPECT_EQ(met.exit_code, 0) << met.out << met.err;
  EXPECT_NE(met.out.find("Task 1 stopped, condition met: "), std::string::npos) << met.out;
  const auto status = vhtask_json({"status", "1"}, "/").at("task");
  EXPECT_EQ(status.at("state"), "stopped");
  EXPECT_EQ(status.at("condition_met"), true);
  const auto step = vhtask_json({"show", "1"}, "/").at("metadata").at("step").as_int64();
  EXPECT_GE(step, 3);
  EXPECT_LT(step, 14);  // stopped before the script's own end (its last step is 14)
  EXPECT_EQ(vhtask({"wait", "1"}, "/").exit_code, 0);
  const auto text = vhtask({"status", "1"}, "/");
  EXPECT_NE(text.out.find(": stopped, condition met  "), std::string::npos) << text.out;
  EXPECT_NE(text.out.find("Reason: stop-condition `metadata.step >= 3` met by execution 1\n"),
            std::string::npos)
      << text.out;

  // A plain stop is still not a success.
  ASSERT_EQ(vhtask({"start", "loop", "-f", path("py/valohai.yaml")}, "/").exit_code, 0);
  ASSERT_TRUE(wait_until([&] { return execution(2).at("state") == "started"; }, 20s));
  ASSERT_EQ(vhtask({"stop", "2"}, "/").exit_code, 0);
  const auto stopped = vhtask({"wait", "2"}, "/");
  EXPECT_EQ(stopped.exit_code, 1) << stopped.out << stopped.err;
  EXPECT_EQ(vhtask_json({"status", "2"}, "/").at("task").at("condition_met"), false);
}

TEST_F(ProjectRun, AStepStopConditionStopsEachExecutionThatMeetsItAndTheTaskGoesOn) {
  write("py/valohai.yaml", k_loop_yaml);
  write("py/loop.py", k_loop_py);
  const auto started =
      vhtask({"start", "--task", "goal-twice", "-f", path("py/valohai.yaml"), "--wait"}, "/");
  EXPECT_EQ(started.exit_code, 0) << started.out << started.err;
  const auto status = vhtask_json({"status", "1"}, "/");
  EXPECT_EQ(status.at("task").at("state"), "complete");
  EXPECT_EQ(status.at("task").at("executions_condition_met"), 2);
  for (const auto& item : status.at("executions").as_array()) {
    const auto& e = item.as_object();
    EXPECT_EQ(e.at("state"), "stopped");
    EXPECT_EQ(e.at("condition_met"), true);
    EXPECT_EQ(e.at("reason"), "step stop-condition `metadata.step >= 2` met");
  }
  const auto step = vhtask_json({"show", "2"}, "/").at("metadata").at("step").as_int64();
  EXPECT_GE(step, 2);
  EXPECT_LT(step, 14);
  const auto text = vhtask({"show", "1"}, "/");
  EXPECT_NE(text.out.find(": step stop-condition `metadata.step >= 2` met\n"), std::string::npos)
      << text.out;
}

// The issue's three forms of leval stop-condition (a bare name, `metadata.`/`parameter.` with
// `and`, a chained comparison), each on a task and on a step, through the real daemon. loop.py's
// loss is 1.0 - 0.05 * step, so each form is first met at step 3, well before the end (14).
class StopConditionForms : public ProjectRun, public ::testing::WithParamInterface<std::string> {
protected:
  void write_project() {
    const std::string condition = GetParam();
    write("forms/loop.py", k_loop_py);
    write("forms/valohai.yaml",
          "- step:\n"
          "    name: loop\n"
          "    image: python:3.12\n"
          "    command: python3 loop.py {parameters}\n"
          "    parameters:\n"
          "      - {name: n, type: integer, default: 0}\n"
          "- step:\n"
          "    name: guarded\n"
          "    image: python:3.12\n"
          "    command: python3 loop.py {parameters}\n"
          "    stop-condition: \"" +
              condition +
              "\"\n"
              "    parameters:\n"
              "      - {name: n, type: integer, default: 1}\n"
              "- task:\n"
              "    name: sweep\n"
              "    step: loop\n"
              "    type: grid_search\n"
              "    stop-condition: \"" +
              condition +
              "\"\n"
              "    parameters:\n"
              "      - {name: n, style: multiple, rules: {items: [1]}}\n");
  }

  // The execution's last stored step: the condition fired between steps 3 and the end.
  void expect_stopped_early(std::int64_t id) {
    const auto step = vhtask_json({"show", std::to_string(id)}, "/").at("metadata").at("step");
    EXPECT_GE(step.as_int64(), 3);
    EXPECT_LT(step.as_int64(), 14);
  }
};

TEST_P(StopConditionForms, OnATask) {
  write_project();
  const auto r =
      vhtask({"start", "--task", "sweep", "-f", path("forms/valohai.yaml"), "--wait"}, "/");
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  const auto task = vhtask_json({"status", "1"}, "/").at("task");
  EXPECT_EQ(task.at("state"), "stopped");
  EXPECT_EQ(task.at("condition_met"), true);
  expect_stopped_early(1);
}

TEST_P(StopConditionForms, OnAStep) {
  write_project();
  const auto r = vhtask({"start", "guarded", "-f", path("forms/valohai.yaml"), "--wait"}, "/");
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  const auto e = execution(1);
  EXPECT_EQ(e.at("state"), "stopped");
  EXPECT_EQ(e.at("condition_met"), true);
  expect_stopped_early(1);
}

INSTANTIATE_TEST_SUITE_P(Forms, StopConditionForms,
                         ::testing::Values("loss < 0.9", "metadata.loss < 0.9 and parameter.n > 0",
                                           "0.5 < loss < 0.9"));

const char* const k_outputs_yaml = R"text(- step:
    name: write
    image: python:3.12
    command: |
      printf 12345 > "$VH_OUTPUTS_DIR/model.bin"
      mkdir -p "$VH_OUTPUTS_DIR/plots"
      printf ab > "$VH_OUTPUTS_DIR/plots/loss.txt"
)text";

TEST_F(ProjectRun, OutputsAreListedByShowAndPrintedByOutputs) {
  write("out/valohai.yaml", k_outputs_yaml);
  ASSERT_EQ(vhtask({"start", "write", "-f", path("out/valohai.yaml"), "--wait"}, "/").exit_code, 0);
  const std::string dir =
      std::filesystem::canonical(m_daemon.state_dir() + "/executions/1/outputs").string();
  const auto shown = vhtask_json({"show", "1"}, "/");
  EXPECT_EQ(shown.at("outputs"), json::parse(R"([{"name": "model.bin", "path": ")" + dir +
                                             R"(/model.bin", "size": 5},)"
                                             R"({"name": "plots/loss.txt", "path": ")" +
                                             dir + R"(/plots/loss.txt", "size": 2}])"));
  EXPECT_EQ(shown.at("outputs_total"), 2);
  const auto text = vhtask({"show", "1"}, "/");
  EXPECT_NE(
      text.out.find("Outputs:    model.bin  (5 bytes)\n            plots/loss.txt  (2 bytes)\n"),
      std::string::npos)
      << text.out;

  const auto paths = vhtask({"outputs", "1"}, "/");
  EXPECT_EQ(paths.exit_code, 0) << paths.err;
  EXPECT_EQ(paths.out, dir + "/model.bin\n" + dir + "/plots/loss.txt\n");
  const auto listed = vhtask_json({"outputs", "1"}, "/");
  EXPECT_EQ(listed.as_array().size(), 2U);
  EXPECT_EQ(listed.as_array()[1].at("name"), "plots/loss.txt");
  EXPECT_EQ(listed.as_array()[1].at("size"), 2);
  EXPECT_EQ(vhtask({"outputs", "99"}, "/").exit_code, 2);
}

}  // namespace
}  // namespace vhtask::test
