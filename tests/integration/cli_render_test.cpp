// `vhtask render` through the installed binary: the README's example and every conformance vector.

#include "tests/support/subprocess.h"
#include "tests/support/temp_dir.h"
#include "tests/support/test_paths.h"

#include <boost/json.hpp>
#include <gtest/gtest.h>

namespace vhtask::test {
namespace {

std::string examples_file() {
  return source_dir() + "/examples/valohai.yaml";
}

TEST(CliRender, ExampleRendersTheSeedCommand) {
  const auto r = run_process({client_binary(), "render", "train", "-f", examples_file()});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "python train.py --max_steps=300 --learning_rate=0.001 --dropout=0.9\n");
  EXPECT_EQ(r.err, "");
}

TEST(CliRender, JsonCarriesTypedParameters) {
  const auto r = run_process({client_binary(), "render", "train", "-f", examples_file(), "--param",
                              "max_steps=300", "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto doc = boost::json::parse(r.out).as_object();
  EXPECT_EQ(doc.at("command").as_string(),
            "python train.py --max_steps=300.0 --learning_rate=0.001 --dropout=0.9");
  EXPECT_TRUE(doc.at("parameters").at("max_steps").is_double());
}

TEST(CliRender, EveryProblemIsListedAndExitIsTwo) {
  const auto r = run_process({client_binary(), "render", "train", "-f", examples_file(), "--param",
                              "max_steps=abc", "--param", "nope=1", "--param", "dropout=x"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(r.out, "");
  EXPECT_NE(r.err.find("abc is not a floating-point number"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("no parameter 'nope'"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("x is not a floating-point number"), std::string::npos) << r.err;
}

TEST(CliRender, UnknownStepAndMissingFileExitTwo) {
  const auto step = run_process({client_binary(), "render", "nope", "-f", examples_file()});
  EXPECT_EQ(step.exit_code, 2);
  EXPECT_NE(step.err.find("no step 'nope'"), std::string::npos) << step.err;
  const auto file = run_process({client_binary(), "render", "train", "-f", "/nonexistent.yaml"});
  EXPECT_EQ(file.exit_code, 2);
  EXPECT_NE(file.err.find("/nonexistent.yaml"), std::string::npos) << file.err;
}

TEST(CliRender, EveryConformanceVectorThroughTheBinary) {
  const auto json = boost::json::parse(read_file(data_dir() + "/conformance/render.json"));
  TempDir dir;
  size_t checked = 0;
  for (const auto& item : json.as_array()) {
    const auto& c = item.as_object();
    const std::string id(c.at("id").as_string());
    const std::string path = dir.write(id + ".yaml", std::string(c.at("yaml").as_string()));
    std::vector<std::string> argv{client_binary(), "render", std::string(c.at("step").as_string()),
                                  "-f", path};
    for (const auto& p : c.at("params").as_array()) {
      argv.push_back("--param");
      argv.emplace_back(p.as_string());
    }
    const auto r = run_process(argv);
    EXPECT_EQ(r.exit_code, 0) << id << ": " << r.err;
    EXPECT_EQ(r.out, std::string(c.at("expected").as_string()) + "\n") << id;
    ++checked;
  }
  EXPECT_EQ(checked, 150u);
}

TEST(CliBasics, VersionAndHelp) {
  const auto version = run_process({client_binary(), "--version"});
  EXPECT_EQ(version.exit_code, 0);
  EXPECT_EQ(version.out.rfind("vhtask ", 0), 0u) << version.out;
  for (const char* cmd : {"lint", "render", "start"}) {
    const auto help = run_process({client_binary(), cmd, "--help"});
    EXPECT_EQ(help.exit_code, 0) << cmd;
    EXPECT_NE(help.out.find("Usage"), std::string::npos) << cmd << ": " << help.out;
  }
  const auto bad = run_process({client_binary(), "frobnicate"});
  EXPECT_EQ(bad.exit_code, 2);
}

}  // namespace
}  // namespace vhtask::test
