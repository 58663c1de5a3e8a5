// The real-world corpus (tests/data/real-world/): valohai.yaml files in the shapes of public
// projects, each with the reference's lint verdict and the exact script `vhtask render` prints
// for its steps, listed in EXPECTED.txt. Through the installed binary.

#include "tests/support/daemon_harness.h"
#include "tests/support/subprocess.h"
#include "tests/support/test_paths.h"

#include <gtest/gtest.h>

#include <sstream>
#include <string>

namespace vhtask::test {
namespace {

TEST(RealWorld, EveryFileLintsWithTheReferencesVerdictAndRendersItsSteps) {
  const std::string dir = data_dir() + "/real-world";
  std::istringstream in(read_file(dir + "/EXPECTED.txt"));
  std::string line;
  int files = 0;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') {
      continue;
    }
    std::istringstream fields(line);
    std::string file;
    int exit_code = -1;
    fields >> file >> exit_code;
    const std::string path = dir + "/" + file;
    const auto lint = run_process({client_binary(), "lint", "-f", path});
    EXPECT_EQ(lint.exit_code, exit_code) << file << "\n" << lint.out << lint.err;
    std::string render;
    while (fields >> render) {
      const std::string step = render.substr(0, render.find('='));
      const std::string expected = read_file(dir + "/" + render.substr(render.find('=') + 1));
      const auto r = run_process({client_binary(), "render", step, "-f", path});
      EXPECT_EQ(r.exit_code, 0) << file << " " << step << ": " << r.err;
      EXPECT_EQ(r.out, expected) << file << " " << step;
    }
    ++files;
  }
  EXPECT_GE(files, 7);
}

// `start --task` on a distributed task is a clear error; nothing is started.
TEST(RealWorld, StartingADistributedTaskIsAClearError) {
  const std::string path = data_dir() + "/real-world/mixed_items_reference_verdict.yaml";
  const auto r =
      run_process({client_binary(), "--no-autostart", "start", "--task", "multi-node", "-f", path});
  EXPECT_EQ(r.exit_code, 2) << r.out << r.err;
  EXPECT_NE(r.err.find("task 'multi-node' is of type distributed, which vhtask cannot run"),
            std::string::npos)
      << r.err;
}

// The rest of that file runs: its `evaluate` step, on a real daemon, to completion.
TEST(RealWorld, TheOtherStepsOfAFileWithSkippedItemsRun) {
  DaemonHarness daemon;
  ASSERT_TRUE(daemon.start()) << daemon.log();
  RunOptions options;
  for (const auto& [key, value] : daemon.client_env()) {
    options.env[key] = value;
  }
  options.env["NO_COLOR"] = "1";
  options.deadline = std::chrono::seconds(60);
  const std::string path = data_dir() + "/real-world/mixed_items_reference_verdict.yaml";
  const auto r = run_process({client_binary(), "start", "evaluate", "-f", path, "--wait"}, options);
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err << daemon.log();
  EXPECT_NE(r.out.find("complete"), std::string::npos) << r.out;
}

}  // namespace
}  // namespace vhtask::test
