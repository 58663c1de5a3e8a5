// `vhtask lint` through the installed binary: the malformed corpus (exit 2, an error naming the
// expected line), generated monsters (deep nesting, 10 MB), warnings only (exit 1), clean (exit 0).

#include "tests/support/malformed_corpus.h"
#include "tests/support/subprocess.h"
#include "tests/support/temp_dir.h"
#include "tests/support/test_paths.h"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

namespace vhtask::test {
namespace {

TEST(CliLint, EveryMalformedFileExitsTwoNamingItsLine) {
  const auto cases = malformed_corpus();
  ASSERT_GE(cases.size(), 30u);
  for (const auto& c : cases) {
    const std::string path = malformed_dir() + "/" + c.file;
    RunOptions options;
    options.deadline = std::chrono::seconds(20);
    const auto r = run_process({client_binary(), "lint", "-f", path}, options);
    EXPECT_FALSE(r.timed_out) << c.file;
    EXPECT_EQ(r.exit_code, 2) << c.file << "\n" << r.out << r.err;
    const std::string where = path + ":" + std::to_string(c.line) + ":";
    EXPECT_NE(r.out.find(where), std::string::npos) << c.file << " lacks " << where << "\n"
                                                    << r.out;
    EXPECT_NE(r.out.find(": error: "), std::string::npos) << c.file;
    EXPECT_NE(r.out.find(c.substring), std::string::npos) << c.file << "\n" << r.out;
  }
}

TEST(CliLint, DeepNestingAndHugeFilesAreErrorsNotCrashes) {
  TempDir dir;
  const std::string deep = dir.write("deep.yaml", std::string(100'000, '[') + "\n");
  const std::string big_text = [] {
    std::string s = "- step:\n    name: big\n    image: x\n    command: [";
    while (s.size() < 10 * 1024 * 1024) {
      s += "\"echo "
           "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\", ";
    }
    return s + "\n";  // the flow sequence is never closed
  }();
  const std::string big = dir.write("big.yaml", big_text);
  for (const auto& path : {deep, big}) {
    RunOptions options;
    options.deadline = std::chrono::seconds(60);
    const auto r = run_process({client_binary(), "lint", "-f", path}, options);
    EXPECT_FALSE(r.timed_out) << path;
    EXPECT_EQ(r.exit_code, 2) << path << r.err;
    EXPECT_NE(r.out.find(path + ":"), std::string::npos) << r.out.substr(0, 500);
  }
}

TEST(CliLint, CleanFileExitsZeroAndWarningsExitOne) {
  const auto clean =
      run_process({client_binary(), "lint", "-f", source_dir() + "/examples/valohai.yaml"});
  EXPECT_EQ(clean.exit_code, 0) << clean.out << clean.err;
  EXPECT_EQ(clean.out, "");
  TempDir dir;
  const std::string warn = dir.write("warn.yaml",
                                     "- step:\n"
                                     "    name: a\n"
                                     "    image: x\n"
                                     "    command: run {parameters}\n"
                                     "- step:\n"
                                     "    name: a\n"
                                     "    image: x\n"
                                     "    command: run\n");
  const auto r = run_process({client_binary(), "lint", "-f", warn});
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  EXPECT_NE(r.out.find(warn + ":6:"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find(": warning: duplicate step name 'a'"), std::string::npos) << r.out;
}

// Spec 1: items vhtask does not run are skipped without a warning (`--verbose` lists them);
// vhtask-only advice is a note that keeps the exit status.
TEST(CliLint, SkippedItemsAreSilentAndNotesKeepExitZero) {
  TempDir dir;
  const std::string file = dir.write("valohai.yaml",
                                     "- step:\n"
                                     "    name: a\n"
                                     "    image: x\n"
                                     "    command: run\n"
                                     "    inputs:\n"
                                     "      - name: data\n"
                                     "        default: s3://bucket/data.csv\n"
                                     "- endpoint:\n"
                                     "    name: server\n"
                                     "    image: x\n"
                                     "    server-command: serve\n"
                                     "- pipeline:\n"
                                     "    name: p\n"
                                     "    nodes: []\n"
                                     "    edges: []\n"
                                     "- deployment:\n"
                                     "    name: prod\n"
                                     "    defaults: {target: cluster}\n"
                                     "- task:\n"
                                     "    name: dist\n"
                                     "    step: a\n"
                                     "    type: distributed\n"
                                     "    parameters: []\n");
  const auto r = run_process({client_binary(), "lint", "-f", file});
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_EQ(r.out, file +
                       ":7:18: note: input 'data': vhtask cannot fetch s3:// URLs; give --input "
                       "data=PATH_OR_URL when starting\n");
  const auto verbose = run_process({client_binary(), "lint", "--verbose", "-f", file});
  EXPECT_EQ(verbose.exit_code, 0) << verbose.out << verbose.err;
  for (const char* what : {":8:3: info: `endpoint` items", ":12:3: info: `pipeline` items",
                           ":17:5: info: deployment 'prod'", ":20:5: info: task 'dist'"}) {
    EXPECT_NE(verbose.out.find(file + what), std::string::npos) << what << "\n" << verbose.out;
  }
  // Nothing of it is repeated by render.
  const auto render = run_process({client_binary(), "render", "a", "-f", file});
  EXPECT_EQ(render.exit_code, 0) << render.err;
  EXPECT_EQ(render.err, "");
}

TEST(CliLint, MissingFileIsAUsageError) {
  const auto r = run_process({client_binary(), "lint", "-f", "/nonexistent/valohai.yaml"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("/nonexistent/valohai.yaml"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace vhtask::test
