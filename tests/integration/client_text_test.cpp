// What the client prints for people carries no raw control byte (issue 14, item 9): a task whose
// --name, step name, parameter values and metadata key hold terminal escapes (OSC title, SGR
// colour, C1 CSI) and CR LF runs through the real client and daemon, and every human-readable
// output (start --wait, status, status TASK, show, compare, an error echoing the step name)
// shows them as visible escapes; only the output's own newlines remain.

#include "tests/support/daemon_harness.h"
#include "tests/support/subprocess.h"
#include "tests/support/test_paths.h"

#include <gtest/gtest.h>

namespace vhtask::test {
namespace {

using namespace std::chrono_literals;

// The first raw control byte in `text` other than '\n' (C0, DEL, or a C1 control in UTF-8 or
// as a lone byte), described; "" when there is none.
std::string first_control(const std::string& text) {
  for (std::size_t i = 0; i < text.size(); ++i) {
    const auto c = static_cast<unsigned char>(text[i]);
    const bool c1_utf8 = c == 0xC2 && i + 1 < text.size() &&
                         static_cast<unsigned char>(text[i + 1]) >= 0x80 &&
                         static_cast<unsigned char>(text[i + 1]) <= 0x9F;
    const bool lone_c1 =
        c >= 0x80 && c <= 0x9F && (i == 0 || static_cast<unsigned char>(text[i - 1]) < 0xC2);
    if ((c < 0x20 && c != '\n') || c == 0x7F || c1_utf8 || lone_c1) {
      return "byte " + std::to_string(c) + " at " + std::to_string(i) + " in: " + text;
    }
  }
  return "";
}

class ClientTextTest : public ::testing::Test {
protected:
  void SetUp() override {
    ASSERT_TRUE(m_daemon.start()) << m_daemon.log();
    // The step name holds an OSC title sequence and CR LF; the values SGR, CR LF and C1 CSI;
    // the metadata key an SGR sequence (printed by the execution itself).
    m_daemon.dir().write("project/valohai.yaml",
                         "- step:\n"
                         "    name: \"s\\e]0;pwned\\a\\r\\nFORGED\"\n"
                         "    image: busybox\n"
                         "    command:\n"
                         "      - \"printf '\\\\173\\\"m\\\\\\\\u001b[1;31m\\\": 1\\\\175\\\\n'\"\n"
                         "      - echo {parameters}\n"
                         "    parameters:\n"
                         "      - name: p\n"
                         "        type: string\n");
    m_daemon.dir().write(
        "project/grid.yaml",
        "parameters:\n"
        "  - name: p\n"
        "    style: multiple\n"
        "    rules: {items: [\"a\\e[1;31mRED\", \"b\\r\\nFORGED\\x9b2J\\x7f\"]}\n");
  }

  RunResult vhtask(std::vector<std::string> args) {
    args.insert(args.begin(), client_binary());
    RunOptions options;
    for (const auto& [key, value] : m_daemon.client_env()) {
      options.env[key] = value;
    }
    options.env["NO_COLOR"] = "1";
    options.cwd = (m_daemon.dir().path() / "project").string();
    return run_process(args, options);
  }

  DaemonHarness m_daemon;
};

TEST_F(ClientTextTest, NoHumanOutputCarriesARawControlByte) {
  const std::string step = "s\x1b]0;pwned\a\r\nFORGED";
  const auto started = vhtask({"start", step, "--grid", "grid.yaml", "--wait", "--name",
                               "n\x1b]0;title\a\r\nTask 9 complete\xc2\x9b"});
  ASSERT_EQ(started.exit_code, 0) << started.out << started.err;
  std::vector<std::pair<std::string, RunResult>> outputs = {{"start --wait", started}};
  outputs.emplace_back("status", vhtask({"status"}));
  outputs.emplace_back("status 1", vhtask({"status", "1"}));
  outputs.emplace_back("show 1", vhtask({"show", "1"}));
  outputs.emplace_back("show 2", vhtask({"show", "2"}));
  outputs.emplace_back("compare 1", vhtask({"compare", "1"}));
  for (const auto& [what, r] : outputs) {
    EXPECT_EQ(r.exit_code, 0) << what << ": " << r.err;
    EXPECT_EQ(first_control(r.out), "") << what;
    EXPECT_EQ(first_control(r.err), "") << what;
  }
  // The values are shown, escaped.
  EXPECT_NE(outputs[1].second.out.find("n\\x1b]0;title\\x07\\r\\nTask 9 complete\\u009b"),
            std::string::npos)
      << outputs[1].second.out;
  EXPECT_NE(outputs[2].second.out.find("a\\x1b[1;31mRED"), std::string::npos)
      << outputs[2].second.out;
  EXPECT_NE(outputs[2].second.out.find("b\\r\\nFORGED\\u009b2J\\x7f"), std::string::npos)
      << outputs[2].second.out;
  EXPECT_NE(outputs[2].second.out.find("s\\x1b]0;pwned\\x07\\r\\nFORGED"), std::string::npos)
      << outputs[2].second.out;
  EXPECT_NE(outputs[3].second.out.find("Parameters: p = a\\x1b[1;31mRED\n"), std::string::npos)
      << outputs[3].second.out;
  EXPECT_NE(outputs[5].second.out.find("m\\x1b[1;31m"), std::string::npos) << outputs[5].second.out;
  // An error that echoes the step name.
  const auto unknown = vhtask({"start", "x\x1b[2J\r\nnope", "--grid", "grid.yaml"});
  EXPECT_EQ(unknown.exit_code, 2);
  EXPECT_EQ(first_control(unknown.err), "");
  EXPECT_NE(unknown.err.find("no step 'x\\x1b[2J\\r\\nnope'"), std::string::npos) << unknown.err;
  // --json and --csv stay exact: their formats escape (JSON) or quote (CSV) what they carry.
  const auto csv = vhtask({"compare", "1", "--csv"});
  EXPECT_NE(csv.out.find("\"b\r\nFORGED\xc2\x9b"
                         "2J\x7f\""),
            std::string::npos)
      << csv.out;
  // (JSON needs no escape for DEL or U+009B, so only C0 controls are checked there.)
  const auto json = vhtask({"status", "1", "--json"});
  EXPECT_EQ(json.out.find_first_of(std::string("\x1b\r\a")), std::string::npos);
  EXPECT_NE(json.out.find("\\u001b[1;31mRED"), std::string::npos) << json.out;
}

}  // namespace
}  // namespace vhtask::test
