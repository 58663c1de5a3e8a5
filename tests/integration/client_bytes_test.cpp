// Bytes that are not UTF-8 never make `start` send invalid JSON (issue 14, item 6), through the
// real client and daemon: an environment value and the cwd that are not UTF-8 reach the
// execution byte for byte (byte strings, schema/protocol.md); a variable whose name is not UTF-8
// is left out with a warning; a --param value or a valohai.yaml that is not UTF-8, and a NUL in a
// parameter value, are usage errors naming the parameter or file:line:column, and nothing is
// recorded.

#include "common/byte_string.h"
#include "tests/support/daemon_harness.h"
#include "tests/support/subprocess.h"
#include "tests/support/test_paths.h"

#include <gtest/gtest.h>

#include <filesystem>

namespace vhtask::test {
namespace {

namespace fs = std::filesystem;
namespace json = boost::json;

const char* const k_yaml =
    "- step:\n"
    "    name: s\n"
    "    image: busybox\n"
    "    command: 'printf %s \"$LATIN1\" > \"$VH_OUTPUTS_DIR/env\"; pwd > \"$VH_OUTPUTS_DIR/cwd\"; "
    "echo {parameters}'\n"
    "    parameters:\n"
    "      - name: p\n"
    "        type: string\n"
    "        default: x\n";

class ClientBytesTest : public ::testing::Test {
protected:
  void SetUp() override {
    ASSERT_TRUE(m_daemon.start()) << m_daemon.log();
    m_daemon.dir().write(m_project + "/valohai.yaml", k_yaml);
  }

  RunResult vhtask(std::vector<std::string> args, std::map<std::string, std::string> env = {}) {
    args.insert(args.begin(), client_binary());
    RunOptions options;
    options.env = std::move(env);
    for (const auto& [key, value] : m_daemon.client_env()) {
      options.env[key] = value;
    }
    options.cwd = (m_daemon.dir().path() / m_project).string();
    return run_process(args, options);
  }

  std::string outputs(int execution, const std::string& file) {
    return read_file(m_daemon.state_dir() + "/executions/" + std::to_string(execution) +
                     "/outputs/" + file);
  }

  std::int64_t tasks() {
    const auto r = vhtask({"status", "--json"});
    return static_cast<std::int64_t>(json::parse(r.out).at("tasks").as_array().size());
  }

  DaemonHarness m_daemon;
  std::string m_project = "proj\xff\xfe-dir";  // a directory name that is not UTF-8
};

TEST_F(ClientBytesTest, AnEnvironmentValueAndACwdThatAreNotUtf8ReachTheExecutionExactly) {
  const std::string value = "caf\xe9 \xff\xfe\x80 end";
  const auto r = vhtask({"start", "s", "--wait"}, {{"LATIN1", value}, {"BAD\xffNAME", "1"}});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_NE(r.err.find("warning: environment variable BAD\\xffNAME is left out: its name is not "
                       "valid UTF-8"),
            std::string::npos)
      << r.err;
  EXPECT_EQ(outputs(1, "env"), value);
  EXPECT_EQ(outputs(1, "cwd"), (m_daemon.dir().path() / m_project).string() + "\n");
  // Replies stay valid JSON: the task's cwd comes back as a byte string.
  const auto status = vhtask({"status", "1", "--json"});
  ASSERT_EQ(status.exit_code, 0) << status.err;
  const auto cwd = json::parse(status.out).at("task").at("cwd");
  ASSERT_TRUE(cwd.is_object()) << status.out;
  EXPECT_EQ(common::base64_decode(cwd.at("base64").as_string()),
            (m_daemon.dir().path() / m_project).string());
}

TEST_F(ClientBytesTest, AParamValueThatIsNotUtf8IsAnErrorNamingTheParameter) {
  const auto r = vhtask({"start", "s", "--param", "p=ab\xff"});
  EXPECT_EQ(r.exit_code, 2) << r.out << r.err;
  EXPECT_NE(r.err.find("the --param value of parameter 'p' is not valid UTF-8 (byte 0xff at "
                       "offset 4)"),
            std::string::npos)
      << r.err;
  EXPECT_EQ(tasks(), 0);
}

TEST_F(ClientBytesTest, AValohaiYamlThatIsNotUtf8IsAnErrorNamingTheLine) {
  m_daemon.dir().write(m_project + "/latin1.yaml", std::string(k_yaml) + "# caf\xe9\n");
  const auto r = vhtask({"start", "s", "-f", "latin1.yaml"});
  EXPECT_EQ(r.exit_code, 2) << r.out << r.err;
  EXPECT_NE(r.err.find("latin1.yaml:9:6: error: file is not valid UTF-8 text (byte 0xE9)"),
            std::string::npos)
      << r.err;
  EXPECT_EQ(tasks(), 0);
}

TEST_F(ClientBytesTest, ANulInAParameterValueIsAnErrorNamingTheParameter) {
  m_daemon.dir().write(m_project + "/grid.yaml",
                       "parameters:\n  - name: p\n    style: multiple\n"
                       "    rules: {items: [\"ok\", \"cut\\0here\"]}\n");
  const auto r = vhtask({"start", "s", "--grid", "grid.yaml"});
  EXPECT_EQ(r.exit_code, 2) << r.out << r.err;
  EXPECT_NE(r.err.find("parameter 'p': the value contains a NUL byte (\\0) at offset 3, which a "
                       "command line cannot carry"),
            std::string::npos)
      << r.err;
  EXPECT_EQ(tasks(), 0);
}

}  // namespace
}  // namespace vhtask::test
